package dashboard_test

import (
	"context"
	"time"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/store"
)

// storeSource is a dashboard.Source over a real store and a metrics engine,
// wired as the web layer wires them.
type storeSource struct {
	*store.Store
	en *metrics.Engine
}

func (s storeSource) Metrics(ctx context.Context, req metrics.Request) (*metrics.Result, error) {
	return s.en.Get(ctx, req)
}

func (s storeSource) Env(req metrics.Request) (*metrics.Env, error) { return s.en.Env(req) }

func testSource(st *store.Store) dashboard.Source {
	return storeSource{Store: st, en: metrics.NewEngine(st, func() time.Time {
		return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	}, nil)}
}
