package metrics

import (
	"context"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// TestSignalMetricsFollowTheScope: the scope filters apply to signal
// metrics too — with challenge=water only signals tagged water count.
func TestSignalMetricsFollowTheScope(t *testing.T) {
	t.Parallel()
	files := portfolioFiles{ingest.KindSignals: "ext_ref,headline,observed_at,status,level_observed,challenges,source_type\n" +
		"S1,Food one,2026-10-05,approved,community,food,news\n" +
		"S2,Water one,2026-10-06,approved,startup,water,news\n" +
		"S3,Both,2026-10-07,approved,regulation,food|water,research\n"}
	for _, tc := range []struct {
		name             string
		scope            portfolio.Scope
		wantFood, wantWa float64
	}{
		// No filter: food is on S1 and S3, water on S2 and S3.
		{"all", portfolio.Scope{}, 2, 2},
		// challenge=water keeps S2 and S3: food only through S3.
		{"water", portfolio.Scope{Challenges: []string{"water"}}, 1, 2},
		// level=community keeps S1 only.
		{"community", portfolio.Scope{Levels: []string{"community"}}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t, files, tc.scope, Params{})
			res, err := Compute(context.Background(), e, []string{"S1"})
			if err != nil {
				t.Fatal(err)
			}
			count := func(term string) float64 {
				for _, v := range res.Values {
					if v.Dims["term"] == term && v.Dims["period"] == "2026-10" && v.Dims["measure"] == "count" && v.Value != nil {
						return *v.Value
					}
				}
				return 0
			}
			if got := count("food"); got != tc.wantFood {
				t.Errorf("food count = %v, want %v", got, tc.wantFood)
			}
			if got := count("water"); got != tc.wantWa {
				t.Errorf("water count = %v, want %v", got, tc.wantWa)
			}
		})
	}
}
