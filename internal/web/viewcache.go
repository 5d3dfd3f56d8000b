package web

import (
	"context"
	"sync"
	"time"
)

// viewCache keeps rendered dashboard pages per mission, dashboard, scope
// and language (the whole page is a function of its URL and language). A commit or rollback marks a mission's views stale; the next
// reader still gets the previous view at once while one goroutine
// re-evaluates it, so a page never waits for DuckDB once it has been seen.
// Snapshot views are not cached here: they carry an ETag and never change.
type viewCache struct {
	mu      sync.Mutex
	entries map[string]*cachedView
	gen     map[string]int
	bytes   int // the pages' sizes, summed
}

type cachedView struct {
	page       []byte
	gen        int
	refreshing bool
	used       time.Time
}

// maxViews and maxViewBytes bound the cache; scopes come from URLs. A page
// larger than maxViewBytes/8 is served but not kept: it would push out
// dozens of ordinary ones.
const (
	maxViews     = 256
	maxViewBytes = 64 << 20
)

func newViewCache() *viewCache {
	return &viewCache{entries: map[string]*cachedView{}, gen: map[string]int{}}
}

// invalidate marks a mission's views stale.
func (c *viewCache) invalidate(mission string) {
	c.mu.Lock()
	c.gen[mission]++
	c.mu.Unlock()
}

// get returns the cached view for key, evaluating it with eval on the first
// request and refreshing it in the background when stale.
func (c *viewCache) get(ctx context.Context, mission, key string, eval func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	gen := c.gen[mission]
	e, ok := c.entries[key]
	if ok && e.page != nil {
		e.used = time.Now()
		if e.gen < gen && !e.refreshing {
			e.refreshing = true
			go c.refresh(key, gen, e, eval)
		}
		v := e.page
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err := eval(ctx)
	if err != nil {
		return nil, err
	}
	if len(v) > maxViewBytes/8 {
		return v, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.bytes -= len(old.page)
	}
	c.entries[key] = &cachedView{page: v, gen: gen, used: time.Now()}
	c.bytes += len(v)
	for len(c.entries) > maxViews || c.bytes > maxViewBytes {
		if !c.evictOldest() {
			break
		}
	}
	return v, nil
}

func (c *viewCache) refresh(key string, gen int, e *cachedView, eval func(ctx context.Context) ([]byte, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v, err := eval(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refreshing = false
	if err == nil && c.entries[key] == e {
		c.bytes += len(v) - len(e.page)
		e.page, e.gen = v, gen
	}
}

// evictOldest drops the least recently used view that is not being
// refreshed, reporting whether there was one; the caller holds c.mu.
func (c *viewCache) evictOldest() bool {
	var oldest string
	var at time.Time
	for k, e := range c.entries {
		if !e.refreshing && (oldest == "" || e.used.Before(at)) {
			oldest, at = k, e.used
		}
	}
	if oldest == "" {
		return false
	}
	c.bytes -= len(c.entries[oldest].page)
	delete(c.entries, oldest)
	return true
}
