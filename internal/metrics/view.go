package metrics

import (
	"context"
	"fmt"
	"time"
)

// Place is one municipality with the projects in scope located there.
type Place struct {
	Code, NameEU, NameES, Comarca string
	Lat, Lon                      float64
	Population                    int64
	Projects                      int64
	Budget                        float64
}

// Places returns every municipality with coordinates and its in-scope
// projects and budget, for the territory map (C12's places).
func Places(ctx context.Context, e *Env) ([]Place, error) {
	rows, err := e.Query(ctx, "view_places")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.Code, &p.NameEU, &p.NameES, &p.Comarca, &p.Lat, &p.Lon, &p.Population, &p.Projects, &p.Budget); err != nil {
			return nil, fmt.Errorf("metrics: places: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ConvergenceCell counts approved signals of one term seen at one level.
type ConvergenceCell struct {
	Term, Level string
	Signals     int64
}

// Window returns the signal window W of docs/METRICS.md: the 12 complete
// calendar months before now, in the mission's time zone, as [start, end).
func (e *Env) Window() (time.Time, time.Time) {
	now := e.Now.In(e.Location())
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, e.Location())
	return end.AddDate(0, -12, 0), end
}

// ConvergenceMatrix counts approved signals in the window per term of
// scheme × level observed (the convergence heatmap behind S8).
func ConvergenceMatrix(ctx context.Context, e *Env, scheme string) ([]ConvergenceCell, error) {
	start, end := e.Window()
	rows, err := e.QueryMission(ctx, "view_convergence", scheme, start.Format(time.DateOnly), end.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConvergenceCell
	for rows.Next() {
		var c ConvergenceCell
		if err := rows.Scan(&c.Term, &c.Level, &c.Signals); err != nil {
			return nil, fmt.Errorf("metrics: convergence: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Env returns an environment for uncached view queries (maps, matrices).
func (en *Engine) Env(req Request) (*Env, error) {
	return NewEnv(en.st, req.Mission, req.Scope, req.Params, en.now())
}
