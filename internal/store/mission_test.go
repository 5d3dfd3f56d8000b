package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
)

func TestApplyMissionCreateThenUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)

	created, err := st.ApplyMission(ctx, testMission())
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Errorf("first apply: got created=false, want true")
	}
	m, err := st.Mission(ctx, "testmission")
	if err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 {
		t.Error("mission id: got 0, want the stored id")
	}
	if got := m.Scheme("level").Terms[2].Label.In("es"); got != "Regulación" {
		t.Errorf("level regulation label es: got %q, want %q", got, "Regulación")
	}
	if got := m.Scheme("pillar").Term("culture"); got == nil || !got.Inactive {
		t.Errorf("pillar culture: got %+v, want an inactive term", got)
	}

	doc := testMission()
	doc.Title.EN = "Renamed mission"
	doc.Scheme("pillar").Terms[0].Label.EN = "Cohesion"
	doc.Schemes = append(doc.Schemes, portfolio.Scheme{Code: "horizon", Label: portfolio.Labels{EN: "Horizon"},
		Terms: []portfolio.Term{{Code: "H1", Label: portfolio.Labels{EN: "Horizon 1"}}}})
	created, err = st.ApplyMission(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if created {
		t.Errorf("second apply: got created=true, want false")
	}
	m, err = st.Mission(ctx, "testmission")
	if err != nil {
		t.Fatal(err)
	}
	if m.Title.EN != "Renamed mission" {
		t.Errorf("title: got %q, want %q", m.Title.EN, "Renamed mission")
	}
	if got := m.Scheme("pillar").Term("social_cohesion").Label.EN; got != "Cohesion" {
		t.Errorf("term label: got %q, want %q", got, "Cohesion")
	}
	var codes []string
	for _, s := range m.Schemes {
		codes = append(codes, s.Code)
	}
	if want := []string{"pillar", "level", "stage", "horizon"}; !slices.Equal(codes, want) {
		t.Errorf("schemes: got %v, want %v (document order)", codes, want)
	}
	// Validate fills defaults: an unset cardinality is single, applies_to project.
	if h := m.Scheme("horizon"); h.Cardinality != "single" || !slices.Equal(h.AppliesTo, []string{"project"}) {
		t.Errorf("horizon defaults: got cardinality %q applies_to %v, want single [project]", h.Cardinality, h.AppliesTo)
	}

	list, err := st.Missions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Slug != "testmission" || list[0].Title.EN != "Renamed mission" {
		t.Errorf("missions: got %+v, want one renamed testmission", list)
	}
}

func TestApplyMissionFromYAML(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	m, err := missionfile.Parse([]byte(`
slug: yaml-mission
title: {en: From YAML, es: Desde YAML}
schemes:
  - code: level
    label: {en: Level}
    ordered: true
    applies_to: [project, signal]
    terms:
      - {code: community, label: {en: Community}}
      - {code: regulation, label: {en: Regulation}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err := st.Mission(ctx, "yaml-mission")
	if err != nil {
		t.Fatal(err)
	}
	if got.Timezone != "Europe/Madrid" {
		t.Errorf("timezone: got %q, want the default %q", got.Timezone, "Europe/Madrid")
	}
	// Ordered schemes get ordinals from document order when none is given.
	lv := got.Scheme("level")
	if lv.Terms[0].Ordinal != 1 || lv.Terms[1].Ordinal != 2 {
		t.Errorf("ordinals: got %d, %d, want 1, 2", lv.Terms[0].Ordinal, lv.Terms[1].Ordinal)
	}
	if !slices.Equal(lv.AppliesTo, []string{"project", "signal"}) {
		t.Errorf("applies_to: got %v, want [project signal]", lv.AppliesTo)
	}
}

func TestApplyMissionInvalid(t *testing.T) {
	t.Parallel()
	st := MustOpen(t)
	m := testMission()
	m.Slug = "Not A Slug"
	_, err := st.ApplyMission(context.Background(), m)
	if got := portfolio.ErrorCode(err); got != portfolio.EINVALID {
		t.Fatalf("invalid slug: got %s (%v), want %s", got, err, portfolio.EINVALID)
	}
	if list, _ := st.Missions(context.Background()); len(list) != 0 {
		t.Errorf("missions after a refused apply: got %d, want 0", len(list))
	}
}

func TestMissionNotFound(t *testing.T) {
	t.Parallel()
	st := MustOpen(t)
	_, err := st.Mission(context.Background(), "nope")
	if got := portfolio.ErrorCode(err); got != portfolio.ENOTFOUND {
		t.Errorf("unknown mission: got %s (%v), want %s", got, err, portfolio.ENOTFOUND)
	}
}

func TestApplyMissionRemovingTerms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	MustImport(t, st, m.Slug, ingest.KindProjects, projectsCSV)
	MustImport(t, st, m.Slug, ingest.KindSignals, signalsCSV)

	without := func(scheme, term string) *portfolio.Mission {
		doc := testMission()
		doc.Title.EN = "Changed title"
		sc := doc.Scheme(scheme)
		sc.Terms = slices.DeleteFunc(sc.Terms, func(t portfolio.Term) bool { return t.Code == term })
		return doc
	}

	for _, tc := range []struct {
		name     string
		doc      *portfolio.Mission
		wantCode string
		wantMsg  []string
	}{
		// P3 and P6 carry adaptation (P6 is stopped, still a user); so do
		// signals S2 and S3.
		{"used pillar term", without("pillar", "adaptation"), portfolio.ECONFLICT,
			[]string{`term "adaptation" of scheme "pillar"`, "2 project(s)", "2 signal(s)", "inactive: true"}},
		// community is the level of P1, P2, P6 and the level_observed of S1.
		{"used level term", without("level", "community"), portfolio.ECONFLICT,
			[]string{`term "community" of scheme "level"`, "3 project(s)", "1 signal(s)"}},
		{"whole scheme in use", func() *portfolio.Mission {
			doc := testMission()
			doc.Schemes = doc.Schemes[:2] // drops stage: explore and pilot are used
			return doc
		}(), portfolio.ECONFLICT, []string{`term "explore" of scheme "stage"`, `term "pilot" of scheme "stage"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.ApplyMission(ctx, tc.doc)
			if got := portfolio.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("code: got %s (%v), want %s", got, err, tc.wantCode)
			}
			msg := portfolio.ErrorMessage(err)
			for _, want := range tc.wantMsg {
				if !strings.Contains(msg, want) {
					t.Errorf("message: got %q, want it to contain %q", msg, want)
				}
			}
			// The refusal rolls the whole document back.
			got, err := st.Mission(ctx, m.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title.EN != "Test mission" {
				t.Errorf("title after refusal: got %q, want it unchanged", got.Title.EN)
			}
			if len(got.Schemes) != 3 || got.Scheme("pillar").Term("adaptation") == nil {
				t.Errorf("taxonomy after refusal: got %d schemes, want the original 3 with adaptation", len(got.Schemes))
			}
		})
	}

	t.Run("unused terms", func(t *testing.T) {
		// scale is used by no project; culture is inactive and unused.
		doc := without("stage", "scale")
		doc.Scheme("pillar").Terms = doc.Scheme("pillar").Terms[:3]
		created, err := st.ApplyMission(ctx, doc)
		if err != nil {
			t.Fatalf("removing unused terms: got %v, want nil", err)
		}
		if created {
			t.Error("created: got true, want false")
		}
		got, err := st.Mission(ctx, m.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got.Scheme("stage").Term("scale") != nil || got.Scheme("pillar").Term("culture") != nil {
			t.Error("removed terms: still present, want them gone")
		}
		if len(got.Scheme("stage").Terms) != 2 || got.Title.EN != "Changed title" {
			t.Errorf("after apply: got %d stage terms and title %q, want 2 and %q", len(got.Scheme("stage").Terms), got.Title.EN, "Changed title")
		}
		// The projects keep their tags.
		_, total, err := st.Projects(ctx, got, portfolio.Scope{AnyStatus: true, Stages: []string{"explore"}}, portfolio.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 { // P2, P3, P6, P7
			t.Errorf("projects at stage explore: got %d, want 4", total)
		}
	})
}

// TestTermIDsOutliveApplies: projects store their terms as ids (term_key,
// migration 0013) while every apply deletes and inserts the term rows
// again. An apply that reorders and adds terms leaves every project's
// terms and every id as they were and gives the new term an id; a term
// written to the term table by other means gets its id at the first commit
// that uses it.
func TestTermIDsOutliveApplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	MustImport(t, st, m.Slug, ingest.KindProjects, projectsCSV)
	read := func(q string) []string {
		t.Helper()
		rows, err := st.DB().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	const terms = `SELECT concat_ws(' ', p.ext_ref, t.scheme_code, t.term_code, t.is_primary) FROM project_term t
		JOIN project p ON p.id = t.project_id ORDER BY 1`
	const ids = `SELECT concat_ws(' ', id, scheme_code, term_code) FROM term_key ORDER BY id`
	before, idsBefore := read(terms), read(ids)
	if len(before) < 15 || !slices.Contains(before, "P1 pillar social_cohesion true") || !slices.Contains(before, "P1 pillar decarbonisation false") {
		t.Fatalf("project terms after the import: got %v", before)
	}

	doc := testMission()
	slices.Reverse(doc.Scheme("pillar").Terms)
	doc.Scheme("stage").Terms = append(doc.Scheme("stage").Terms, portfolio.Term{Code: "anchor", Label: portfolio.Labels{EN: "Anchor"}})
	if _, err := st.ApplyMission(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if got := read(terms); !slices.Equal(got, before) {
		t.Errorf("project terms after a re-apply:\n got %v\nwant %v", got, before)
	}
	idsAfter := read(ids)
	if !slices.Equal(idsAfter[:len(idsBefore)], idsBefore) || len(idsAfter) != len(idsBefore)+1 || !strings.HasSuffix(idsAfter[len(idsBefore)], " stage anchor") {
		t.Errorf("term ids after a re-apply:\n got %v\nwant %v and one for stage anchor", idsAfter, idsBefore)
	}

	if _, err := st.DB().ExecContext(ctx, `INSERT INTO term (mission_id, scheme_code, code, label_en, label_es, label_eu, active, position)
		VALUES (?, 'stage', 'sideways', 'Sideways', 'Sideways', 'Sideways', true, 99)`, m.ID); err != nil {
		t.Fatal(err)
	}
	MustImport(t, st, m.Slug, ingest.KindProjects, "ext_ref,title,stage\nP8,Side project,sideways\n")
	if got := read(terms); !slices.Contains(got, "P8 stage sideways true") {
		t.Errorf("project terms after importing a term without an id: got %v, want P8 stage sideways", got)
	}
}
