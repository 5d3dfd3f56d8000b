package ingest_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/commit")

// TestCommitSQLGolden records the statements a commit runs, for each kind
// and mode, as golden files (testdata/commit/*.sql): a change to the
// generated SQL shows in review as a diff of plain SQL. Rerun with -update
// after changing it on purpose. Ids are bound ($batch, $mission, $now),
// never pasted: the golden text names none.
func TestCommitSQLGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, kind, mode, body string
	}{
		{"projects_append", ingest.KindProjects, ingest.ModeAppend,
			"ext_ref,title,pillars,level,stage,status,budget_total_eur,start_date,municipality_code,lead_org,lead_org_type,partners\n" +
				"P1,First,adaptation|decarbonisation,community,pilot,active,1000,2026-01-15,20069,Alpha Coop,foundation,Beta SL|Gamma Univ\n"},
		{"projects_upsert_partial", ingest.KindProjects, ingest.ModeUpsert,
			"ext_ref,title,budget_total_eur,municipality_code\nP1,First (renamed),1500,\nP3,Third,300,20069\n"},
		{"projects_replace", ingest.KindProjects, ingest.ModeReplace,
			"ext_ref,title,pillars,lead_org\nP9,Ninth,adaptation,Alpha Coop\n"},
		{"organisations_upsert", ingest.KindOrganisations, ingest.ModeUpsert,
			"name,actor_type,size_class,founded_year,municipality_code\nAlpha Coop,company,small,1999,20069\n"},
		{"signals_append", ingest.KindSignals, ingest.ModeAppend,
			"ext_ref,headline,observed_at,pillars,project_ref\nS1,Heat wave,2026-02-01,adaptation,P1\n"},
	}
	e := mustEnv(t)
	ctx := context.Background()
	geo, err := ingest.GeoCase(ctx, e.st.DB())
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	ingest.TraceSQL(e.ing, func(what, q string) { fmt.Fprintf(&got, "-- %s\n%s;\n\n", what, q) })
	for _, c := range cases {
		got.Reset()
		b := e.mustImport(t, c.name+".csv", c.kind, c.mode, c.body)
		text := normalise(got.String(), e.st.Catalog(), geo)
		raw := got.String()
		if strings.Contains(raw, fmt.Sprintf("batch_id = %d", b.ID)) || strings.Contains(raw, fmt.Sprintf("archived_by = %d", b.ID)) ||
			strings.Contains(raw, fmt.Sprintf("mission_id = %d", e.m.ID)) {
			t.Errorf("%s: the batch id is pasted into the SQL", c.name)
		}
		golden := filepath.Join("testdata", "commit", c.name+".sql")
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/ingest -run TestCommitSQLGolden -update)", err)
		}
		if string(want) != text {
			t.Errorf("%s: the commit's SQL changed; diff %s against:\n%s", c.name, golden, text)
		}
	}
}

var stagingName = regexp.MustCompile(`stg_\d+`)

// normalise makes a trace independent of the database file and the batch:
// the catalog and the batch's table numbers become fixed names, and the
// municipality lookup (hundreds of names) one marker.
func normalise(s, catalog, geo string) string {
	if geo != "" {
		s = strings.ReplaceAll(s, geo, "/* municipality names */")
	}
	s = strings.ReplaceAll(s, catalog+".staging.", "main.staging.")
	return stagingName.ReplaceAllString(s, "stg_N")
}
