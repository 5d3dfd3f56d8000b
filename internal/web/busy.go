package web

import (
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
)

// busyImports are the imports a commit, rollback or discard is working on.
// A second such request for the same import (a double-click, a retried
// POST) answers 409 at once instead of racing the first into DuckDB's
// write conflict, a 500.
type busyImports struct {
	mu  sync.Mutex
	ids map[int64]bool
}

// claimImport reads the import id of c and marks it busy until release.
func (s *Server) claimImport(c *fiber.Ctx) (id int64, release func(), err error) {
	if id, err = importID(c); err != nil {
		return 0, nil, err
	}
	b := &s.busy
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ids[id] {
		return 0, nil, portfolio.Errorf(portfolio.ECONFLICT, "import %d is being committed, rolled back or discarded by another request: reload to see how it ended", id)
	}
	if b.ids == nil {
		b.ids = map[int64]bool{}
	}
	b.ids[id] = true
	return id, func() {
		b.mu.Lock()
		delete(b.ids, id)
		b.mu.Unlock()
	}, nil
}
