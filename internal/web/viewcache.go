package web

import (
	"context"
	"time"

	"github.com/begira/begira/internal/cache"
)

// viewCache keeps rendered dashboard pages per mission, dashboard, scope
// and language (the whole page is a function of its URL and language). A
// commit or rollback marks a mission's views stale; the next reader still
// gets the previous view at once while one goroutine re-evaluates it, so a
// page never waits for DuckDB once it has been seen. Snapshot views are not
// cached here: they carry an ETag and never change.
type viewCache struct {
	pages *cache.Cache[[]byte]
}

// maxViews and maxViewBytes bound the cache; scopes come from URLs. A page
// larger than maxViewBytes/8 is served but not kept: it would push out
// dozens of ordinary ones.
const (
	maxViews     = 256
	maxViewBytes = 64 << 20
)

func newViewCache() *viewCache {
	return &viewCache{pages: cache.New(cache.Options[[]byte]{
		MaxEntries: maxViews, MaxBytes: maxViewBytes, MaxValueBytes: maxViewBytes / 8,
		Size:           func(b []byte) int { return len(b) },
		RefreshTimeout: 2 * time.Minute,
		// One page at a time: after an import every page is stale at
		// once, and recomputing them all together (each a full portfolio
		// of queries) left a reader of a page not seen yet past a
		// two-minute timeout on a million projects.
		MaxRefreshes: 1,
	})}
}

// invalidate marks a mission's views stale.
func (c *viewCache) invalidate(mission string) { c.pages.Invalidate(mission) }

// get returns the cached view for key, evaluating it with eval (given ctx)
// on the first request and refreshing it in the background (with a context
// of its own) when stale.
func (c *viewCache) get(ctx context.Context, mission, key string, eval func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	return c.pages.Get(ctx, mission, key, eval)
}
