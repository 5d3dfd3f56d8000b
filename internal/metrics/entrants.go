package metrics

import "context"

// entrantMetrics: C14, the organisations taking part now that no earlier
// snapshot of the mission had (is the coalition growing?). It compares with
// snapshots, so it is null until the first one is taken.
func entrantMetrics() []Metric {
	return []Metric{{
		Code: "C14",
		Compute: func(ctx context.Context, e *Env) ([]Value, error) {
			ent, err := e.Store.NewEntrants(ctx, e.Mission, e.Scope, e.Now)
			if err != nil {
				return nil, err
			}
			row := func(measure string, x float64) Value {
				v := val("C14", x, ent.Total, "measure", measure)
				if ent.Earlier == 0 || ent.Total == 0 {
					v.Value = nil // nothing to compare with
				}
				return v
			}
			share := 0.0
			if ent.Total > 0 {
				share = float64(len(ent.New)) / float64(ent.Total)
			}
			return []Value{row("new_share", share), row("new_count", float64(len(ent.New)))}, nil
		},
	}}
}
