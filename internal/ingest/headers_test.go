package ingest_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func headersFixture(tb testing.TB, name string) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "headers", name))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Natural Spanish headers ("Tipo de fuente", "Tipo de observador") were
// silently unmapped and their values dropped; enum values were accepted
// in English only. Both are read in the three languages now.
func TestSignalsWithSpanishHeadersAndValues(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	if err := e.st.UpsertGeoAreas(ctx, []portfolio.GeoArea{{Code: "20069", NameEU: "Donostia", NameES: "San Sebastián", Level: "municipality"}}, 2021); err != nil {
		t.Fatal(err)
	}
	b := e.mustPreview(t, e.req(headersFixture(t, "signals_es.csv"), ingest.KindSignals, ingest.ModeAppend))
	for _, c := range b.Columns {
		if c.Field == "" {
			t.Errorf("column %q is unmapped", c.Header)
		}
	}
	assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 4, Column: "Tipo de fuente", Value: "Periódico", Code: ingest.RejEnum,
		Reason: "must be one of news, research, policy, citizen_story, expert, workshop, project_report, indicator, other (or their Spanish or Basque names)"}})
	e.mustCommit(t, b.ID, true)
	got := strs(t, e, `SELECT ext_ref || ' ' || source_type || ' ' || status || ' ' || novelty || ' ' || observer_actor_type || ' ' || signal_type || ' ' || sentiment || ' ' || geo_code
		FROM signal ORDER BY ext_ref`)
	want := []string{"S-1 news approved 4 foundation weak_signal positive 20069", "S-2 news new 3 company weak_signal mixed 20069"}
	if !slices.Equal(got, want) {
		t.Errorf("signals:\n got %q\nwant %q", got, want)
	}
}

func TestProjectStatusByLabel(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(headersFixture(t, "projects_status_labels.csv"), ingest.KindProjects, ingest.ModeAppend))
	if b.RowsRejected != 0 {
		t.Fatalf("rejects %+v", b.Rejects)
	}
	e.mustCommit(t, b.ID, false)
	got := strs(t, e, `SELECT ext_ref || ' ' || status FROM project ORDER BY ext_ref`)
	if want := []string{"E-1 active", "E-2 active", "E-3 paused", "E-4 completed"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// With both Presupuesto and budget_total_eur, the first column won over
// the exact name.
func TestExactNameWinsInAFile(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(headersFixture(t, "presupuesto_and_exact.csv"), ingest.KindProjects, ingest.ModeAppend))
	if len(b.Warnings) != 1 || b.Warnings[0].Code != ingest.WarnHeaderTwice {
		t.Errorf("warnings %+v, want one header_same_field", b.Warnings)
	}
	e.mustCommit(t, b.ID, false)
	if p := storedProjects(t, e.st)["B-1"]; p.Budget == nil || *p.Budget != 1500.5 {
		t.Errorf("budget %v, want 1500.5 from budget_total_eur", fmtPtr(p.Budget))
	}
}

// A duplicated header was ignored: it is refused, naming both columns.
func TestDuplicatedHeaderRefused(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	_, err := e.ing.Preview(context.Background(), e.req(headersFixture(t, "duplicated_header.csv"), ingest.KindProjects, ingest.ModeAppend))
	if portfolio.ErrorCode(err) != portfolio.EINVALID || portfolio.ErrorMessage(err) != `the header "Presupuesto" appears twice, in columns 3 and 5: rename or remove one of them` {
		t.Fatalf("got %v", err)
	}
	assertNoStaging(t, e)
}

// Headers that differ only in case were not refused: the file reader
// renamed the second ("ESTADO" → "ESTADO_1"), which mapped to nothing, and
// its values were dropped with no reject.
func TestHeadersDifferingInCaseRefused(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	_, err := e.ing.Preview(context.Background(), e.req(e.write(t, "case.csv", "Referencia;Título;Estado;ESTADO\nP-1;Uno;activo;terminado\n"),
		ingest.KindProjects, ingest.ModeAppend))
	want := `the headers "Estado" (column 3) and "ESTADO" (column 4) differ only in case, so they are the same header: rename or remove one of them`
	if portfolio.ErrorCode(err) != portfolio.EINVALID || portfolio.ErrorMessage(err) != want {
		t.Fatalf("got %v", err)
	}
	assertNoStaging(t, e)
}

// Municipalities by any official name of the 88 that ship with Begira,
// when no reference geography is loaded: Arrasate and Mondragón are one
// code, Donostia / San Sebastián another.
func TestMunicipalitiesByNameWithoutReferenceGeography(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(e.write(t, "m.csv", "ext_ref,title,municipio\nA,One,Arrasate\nB,Two,mondragon\nC,Three,Donostia / San Sebastián\nD,Four,San Sebastián\nE,Five,20055\nF,Six,Gotham\n"),
		ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 7, Column: "municipio", Value: "Gotham", Code: ingest.RejMunicipality,
		Reason: "not a 5-digit INE municipality code nor the name of a municipality"}})
	e.mustCommit(t, b.ID, true)
	got := strs(t, e, `SELECT ext_ref || ' ' || geo_code FROM project ORDER BY ext_ref`)
	if want := []string{"A 20055", "B 20055", "C 20069", "D 20069", "E 20055"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Spanish Excel saves title rows padded with delimiters to the table's
// width ("Informe de proyectos 2025;;"): the sniffer took the title for
// the header and the file was refused for lacking ext_ref and title. The
// first row below that names every required field is the header.
func TestPaddedTitleRowsAboveTheHeader(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path, _ := filepath.Abs(filepath.Join("testdata", "dialect", "title_rows_padded.csv"))
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	if b.Dialect.HeaderRow != 4 {
		t.Errorf("header row %d, want 4", b.Dialect.HeaderRow)
	}
	assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 6, Column: "Presupuesto (€)", Value: "abc", Reason: "not a number (decimal separator ,)"}})
	e.mustCommit(t, b.ID, true)
	if got := strs(t, e, `SELECT ext_ref || ' ' || title || ' ' || budget_total_eur FROM project`); !slices.Equal(got, []string{"T-1 Uno 1500.0"}) {
		t.Errorf("got %q", got)
	}
}

// A mapping naming a header the file lacks (a typo: "Importe" for
// "Importe (€)") was ignored without a word, and the column it meant left
// unread: the preview warns, naming it.
func TestMappingOfAnAbsentHeaderWarns(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.req(e.write(t, "m.csv", "Ref;Nombre proyecto;Importe (€)\nP-1;Uno;1500\n"), ingest.KindProjects, ingest.ModeAppend)
	r.Mapping = map[string]string{"Importe": "budget_total_eur", "Nombre proyecto": "title"}
	b := e.mustPreview(t, r)
	if len(b.Warnings) != 1 || b.Warnings[0].Code != ingest.WarnMappingAbsent || !slices.Equal(b.Warnings[0].Examples, []string{"Importe"}) {
		t.Errorf("warnings %+v", b.Warnings)
	}
}

// Values written in Basque and Spanish together, as bilingual forms in
// Gipuzkoa write them ("Aktiboa / Activo", "Gizarte kohesioa / Cohesión
// social"), were refused although each half is a label: they are read;
// two different values are still refused.
func TestBilingualValues(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "bv.csv", "ext_ref;title;status;pillars;level\n"+
		"BV-1;a;Aktiboa / Activo;Gizarte kohesioa / Cohesión social|Deskarbonizazioa / Descarbonización;Komunitate ekintza / Acción comunitaria\n"+
		"BV-2;b;Terminado / Amaitua;adaptation;community\n"+
		"BV-3;c;Activo / Terminado;adaptation;community\n")
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 4, Column: "status", Value: "Activo / Terminado", Code: ingest.RejEnum,
		Reason: "must be one of planned, active, paused, completed, stopped (or their Spanish or Basque names)"}})
	e.mustCommit(t, b.ID, true)
	got := strs(t, e, `SELECT p.ext_ref || ' ' || p.status || ' ' || string_agg(t.term_code, ' ' ORDER BY t.scheme_code, t.term_code)
		FROM project p JOIN project_term t ON t.project_id = p.id GROUP BY p.ext_ref, p.status ORDER BY p.ext_ref`)
	if want := []string{"BV-1 active community decarbonisation social_cohesion", "BV-2 completed community adaptation"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
