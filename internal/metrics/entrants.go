package metrics

import (
	"context"

	"github.com/begira/begira/internal/portfolio"
)

// entrantMetrics: C14, the organisations taking part now that no earlier
// snapshot of the mission had (is the coalition growing?). It compares with
// snapshots, so it is null until the first one is taken.
func entrantMetrics() []Metric {
	return []Metric{{
		Code:  "C14",
		Label: portfolio.Labels{EN: "New entrants", ES: "Nuevas entidades", EU: "Erakunde berriak"},
		Definition: portfolio.Labels{
			EN: "Share of the organisations in the projects in scope that no earlier snapshot of the mission included.",
			ES: "Proporción de las organizaciones de los proyectos en el ámbito que ninguna instantánea anterior de la misión incluía.",
			EU: "Esparruko proiektuetako erakundeen artean, misioaren aurreko argazki batean ere ez zeudenen proportzioa.",
		},
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
