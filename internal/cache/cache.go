// Package cache provides a bounded stale-while-revalidate cache: the metric
// results of the metrics engine and the rendered dashboard pages of the web
// server are both kept in one.
//
// Values are grouped (a group is a mission). Invalidate marks a group's
// values stale; the next Get of a stale value still returns it at once and
// starts one background recomputation, so a reader never waits once a
// value has been computed, and several invalidations in a row cost one
// recomputation. The first Get of a key computes the value in the caller's
// goroutine, and concurrent Gets of that key wait for it instead of
// computing it again. A failed first computation is not cached; a failed
// recomputation keeps the stale value (tried again on the next Get).
//
// A computation that reads other cached values wants them fresh (Fresh):
// a page is one consistent picture of the data, never new figures beside
// stale metrics. Such a Get of a stale value waits for its recomputation
// (run in the caller when none is under way). Every background
// recomputation is fresh so. After a large import every value is stale at
// once: MaxRefreshes bounds how many recompute together, so that the
// readers whose pages are not cached yet are not starved of cores and
// memory.
package cache

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errPanicked is what the readers waiting for a first computation get when
// it panicked.
var errPanicked = errors.New("cache: the computation of this value panicked")

// Options bound a Cache and tell it how to measure and observe.
type Options[V any] struct {
	// MaxEntries and MaxBytes bound the cache: the least recently used
	// values that are not being computed go first.
	MaxEntries, MaxBytes int
	// MaxValueBytes, when not zero, is the largest value kept: a larger
	// one is returned but not cached, as it would push out many ordinary
	// ones.
	MaxValueBytes int
	// Size estimates the memory a value holds.
	Size func(V) int
	// Now is the clock of "least recently used" (default time.Now).
	Now func() time.Time
	// RefreshTimeout bounds a background recomputation (0: none), from
	// when it starts, not while it waits for a slot.
	RefreshTimeout time.Duration
	// MaxRefreshes, when not zero, is how many background recomputations
	// run at once; the others wait for a slot, still counted as under way.
	MaxRefreshes int
	// OnLookup, when set, is told of every Get: hit is true when the key
	// was present (fresh, stale or being computed).
	OnLookup func(hit bool)
	// OnRefresh, when set, is told of every background recomputation.
	OnRefresh func()
}

// Cache is a stale-while-revalidate cache of V by key. The zero value is
// not usable; call New.
type Cache[V any] struct {
	opt Options[V]

	mu      sync.Mutex
	entries map[string]*entry[V]
	gen     map[string]int // group → generation, bumped by Invalidate
	bytes   int            // the cached values' sizes, summed
	slots   chan struct{}  // background recomputations running; nil: unbounded
}

type entry[V any] struct {
	val     V
	has     bool  // val holds a computed value
	err     error // the first computation's error
	gen     int   // the group's generation val was computed at
	ready   chan struct{}
	running bool          // a computation is in progress (or a recomputation waits for a slot)
	claimed bool          // the pending recomputation is being computed
	done    chan struct{} // closed when the pending recomputation ends
	used    time.Time
	size    int
}

// New returns an empty cache.
func New[V any](opt Options[V]) *Cache[V] {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &Cache[V]{opt: opt, entries: map[string]*entry[V]{}, gen: map[string]int{}}
	if opt.MaxRefreshes > 0 {
		c.slots = make(chan struct{}, opt.MaxRefreshes)
	}
	return c
}

type freshKey struct{}

// Fresh returns ctx marked so that Gets with it never return a stale value:
// they wait for its recomputation.
func Fresh(ctx context.Context) context.Context { return context.WithValue(ctx, freshKey{}, true) }

func wantsFresh(ctx context.Context) bool { v, _ := ctx.Value(freshKey{}).(bool); return v }

// Invalidate marks every value of group stale.
func (c *Cache[V]) Invalidate(group string) {
	c.mu.Lock()
	c.gen[group]++
	c.mu.Unlock()
}

// Get returns the value of key in group: cached (possibly stale, then
// recomputed in the background with a context of its own) or computed now
// with ctx on the first request. compute must not keep ctx.
func (c *Cache[V]) Get(ctx context.Context, group, key string, compute func(context.Context) (V, error)) (V, error) {
	var zero V
	c.mu.Lock()
	gen := c.gen[group]
	e, ok := c.entries[key]
	if c.opt.OnLookup != nil {
		c.opt.OnLookup(ok)
	}
	if !ok {
		e = &entry[V]{ready: make(chan struct{}), running: true, used: c.opt.Now()}
		c.entries[key] = e
		c.evict()
		c.mu.Unlock()
		returned := false
		defer func() {
			if !returned {
				// compute panicked: the readers waiting for it get an
				// error and the next Get computes again; the panic goes on.
				c.store(key, e, gen, zero, errPanicked)
				close(e.ready)
			}
		}()
		v, err := compute(ctx)
		returned = true
		c.store(key, e, gen, v, err)
		close(e.ready)
		return v, err
	}
	e.used = c.opt.Now()
	if e.has && e.gen < gen && wantsFresh(ctx) {
		return c.fresh(ctx, key, e, gen, compute)
	}
	if e.has && e.gen < gen && !e.running {
		e.running, e.claimed, e.done = true, false, make(chan struct{})
		if c.opt.OnRefresh != nil {
			c.opt.OnRefresh()
		}
		go c.refresh(key, e, gen, compute, e.done)
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
	default: // the first computation is under way: wait for it, or leave
		select {
		case <-e.ready:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !e.has {
		return zero, e.err
	}
	return e.val, nil
}

// Recompute computes the value of key in group now, even when a fresh one
// is cached, and caches it as fresh (the scheduled recomputation, so the
// first reader after a night of imports does not wait). On failure the
// cached value, if any, stays.
func (c *Cache[V]) Recompute(ctx context.Context, group, key string, compute func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	gen := c.gen[group]
	c.mu.Unlock()
	v, err := compute(ctx)
	if err != nil {
		return v, err
	}
	size := c.size(v)
	if c.opt.MaxValueBytes > 0 && size > c.opt.MaxValueBytes {
		return v, nil
	}
	e := &entry[V]{val: v, has: true, gen: gen, ready: make(chan struct{}), used: c.opt.Now(), size: size}
	close(e.ready)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.bytes -= old.size
	}
	c.entries[key] = e
	c.bytes += size
	c.evict()
	return v, nil
}

func (c *Cache[V]) size(v V) int {
	if c.opt.Size == nil {
		return 0
	}
	return c.opt.Size(v)
}

// fresh returns the value of the stale entry e once recomputed at gen or
// later: by the recomputation under way, or by one run now in the
// caller's goroutine — also when a background one still waits for a slot,
// which then has nothing left to do. The caller holds c.mu; fresh
// releases it.
func (c *Cache[V]) fresh(ctx context.Context, key string, e *entry[V], gen int, compute func(context.Context) (V, error)) (V, error) {
	var zero V
	for {
		if e.gen >= gen {
			v := e.val
			c.mu.Unlock()
			return v, nil
		}
		if !e.running || !e.claimed {
			if !e.running {
				e.running, e.done = true, make(chan struct{})
			}
			e.claimed = true
			done := e.done
			c.mu.Unlock()
			if err := c.recompute(ctx, key, e, gen, compute, done); err != nil {
				return zero, err
			}
			c.mu.Lock()
			continue
		}
		done := e.done // a recomputation under way, maybe of an older generation
		c.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		c.mu.Lock()
	}
}

// refresh recomputes a stale entry in the background, in a slot when
// they are bounded, unless a fresh Get took the recomputation done over
// meanwhile.
func (c *Cache[V]) refresh(key string, e *entry[V], gen int, compute func(context.Context) (V, error), done chan struct{}) {
	if c.slots != nil {
		c.slots <- struct{}{}
		defer func() { <-c.slots }()
	}
	c.mu.Lock()
	if e.done != done || e.claimed || !e.running {
		c.mu.Unlock()
		return
	}
	e.claimed = true
	c.mu.Unlock()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if c.opt.RefreshTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, c.opt.RefreshTimeout)
	}
	defer cancel()
	c.recompute(Fresh(ctx), key, e, gen, compute, done)
}

// recompute computes the stale entry e again and ends its pending
// recomputation (done): on failure the stale value stays (the next Get
// tries again).
func (c *Cache[V]) recompute(ctx context.Context, key string, e *entry[V], gen int, compute func(context.Context) (V, error), done chan struct{}) error {
	defer close(done)
	returned := false
	defer func() {
		if !returned { // compute panicked: the stale value stays, the panic goes on
			c.mu.Lock()
			e.running, e.claimed = false, false
			c.mu.Unlock()
		}
	}()
	v, err := compute(ctx)
	returned = true
	if err != nil {
		c.mu.Lock()
		e.running, e.claimed = false, false
		c.mu.Unlock()
		return err
	}
	c.store(key, e, gen, v, nil)
	return nil
}

// store ends a computation of e: a value is kept (unless too large), a
// failed first computation is dropped so that the next Get tries again.
func (c *Cache[V]) store(key string, e *entry[V], gen int, v V, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.running, e.claimed = false, false
	e.used = c.opt.Now()
	current := c.entries[key] == e
	if err != nil {
		e.err = err
		if current && !e.has {
			c.bytes -= e.size
			delete(c.entries, key)
		}
		return
	}
	size := c.size(v)
	e.val, e.has, e.err, e.gen = v, true, nil, gen
	if current {
		c.bytes += size - e.size
	}
	e.size = size
	if current && c.opt.MaxValueBytes > 0 && size > c.opt.MaxValueBytes {
		c.bytes -= e.size
		delete(c.entries, key)
		return
	}
	c.evict()
}

// evict drops the least recently used entries while the cache is over its
// count or its bytes. The caller holds c.mu.
func (c *Cache[V]) evict() {
	for len(c.entries) > c.opt.MaxEntries || c.bytes > c.opt.MaxBytes {
		var oldest string
		var at time.Time
		for k, e := range c.entries {
			if !e.running && (oldest == "" || e.used.Before(at)) {
				oldest, at = k, e.used
			}
		}
		if oldest == "" {
			return
		}
		c.bytes -= c.entries[oldest].size
		delete(c.entries, oldest)
	}
}

// Len returns how many values are cached and their estimated size in bytes.
func (c *Cache[V]) Len() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}
