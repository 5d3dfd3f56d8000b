package web_test

import (
	"encoding/json"
	"testing"
)

type metricsBody struct {
	ComputedAt string            `json:"computed_at"`
	Scope      map[string]string `json:"scope"`
	Metrics    []struct {
		Code  string            `json:"code"`
		Label string            `json:"label"`
		Dims  map[string]string `json:"dims"`
		Value *float64          `json:"value"`
		N     int64             `json:"n"`
	} `json:"metrics"`
}

func decodeMetrics(t *testing.T, body []byte) metricsBody {
	t.Helper()
	var m metricsBody
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode: %v: %s", err, body)
	}
	return m
}

func TestMetricsAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	runScenarios(t, app, []scenario{
		{
			name: "coverage and evenness", url: "/api/v1/missions/gipuzkoa/metrics?codes=C1,c4", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				m := decodeMetrics(t, body)
				if m.ComputedAt == "" {
					t.Error("no computed_at")
				}
				c1, c4 := 0, 0
				for _, v := range m.Metrics {
					switch v.Code {
					case "C1":
						c1++
						if v.Dims["a_scheme"] != "pillar" || v.Dims["b_scheme"] != "level" {
							t.Errorf("C1 defaults: %v", v.Dims)
						}
					case "C4":
						c4++
					default:
						t.Errorf("unexpected code %s", v.Code)
					}
					if v.Label == "" {
						t.Errorf("%s has no label", v.Code)
					}
				}
				// 3 pillars × 5 levels × 3 measures (n_full, n_frac, budget_frac).
				if c1 != 45 {
					t.Errorf("C1 rows = %d, want 45", c1)
				}
				if c4 == 0 {
					t.Error("no C4 rows")
				}
				// The demo's gap: adaptation × regulation is empty.
				for _, v := range m.Metrics {
					if v.Code == "C1" && v.Dims["a"] == "adaptation" && v.Dims["b"] == "regulation" && v.Dims["measure"] == "n_full" {
						if v.Value == nil || *v.Value != 0 {
							t.Errorf("adaptation × regulation n_full = %v, want 0", v.Value)
						}
					}
				}
			},
		},
		{
			name: "spanish labels and a scope", url: "/api/v1/missions/gipuzkoa/metrics?codes=C3&scheme=level&basis=count&pillar=adaptation&lang=es", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				m := decodeMetrics(t, body)
				if m.Scope["pillar"] != "adaptation" {
					t.Errorf("scope = %v, want pillar=adaptation", m.Scope)
				}
				for _, v := range m.Metrics {
					if v.Dims["scheme"] != "level" || (v.Dims["basis"] != "" && v.Dims["basis"] != "count") {
						t.Errorf("row outside scheme=level basis=count: %v", v.Dims)
					}
					if v.Label != "Proporciones" {
						t.Errorf("C3 label in Spanish = %q, want Proporciones", v.Label)
					}
				}
				if len(m.Metrics) == 0 {
					t.Error("no rows")
				}
			},
		},
		{
			name: "blind spot", url: "/api/v1/missions/gipuzkoa/metrics?codes=S10&scheme=challenge", wantStatus: 200,
			check: func(t *testing.T, body []byte) {
				m := decodeMetrics(t, body)
				found := false
				for _, v := range m.Metrics {
					if v.Dims["term"] == "water" && v.Dims["measure"] == "blind_spot" {
						found = true
						if v.Value == nil || *v.Value != 1 {
							t.Errorf("water blind_spot = %v, want 1 (signals, no project)", v.Value)
						}
					}
				}
				if !found {
					t.Error("no S10 blind_spot row for water")
				}
			},
		},
		{name: "unknown code", url: "/api/v1/missions/gipuzkoa/metrics?codes=C99", wantStatus: 400, wantContains: []string{"EINVALID", "C99"}},
		{name: "unknown scheme", url: "/api/v1/missions/gipuzkoa/metrics?a=nope", wantStatus: 400, wantContains: []string{"nope"}},
		{name: "bad basis", url: "/api/v1/missions/gipuzkoa/metrics?basis=euros", wantStatus: 400, wantContains: []string{"basis"}},
		{name: "unknown mission", url: "/api/v1/missions/nope/metrics", wantStatus: 404},
		{
			name: "catalogue page", url: "/m/gipuzkoa/metrics", wantStatus: 200,
			wantContains: []string{`id="metric-C1"`, `id="metric-S13"`, "Rao"},
			check:        checkMetricCatalogue,
		},
		{
			name: "signal list filtered by a term", url: "/m/gipuzkoa/signals?challenge=water", wantStatus: 200,
			wantContains: []string{"Water and drought resilience"},
		},
		{name: "signal list with an unknown term", url: "/m/gipuzkoa/signals?challenge=nope", wantStatus: 400},
	})
}
