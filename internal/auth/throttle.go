package auth

import (
	"sync"
	"time"
)

// Throttle slows password guessing the OWASP way: after Free failures under
// one key (an account from one client, or one client across accounts),
// each further attempt under that key waits twice as long as the one
// before, from Base up to Max. Nothing is ever locked: the owner of an
// account, from their own client, is not slowed by a stranger's failures,
// and the state is the same whether the name exists or not. A key whose
// last failure is older than Forget starts afresh.
type Throttle struct {
	mu     sync.Mutex
	free   int
	base   time.Duration
	max    time.Duration
	forget time.Duration
	now    func() time.Time
	keys   map[string]*strikes
}

type strikes struct {
	n    int       // failures since the last success or the last forget
	last time.Time // the last failure
}

// maxKeys bounds the memory a flood of names and addresses can take.
const maxKeys = 100_000

// NewThrottle allows free failures per key, then delays from base, doubling
// up to max.
func NewThrottle(free int, base, max time.Duration, now func() time.Time) *Throttle {
	return &Throttle{free: free, base: base, max: max, forget: 4 * max, now: now, keys: map[string]*strikes{}}
}

// delay is how long after its last failure a key with n failures waits.
func (t *Throttle) delay(n int) time.Duration {
	if n < t.free {
		return 0
	}
	d := t.base
	for i := t.free; i < n && d < t.max; i++ {
		d *= 2
	}
	return min(d, t.max)
}

// Wait says how long key must wait before its next attempt (0: now).
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.keys[key]
	if !ok {
		return 0
	}
	return max(0, s.last.Add(t.delay(s.n)).Sub(t.now()))
}

// Fail records a failed attempt under key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s, ok := t.keys[key]
	if ok && now.Sub(s.last) > t.forget {
		s.n = 0
	}
	if !ok {
		if len(t.keys) >= maxKeys {
			t.sweep(now)
		}
		s = &strikes{}
		t.keys[key] = s
	}
	s.n++
	s.last = now
}

// Reset forgets key's failures (after a successful login).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.keys, key)
	t.mu.Unlock()
}

// sweep forgets keys whose last failure is old enough; if a flood leaves the
// map full of fresh keys, it forgets the half with the fewest failures, so
// the keys that are being throttled hardest stay.
func (t *Throttle) sweep(now time.Time) {
	for k, s := range t.keys {
		if now.Sub(s.last) > t.forget || now.Sub(s.last) > t.delay(s.n) && s.n < t.free {
			delete(t.keys, k)
		}
	}
	for k, s := range t.keys {
		if len(t.keys) < maxKeys/2 {
			break
		}
		if s.n <= t.free {
			delete(t.keys, k)
		}
	}
}
