package ingest_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// strs reads a one-column query as strings.
func strs(tb testing.TB, e *env, q string, args ...any) []string {
	tb.Helper()
	rows, err := e.st.DB().Query(q, args...)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// signalLinks lists the signal → project links as "S-1→A-1", sorted.
func signalLinks(tb testing.TB, e *env) []string {
	tb.Helper()
	return strs(tb, e, `SELECT s.ext_ref || '→' || p.ext_ref FROM signal_project sp
		JOIN signal s ON s.id = sp.signal_id JOIN project p ON p.id = sp.project_id ORDER BY 1`)
}

// projectIDs maps ext_ref to id.
func projectIDs(tb testing.TB, e *env) map[string]int64 {
	tb.Helper()
	rows, err := e.st.DB().Query(`SELECT ext_ref, id FROM project`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ref string
		var id int64
		if err := rows.Scan(&ref, &id); err != nil {
			tb.Fatal(err)
		}
		out[ref] = id
	}
	return out
}

func assertStrings(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	if !slices.Equal(got, want) {
		tb.Errorf("%s = %q, want %q", what, got, want)
	}
}

// assertCode checks that err is a portfolio error with code and a message
// holding every part of want.
func assertCode(tb testing.TB, err error, code string, want ...string) {
	tb.Helper()
	if got := portfolio.ErrorCode(err); got != code {
		tb.Fatalf("got error %v (code %q), want code %s", err, got, code)
	}
	for _, w := range want {
		if msg := portfolio.ErrorMessage(err); !strings.Contains(msg, w) {
			tb.Errorf("message %q does not contain %q", msg, w)
		}
	}
}

const roundTripHeader = "ext_ref,title,pillars,level,budget_total_eur,start_date,lead_org,partners\n"

func TestRoundTripProjects(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()

	// 1. append
	v1 := e.mustImport(t, "v1.csv", ingest.KindProjects, ingest.ModeAppend, roundTripHeader+
		"A-1,Community energy,social_cohesion|decarbonisation,community,1000,2024-01-15,Alpha Coop,Beta SL\n"+
		"A-2,Bike lanes,decarbonisation,startup,400,,Beta SL,\n"+
		"A-3,Flood watch,adaptation,regulation,,2025-02-01,,Alpha Coop|Gamma Univ\n")
	sig := e.mustImport(t, "s.csv", ingest.KindSignals, ingest.ModeAppend,
		"ext_ref,headline,observed_at,pillars,projects\nS-1,Energy communities spread,2025-01-10,decarbonisation,A-1|A-2\n")
	appended := map[string]projectRow{
		"A-1": {Title: "Community energy", Status: "active", Budget: f64(1000), Start: "2024-01-15",
			Terms: "level:community pillar:decarbonisation pillar:social_cohesion", Lead: "Alpha Coop", Partners: "Beta SL"},
		"A-2": {Title: "Bike lanes", Status: "active", Budget: f64(400), Terms: "level:startup pillar:decarbonisation", Lead: "Beta SL"},
		"A-3": {Title: "Flood watch", Status: "active", Start: "2025-02-01", Terms: "level:regulation pillar:adaptation",
			Partners: "Alpha Coop|Gamma Univ"},
	}
	assertProjects(t, e.st, appended)
	assertStrings(t, "links", signalLinks(t, e), []string{"S-1→A-1", "S-1→A-2"})
	afterAppend, ids := dump(t, e.st), projectIDs(t, e)

	// 2. upsert: A-1 changes everything, A-4 is new, A-2 and A-3 are not in
	// the file and stay as they are.
	up := e.mustImport(t, "v2.csv", ingest.KindProjects, ingest.ModeUpsert, roundTripHeader+
		"A-1,Community energy II,adaptation,regulation,1500.5,2024-02-01,Delta Coop,Alpha Coop|Epsilon\n"+
		"A-4,New one,social_cohesion,community,10,,Delta Coop,\n")
	upserted := maps.Clone(appended)
	upserted["A-1"] = projectRow{Title: "Community energy II", Status: "active", Budget: f64(1500.5), Start: "2024-02-01",
		Terms: "level:regulation pillar:adaptation", Lead: "Delta Coop", Partners: "Alpha Coop|Epsilon"}
	upserted["A-4"] = projectRow{Title: "New one", Status: "active", Budget: f64(10), Terms: "level:community pillar:social_cohesion", Lead: "Delta Coop"}
	assertProjects(t, e.st, upserted)
	if got := projectIDs(t, e)["A-1"]; got != ids["A-1"] {
		t.Errorf("upsert changed the id of A-1 from %d to %d: links to it would break", ids["A-1"], got)
	}
	assertStrings(t, "links after upsert", signalLinks(t, e), []string{"S-1→A-1", "S-1→A-2"})
	assertStrings(t, "organisations after upsert", strs(t, e, `SELECT name FROM organisation ORDER BY name`),
		[]string{"Alpha Coop", "Beta SL", "Delta Coop", "Epsilon", "Gamma Univ"})

	// 3. rollback of the upsert: exactly the state after the append.
	b, err := e.ing.Rollback(ctx, up.ID)
	if err != nil {
		t.Fatalf("rollback upsert: %v", err)
	}
	if b.Status != portfolio.ImportRolledBack || b.RolledBackAt == nil {
		t.Errorf("rolled back batch: status %q at %v, want rolled_back with a time", b.Status, b.RolledBackAt)
	}
	assertProjects(t, e.st, appended)
	assertDump(t, dump(t, e.st), afterAppend)
	assertStrings(t, "links after rollback", signalLinks(t, e), []string{"S-1→A-1", "S-1→A-2"})

	// 4. replace: A-2 is updated, A-5 added, A-1 and A-3 deleted with the
	// link from S-1 to A-1.
	rep := e.mustImport(t, "v3.csv", ingest.KindProjects, ingest.ModeReplace, roundTripHeader+
		"A-2,Bike lanes (phase 2),decarbonisation|social_cohesion,startup,800,2025-03-01,Beta SL,Epsilon\n"+
		"A-5,Fresh,adaptation,community,5,,,\n")
	assertProjects(t, e.st, map[string]projectRow{
		"A-2": {Title: "Bike lanes (phase 2)", Status: "active", Budget: f64(800), Start: "2025-03-01",
			Terms: "level:startup pillar:decarbonisation pillar:social_cohesion", Lead: "Beta SL", Partners: "Epsilon"},
		"A-5": {Title: "Fresh", Status: "active", Budget: f64(5), Terms: "level:community pillar:adaptation"},
	})
	if got := projectIDs(t, e)["A-2"]; got != ids["A-2"] {
		t.Errorf("replace changed the id of A-2 from %d to %d", ids["A-2"], got)
	}
	assertStrings(t, "links after replace", signalLinks(t, e), []string{"S-1→A-2"})

	// 5. rollback of the replace: the append's state again, link included.
	if _, err := e.ing.Rollback(ctx, rep.ID); err != nil {
		t.Fatalf("rollback replace: %v", err)
	}
	assertProjects(t, e.st, appended)
	assertDump(t, dump(t, e.st), afterAppend)
	assertStrings(t, "links after rollback", signalLinks(t, e), []string{"S-1→A-1", "S-1→A-2"})
	var archived int
	if err := e.st.DB().QueryRow(`SELECT (SELECT count(*) FROM project_archive) + (SELECT count(*) FROM project_term_link_archive)
		+ (SELECT count(*) FROM project_org_archive) + (SELECT count(*) FROM signal_project_archive)`).Scan(&archived); err != nil {
		t.Fatal(err)
	}
	if archived != 0 {
		t.Errorf("%d archived rows left after the rollbacks, want none", archived)
	}

	// The append itself cannot go while the signals link to its projects.
	_, err = e.ing.Rollback(ctx, v1.ID)
	assertCode(t, err, portfolio.ECONFLICT, fmt.Sprintf("Roll back import %d first", sig.ID))
	assertDump(t, dump(t, e.st), afterAppend)
	for _, id := range []int64{sig.ID, v1.ID} {
		if _, err := e.ing.Rollback(ctx, id); err != nil {
			t.Fatalf("rollback %d: %v", id, err)
		}
	}
	for table, rows := range dump(t, e.st) {
		if len(rows) > 0 {
			t.Errorf("%s holds %d rows after every import was rolled back, want none: %q", table, len(rows), rows)
		}
	}

	var statuses []string
	for _, b := range mustBatches(t, e) {
		statuses = append(statuses, fmt.Sprintf("%d %s %s", b.ID, b.Mode, b.Status))
	}
	assertStrings(t, "history", statuses, []string{
		fmt.Sprintf("%d replace rolled_back", rep.ID), fmt.Sprintf("%d upsert rolled_back", up.ID),
		fmt.Sprintf("%d append rolled_back", sig.ID), fmt.Sprintf("%d append rolled_back", v1.ID),
	})
}

func mustBatches(tb testing.TB, e *env) []portfolio.ImportBatch {
	tb.Helper()
	bs, err := e.ing.Batches(context.Background(), e.m.Slug)
	if err != nil {
		tb.Fatal(err)
	}
	return bs
}

func TestRollbackRefusedWhileALaterImportTouchedTheRows(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	first := e.mustImport(t, "v1.csv", ingest.KindProjects, ingest.ModeAppend, roundTripHeader+
		"A-1,One,adaptation,community,1,,Alpha Coop,\nA-2,Two,adaptation,community,2,,,\n")
	unrelated := e.mustImport(t, "v2.csv", ingest.KindProjects, ingest.ModeAppend, roundTripHeader+"B-1,Other,adaptation,community,3,,,\n")
	later := e.mustImport(t, "v3.csv", ingest.KindProjects, ingest.ModeUpsert, roundTripHeader+"A-2,Two again,social_cohesion,startup,20,,,\n")
	before := dump(t, e.st)

	_, err := e.ing.Rollback(ctx, first.ID)
	assertCode(t, err, portfolio.ECONFLICT, fmt.Sprintf("import %d cannot be rolled back", first.ID),
		fmt.Sprintf("later import(s) %d", later.ID), fmt.Sprintf("Roll back import %d first", later.ID))
	if strings.Contains(portfolio.ErrorMessage(err), fmt.Sprint(unrelated.ID)) {
		t.Errorf("message %q names import %d, which touched other rows", portfolio.ErrorMessage(err), unrelated.ID)
	}
	assertDump(t, dump(t, e.st), before)
	if b, _ := e.ing.Batch(ctx, first.ID); b.Status != portfolio.ImportCommitted {
		t.Errorf("refused rollback left status %q, want committed", b.Status)
	}

	if _, err := e.ing.Rollback(ctx, later.ID); err != nil {
		t.Fatalf("rollback the later import: %v", err)
	}
	if _, err := e.ing.Rollback(ctx, first.ID); err != nil {
		t.Fatalf("rollback after the later one: %v", err)
	}
	assertProjects(t, e.st, map[string]projectRow{"B-1": {Title: "Other", Status: "active", Budget: f64(3), Terms: "level:community pillar:adaptation"}})
	assertStrings(t, "organisations", strs(t, e, `SELECT name FROM organisation`), []string{})
}

func TestCommitAllOrNothing(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustImport(t, "v0.csv", ingest.KindProjects, ingest.ModeAppend, roundTripHeader+"Z-1,Before,adaptation,community,1,,Alpha Coop,\n")
	before, beforeDump := counts(t, e.st), dump(t, e.st)

	r := e.req(e.write(t, "bad.csv", roundTripHeader+
		"C-1,Fine,adaptation,community,1,,Beta SL,\n"+
		"C-2,Bad budget,adaptation,community,lots,,,\n"+
		"C-3,Also fine,social_cohesion,startup,3,,,Gamma Univ\n"+
		"C-4,Bad pillar,adaptaton,community,4,,,\n"+
		"Z-1,Already there,adaptation,community,5,,,\n"), ingest.KindProjects, ingest.ModeAppend)
	r.SkipInvalid = true
	b := e.mustPreview(t, r)
	if !b.SkipInvalid || b.RowsTotal != 5 || b.RowsOK != 2 || b.RowsRejected != 3 {
		t.Fatalf("preview: skip_invalid %v rows %d/%d/%d, want true 5/2/3", b.SkipInvalid, b.RowsTotal, b.RowsOK, b.RowsRejected)
	}
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 3, Column: "budget_total_eur", Value: "lots", Reason: "not a number (decimal separator .)"},
		{Line: 5, Column: "pillars", Value: "adaptaton", Reason: `unknown pillar term "adaptaton"; did you mean "adaptation"?`},
		{Line: 6, Column: "ext_ref", Value: "Z-1", Reason: "already in the mission; import with mode upsert to update it"},
	})

	// By default nothing lands.
	_, err := e.ing.Commit(ctx, b.ID, false)
	assertCode(t, err, ingest.ERejected, "3 of 5 rows were rejected", "skip_invalid", "2 valid rows")
	assertCounts(t, counts(t, e.st), before)
	assertDump(t, dump(t, e.st), beforeDump)
	if got, _ := e.ing.Batch(ctx, b.ID); got.Status != portfolio.ImportPreviewed {
		t.Errorf("refused commit left status %q, want previewed", got.Status)
	}

	// Rolling back what was never committed is refused.
	_, err = e.ing.Rollback(ctx, b.ID)
	assertCode(t, err, portfolio.ECONFLICT, "previewed", "only a committed import")

	// With skip_invalid the valid rows land and the rejects stay recorded.
	e.mustCommit(t, b.ID, true)
	assertProjects(t, e.st, map[string]projectRow{
		"Z-1": {Title: "Before", Status: "active", Budget: f64(1), Terms: "level:community pillar:adaptation", Lead: "Alpha Coop"},
		"C-1": {Title: "Fine", Status: "active", Budget: f64(1), Terms: "level:community pillar:adaptation", Lead: "Beta SL"},
		"C-3": {Title: "Also fine", Status: "active", Budget: f64(3), Terms: "level:startup pillar:social_cohesion", Partners: "Gamma Univ"},
	})
	all, err := e.ing.Rejects(ctx, b.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Errorf("after commit: %d rejects kept, want 3", len(all))
	}
	assertNoStaging(t, e)

	_, err = e.ing.Commit(ctx, b.ID, true)
	assertCode(t, err, portfolio.ECONFLICT, "committed", "only a previewed import can be committed")

	// Rolled back, it cannot be committed or rolled back again.
	if _, err := e.ing.Rollback(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.ing.Rollback(ctx, b.ID)
	assertCode(t, err, portfolio.ECONFLICT, "rolled_back")
	_, err = e.ing.Commit(ctx, b.ID, true)
	assertCode(t, err, portfolio.ECONFLICT, "rolled_back")
	assertDump(t, dump(t, e.st), beforeDump)

	// A file whose every row is rejected is refused even with skip_invalid.
	allBad := e.mustPreview(t, e.req(e.write(t, "allbad.csv", roundTripHeader+"D-1,X,nope,community,1,,,\n"), ingest.KindProjects, ""))
	_, err = e.ing.Commit(ctx, allBad.ID, true)
	assertCode(t, err, ingest.ERejected, "all 1 rows were rejected")
	assertDump(t, dump(t, e.st), beforeDump)

	_, err = e.ing.Commit(ctx, 9999, false)
	assertCode(t, err, portfolio.ENOTFOUND, "9999")
}

func TestRoundTripOrganisations(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	header := "name,actor_type,size_class,founded_year,municipality_code\n"
	e.mustImport(t, "o1.csv", ingest.KindOrganisations, ingest.ModeAppend, header+
		"Fundación Ekin,Fundación,small,1999,20069\nBeta SL,company,micro,2010,\n")
	// Projects name them in any spelling: no new organisation.
	e.mustImport(t, "p.csv", ingest.KindProjects, ingest.ModeAppend, "ext_ref,title,lead_org,partners\nP-1,One,FUNDACION EKIN,beta sl\n")
	orgs := func() []string {
		return strs(t, e, `SELECT concat_ws(' ', id, name, actor_type, size_class, founded_year, geo_code) FROM organisation ORDER BY id`)
	}
	first := orgs()
	if len(first) != 2 || !strings.HasSuffix(first[0], " Fundación Ekin foundation small 1999 20069") {
		t.Fatalf("organisations = %q, want Fundación Ekin and Beta SL only", first)
	}
	afterAppend := dump(t, e.st)

	// Appending a name already there, in another spelling, is a reject.
	b := e.mustPreview(t, e.req(e.write(t, "o2.csv", header+"  fundacion   EKIN ,company,large,2000,\n"), ingest.KindOrganisations, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 2, Column: "name", Value: "fundacion   EKIN",
		Reason: "already in the mission; import with mode upsert to update it"}})

	// Upsert matches by normalised name and keeps the id the projects use.
	up := e.mustImport(t, "o3.csv", ingest.KindOrganisations, ingest.ModeUpsert, header+
		"FUNDACIÓN EKIN,public_body,medium,2001,20069\nGamma Univ,public_body,large,1980,\n")
	got := orgs()
	id := strings.Fields(first[0])[0]
	want := []string{id + " FUNDACIÓN EKIN public_body medium 2001 20069", first[1]}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || !strings.HasSuffix(got[2], " Gamma Univ public_body large 1980") {
		t.Errorf("after upsert: organisations = %q, want %q and Gamma Univ", got, want)
	}
	if p := storedProjects(t, e.st)["P-1"]; p.Lead != "FUNDACIÓN EKIN" || p.Partners != "Beta SL" {
		t.Errorf("P-1 lead %q partners %q, want the upserted organisation and Beta SL", p.Lead, p.Partners)
	}
	if _, err := e.ing.Rollback(ctx, up.ID); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	assertDump(t, dump(t, e.st), afterAppend)
}

func TestRoundTripSignals(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustImport(t, "p.csv", ingest.KindProjects, ingest.ModeAppend, "ext_ref,title\nP-1,One\nP-2,Two\n")
	header := "ext_ref,headline,observed_at,status,novelty,pillars,level_observed,projects\n"
	first := e.mustImport(t, "s1.csv", ingest.KindSignals, ingest.ModeAppend, header+
		"S-1,Energy communities spread,10/01/2025,approved,4,decarbonisation,community,P-1\n"+
		"S-2,Drought worries,01/03/2025,,5,adaptation,,\n")
	signals := func() []string {
		return strs(t, e, `SELECT concat_ws(' ', s.ext_ref, s.headline, strftime(s.observed_at, '%Y-%m-%d'), s.status, s.novelty, s.level_observed,
			(SELECT string_agg(term_code, '|' ORDER BY term_code) FROM signal_term WHERE signal_id = s.id)) FROM signal s ORDER BY s.ext_ref`)
	}
	assertStrings(t, "signals", signals(), []string{
		"S-1 Energy communities spread 2025-01-10 approved 4 community decarbonisation",
		"S-2 Drought worries 2025-03-01 new 5 adaptation",
	})
	assertStrings(t, "links", signalLinks(t, e), []string{"S-1→P-1"})
	afterAppend := dump(t, e.st)

	up := e.mustImport(t, "s2.csv", ingest.KindSignals, ingest.ModeUpsert, header+
		"S-1,Energy communities everywhere,11/01/2025,archived,2,social_cohesion|adaptation,startup,P-2\n"+
		"S-3,Care co-ops,01/12/2024,new,3,social_cohesion,,P-1|P-2\n")
	assertStrings(t, "signals after upsert", signals(), []string{
		"S-1 Energy communities everywhere 2025-01-11 archived 2 startup adaptation|social_cohesion",
		"S-2 Drought worries 2025-03-01 new 5 adaptation",
		"S-3 Care co-ops 2024-12-01 new 3 social_cohesion",
	})
	assertStrings(t, "links after upsert", signalLinks(t, e), []string{"S-1→P-2", "S-3→P-1", "S-3→P-2"})
	_, err := e.ing.Rollback(ctx, first.ID)
	assertCode(t, err, portfolio.ECONFLICT, fmt.Sprintf("Roll back import %d first", up.ID))
	if _, err := e.ing.Rollback(ctx, up.ID); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	assertDump(t, dump(t, e.st), afterAppend)
}
