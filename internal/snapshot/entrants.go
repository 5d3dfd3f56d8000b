package snapshot

import (
	"context"
	"time"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// C14 computes metric C14 (new entrants, DOMAIN.md §5.1) over the projects
// in scope of st (live, or as of a snapshot) against the mission's
// snapshots taken before now: organisations in P not present in any
// earlier snapshot / organisations in P. For a store as of a snapshot, now
// is its taken_at. The catalogue's entry is
//
//	func(ctx context.Context, e *Env) ([]Value, error) {
//		ent, err := e.Store.NewEntrants(ctx, e.Mission, e.Scope, e.Now)
//		...same rows as EntrantValues
//	}
func C14(ctx context.Context, st *store.Store, m *portfolio.Mission, sc portfolio.Scope, now time.Time) ([]metrics.Value, error) {
	e, err := st.NewEntrants(ctx, m, sc, now)
	if err != nil {
		return nil, err
	}
	return EntrantValues(e), nil
}

// EntrantValues are C14's rows: measure new_share (new / total) and
// new_count, both with n = the organisations in scope. Both are null when
// there is no earlier snapshot (everyone would be "new") or no
// organisation at all.
func EntrantValues(e *portfolio.Entrants) []metrics.Value {
	row := func(measure string, x float64) metrics.Value {
		v := metrics.Value{Code: "C14", Dims: map[string]string{"measure": measure}, N: e.Total}
		if e.Earlier > 0 && e.Total > 0 {
			v.Value = &x
		}
		return v
	}
	share := 0.0
	if e.Total > 0 {
		share = float64(len(e.New)) / float64(e.Total)
	}
	return []metrics.Value{row("new_share", share), row("new_count", float64(len(e.New)))}
}
