package gen

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// loadSmall opens a fresh database in a temp dir and loads a small
// portfolio into it.
func loadSmall(t *testing.T, seed int) (*store.Store, *portfolio.Mission) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "gen.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := LoadPortfolio(ctx, st, 3000, 400, 6000, seed)
	if err != nil {
		t.Fatal(err)
	}
	return st, m
}

// fingerprint is an order-independent digest of every table LoadSQL fills.
func fingerprint(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for table, cols := range map[string]string{
		"project":        "id, ext_ref, title, status, lead_org_id, budget_total_eur, public_funding_eur, funding_instrument, start_date, end_date, stage_entered_at, geo_code, lat, lon, leverage_layer, updated_at",
		"project_term":   "project_id, scheme_code, term_code, is_primary",
		"organisation":   "id, ext_ref, name, name_key, actor_type, size_class, founded_year, geo_code",
		"project_org":    "project_id, org_id, role",
		"signal":         "id, ext_ref, headline, url, source_type, observed_at, captured_at, status, novelty, level_observed, observer_actor_type, signal_type, sentiment, geo_code",
		"signal_term":    "signal_id, scheme_code, term_code",
		"signal_project": "signal_id, project_id, relation",
		"geo_area":       "code, name_eu, level, parent_code, population",
	} {
		var n int64
		var digest string
		q := `SELECT count(*), coalesce(bit_xor(hash(` + cols + `)), 0)::VARCHAR FROM ` + table
		if err := st.DB().QueryRow(q).Scan(&n, &digest); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = digest
		if n == 0 {
			t.Errorf("%s is empty", table)
		}
	}
	return out
}

func TestLoadSQLDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("loads three databases")
	}
	a, _ := loadSmall(t, 7)
	b, _ := loadSmall(t, 7)
	c, _ := loadSmall(t, 8)
	fa, fb, fc := fingerprint(t, a), fingerprint(t, b), fingerprint(t, c)
	for table := range fa {
		if fa[table] != fb[table] {
			t.Errorf("%s: seed 7 twice gave digests %s and %s, want equal", table, fa[table], fb[table])
		}
		if table != "geo_area" && fa[table] == fc[table] {
			t.Errorf("%s: seeds 7 and 8 gave the same digest %s", table, fa[table])
		}
	}
}

func TestLoadSQLShape(t *testing.T) {
	st, m := loadSmall(t, 1)
	ctx := context.Background()
	checks := []struct {
		name     string
		q        string
		min, max float64
	}{
		{"projects", `SELECT count(*) FROM project`, 3000, 3000},
		{"organisations", `SELECT count(*) FROM organisation`, 400, 400},
		{"signals", `SELECT count(*) FROM signal`, 6000, 6000},
		{"municipalities", `SELECT count(*) FROM geo_area WHERE level = 'municipality'`, 88, 88},
		{"comarcas", `SELECT count(*) FROM geo_area WHERE level = 'comarca'`, 7, 7},
		{"one lead per project", `SELECT count(*) FILTER (WHERE n <> 1) FROM (SELECT project_id, count(*) FILTER (WHERE role = 'lead') AS n FROM project_org GROUP BY ALL)`, 0, 0},
		{"lead_org_id is the lead", `SELECT count(*) FROM project p WHERE NOT EXISTS (SELECT 1 FROM project_org po WHERE po.project_id = p.id AND po.org_id = p.lead_org_id AND po.role = 'lead')`, 0, 0},
		{"at most 4 partners", `SELECT max(n) FROM (SELECT count(*) FILTER (WHERE role = 'partner') AS n FROM project_org GROUP BY project_id)`, 2, 4},
		{"one level per project", `SELECT count(*) FROM (SELECT project_id FROM project_term WHERE scheme_code = 'level' GROUP BY 1 HAVING count(*) <> 1)`, 0, 0},
		{"no duplicate tags", `SELECT count(*) FROM (SELECT project_id, scheme_code, term_code FROM project_term GROUP BY ALL HAVING count(*) > 1)`, 0, 0},
		{"no duplicate signal tags", `SELECT count(*) FROM (SELECT signal_id, scheme_code, term_code FROM signal_term GROUP BY ALL HAVING count(*) > 1)`, 0, 0},
		{"no project answers water", `SELECT count(*) FROM project_term WHERE term_code = 'water'`, 0, 0},
		{"water signals grow", `SELECT count(*) FILTER (WHERE s.observed_at >= DATE '2025-11-01') / count(*) FROM signal_term st JOIN signal s ON s.id = st.signal_id WHERE st.term_code = 'water'`, 0.6, 1},
		{"approved share", `SELECT avg((status = 'approved')::INTEGER) FROM signal`, 0.75, 0.85},
		{"in scope share", `SELECT avg((status IN ('planned', 'active'))::INTEGER) FROM project`, 0.6, 0.8},
		{"signals in last 3 years", `SELECT count(*) FROM signal WHERE observed_at < DATE '2023-10-31' OR observed_at >= DATE '2026-11-01'`, 0, 0},
		{"orphan approved signals", `SELECT avg((id NOT IN (SELECT signal_id FROM signal_project))::INTEGER) FROM signal WHERE status = 'approved'`, 0.55, 0.65},
		{"terms are the mission's", `SELECT count(*) FROM project_term pt WHERE NOT EXISTS (SELECT 1 FROM term t WHERE t.mission_id = ` +
			strconv.FormatInt(m.ID, 10) + ` AND t.scheme_code = pt.scheme_code AND t.code = pt.term_code)`, 0, 0},
		{"busiest organisation's share of projects", `SELECT max(n) / 3000 FROM (SELECT count(*) AS n FROM project_org GROUP BY org_id)`, 0.005, 0.1},
	}
	for _, c := range checks {
		var got float64
		if err := st.DB().QueryRowContext(ctx, c.q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got < c.min || got > c.max {
			t.Errorf("%s: got %g, want in [%g, %g]", c.name, got, c.min, c.max)
		}
	}
}
