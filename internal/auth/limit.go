package auth

import (
	"sync"
	"time"
)

// Limiter allows each key (a client address) a burst of attempts that
// refills at a steady rate: a token bucket per key. It slows password
// guessing from one address across usernames; the per-account lockout in
// the store stops guessing one account from many addresses.
type Limiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration // one attempt regained per every
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter allows burst attempts at once and one more per every.
func NewLimiter(burst int, every time.Duration, now func() time.Time) *Limiter {
	return &Limiter{burst: float64(burst), every: every, now: now, buckets: map[string]*bucket{}}
}

// Allow takes one attempt from key's bucket, or reports how long to wait.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 10_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	return true, 0
}

// sweep forgets full buckets, so a flood of addresses cannot grow the map
// without bound.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.every) >= l.burst {
			delete(l.buckets, k)
		}
	}
}
