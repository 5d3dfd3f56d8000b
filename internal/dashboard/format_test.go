package dashboard_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/portfolio"
)

// TestEveryChartSaysWhatItsFiguresAre: every panel of every default
// dashboard hands the page script its language, the kind of its figures
// and the measure's name in that language, so no chart writes a raw float
// or an internal series id.
func TestEveryChartSaysWhatItsFiguresAre(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustDemo(t)
	kinds := map[string]bool{"count": true, "money": true, "share": true, "ratio": true, "index": true, "date": true}
	want := map[string]string{"coverage": "count", "stage_budget": "money", "pillars": "money", "level_radar": "share",
		"health": "share", "vs_portfolio": "share", "emergence": "index", "map": "count"}
	seen := 0
	for _, id := range []string{"overview", "balance", "health", "network", "signals", "territory"} {
		v, err := dashboard.Render(ctx, testSource(st), m, MustDashboard(t, id), portfolio.Scope{}, "eu")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range v.Panels {
			var o struct {
				Format struct{ Lang, Kind, Measure, X string } `json:"begira"`
			}
			if err := json.Unmarshal([]byte(p.Option), &o); err != nil {
				t.Fatalf("%s: %v", p.ID, err)
			}
			f := o.Format
			if f.Lang != "eu" || !kinds[f.Kind] || f.Measure == "" || f.X == "" {
				t.Errorf("%s/%s: format %+v, want the language, a kind, the measure and the dimension", id, p.ID, f)
			}
			if k, ok := want[p.ID]; ok && f.Kind != k {
				t.Errorf("%s/%s: kind %q, want %q", id, p.ID, f.Kind, k)
			}
			seen++
		}
	}
	if seen < 15 {
		t.Errorf("checked %d panels, the default dashboards have more", seen)
	}
}
