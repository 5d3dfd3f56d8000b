package store

import (
	"context"
	"strings"
	"sync"
)

// Imports and readers share one DuckDB instance, and DuckDB's memory limit
// is the instance's, not a connection's: while an import stages or commits
// a million rows, a reader's query may find the buffer pool full and fail
// with "Out of Memory" (5 of 1,623 reads during a 150,000-row import).
// Imports therefore mark their heavy statements (Heavy), and a read that
// ran out of memory waits for them to end (WaitHeavy) and runs again: the
// reader waits a little instead of failing.
type heavyGate struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0; nil while n is 0
}

// Heavy marks the start of a memory-heavy step (an import's staging or
// commit); the returned func marks its end.
func (s *Store) Heavy() (done func()) {
	g := s.heavy
	g.mu.Lock()
	if g.n == 0 {
		g.idle = make(chan struct{})
	}
	g.n++
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.n--
			if g.n == 0 {
				close(g.idle)
				g.idle = nil
			}
			g.mu.Unlock()
		})
	}
}

// WaitHeavy returns when no heavy step runs (at once if none does), or
// with ctx's error.
func (s *Store) WaitHeavy(ctx context.Context) error {
	g := s.heavy
	g.mu.Lock()
	idle := g.idle
	g.mu.Unlock()
	if idle == nil {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// IsOutOfMemory reports whether err is DuckDB's out-of-memory error, which
// a read may meet while an import holds the buffer pool.
func IsOutOfMemory(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Out of Memory")
}
