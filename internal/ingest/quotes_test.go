package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func quotesFixture(tb testing.TB, name string) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "quotes", name))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// A tab-separated export whose quotes do not wrap whole fields ("Itsaso-
// Berri" SL) was refused at line 3: its quotes are detected as text, every
// line is one row, and the names keep their quotes. HTML entities the EU
// export left in names are decoded.
func TestTSVWithLiteralQuotes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(quotesFixture(t, "literal_quotes.tsv"), ingest.KindOrganisations, ingest.ModeAppend))
	if b.Dialect.Quote != "none" || b.Dialect.Delimiter != "\t" {
		t.Errorf("dialect %+v: want tab-separated, quote none", b.Dialect)
	}
	if b.RowsTotal != 5 || b.RowsRejected != 0 {
		t.Fatalf("rows %d, rejected %d (%+v); want 5 and 0", b.RowsTotal, b.RowsRejected, b.Rejects)
	}
	e.mustCommit(t, b.ID, false)
	got := strs(t, e, `SELECT name FROM organisation ORDER BY name`)
	want := []string{`"GAMMA" S.COOP`, `"Itsaso-Berri" SL`, "Koop Alpha", `R&D Delta "Ekin" Fundazioa`, "Taller Beta"}
	if !slices.Equal(got, want) {
		t.Errorf("organisations:\n got %q\nwant %q", got, want)
	}
}

// The analyst can say quotes are text in any file, and wrap-quotes stay
// the default elsewhere.
func TestQuoteNoneGiven(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.req(e.write(t, "q.csv", "ext_ref,title\nQ-1,\"Quoted\" title\nQ-2,Plain\n"), ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.Quote = "none"
	b := e.mustPreview(t, r)
	e.mustCommit(t, b.ID, false)
	if got := strs(t, e, `SELECT title FROM project ORDER BY ext_ref`); !slices.Equal(got, []string{`"Quoted" title`, "Plain"}) {
		t.Errorf("titles %q", got)
	}
}

// With quotes as text, a quoted value holding the delimiter splits into
// two fields: the refusal said only "Error when sniffing file". It names
// the line and says why.
func TestQuoteNoneRaggedLineNamed(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.req(e.write(t, "q.csv", "ext_ref,title,summary\nQ-1,Plain,x\nQ-2,\"Hello, world\",y\n"), ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.Quote = "none"
	_, err := e.ing.Preview(t.Context(), r)
	want := `line 3 has 4 fields but the header (line 1) has 3: check the delimiter (","); quotes are read as text (quote none), ` +
		`so a delimiter inside quotes splits the value: leave the quote to detection if values are quoted`
	if portfolio.ErrorCode(err) != portfolio.EINVALID || portfolio.ErrorMessage(err) != want {
		t.Fatalf("got %v", err)
	}
}

// Partner cells were split on ';' too, so EU names with &QUOT; and &AMP;
// became junk organisations (&QUOT, RES-DROB&QUOT): cells split on '|'
// only, and entities are decoded.
func TestPartnersSplitOnPipeOnlyWithEntitiesDecoded(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(quotesFixture(t, "entities_partners.csv"), ingest.KindProjects, ingest.ModeAppend))
	e.mustCommit(t, b.ID, false)
	p := storedProjects(t, e.st)["Q-1"]
	if p.Lead != `"POLIPAK" SP. Z O.O.` || p.Partners != "Alpha Coop|R&D CENTRE; INVENTOR" {
		t.Errorf("lead %q partners %q", p.Lead, p.Partners)
	}
	// Another separator when the analyst chooses it.
	e = mustEnv(t)
	r := e.req(e.write(t, "semi.csv", "ext_ref,title,partners\nS-1,Semi,Alpha; Beta\n"), ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.ListSeparator = ";"
	b = e.mustPreview(t, r)
	e.mustCommit(t, b.ID, false)
	if got := storedProjects(t, e.st)["S-1"].Partners; got != "Alpha|Beta" {
		t.Errorf("partners %q, want Alpha|Beta", got)
	}
}

// The real Kohesio beneficiaries export (27,222 lines, not in the
// repository) imports as organisations without editing: every line is a
// row; the only rejects are names repeated on later lines (one
// beneficiary in several regions), which become one organisation.
func TestKohesioRealFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "..", "shared", "data", "real", "kohesio-beneficiaries", "kohesio-data-export.tsv")
	if p := os.Getenv("BEGIRA_KOHESIO_TSV"); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the Kohesio export is not here (%v); set BEGIRA_KOHESIO_TSV", err)
	}
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(path, ingest.KindOrganisations, ingest.ModeAppend))
	if b.RowsTotal != 27222 || b.Dialect.Quote != "none" {
		t.Fatalf("rows %d quote %q, want 27222 and none", b.RowsTotal, b.Dialect.Quote)
	}
	all, err := e.ing.Rejects(t.Context(), b.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Code != ingest.RejDuplicate {
			t.Fatalf("reject %+v: only repeated names may be rejected", r)
		}
	}
	e.mustCommit(t, b.ID, true)
	got := strs(t, e, `SELECT count(*)::VARCHAR FROM organisation`)
	if got[0] != itoa(b.RowsOK) {
		t.Errorf("%s organisations stored, want %d", got[0], b.RowsOK)
	}
	for _, name := range []string{`"Зора-ЕС" ЕООД`, `"POLIPAK" SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ`, "R&D CENTRE INVENTOR SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ"} {
		if n := strs(t, e, `SELECT count(*)::VARCHAR FROM organisation WHERE name = ?`, name); n[0] != "1" {
			t.Errorf("organisation %q stored %s times, want once", name, n[0])
		}
	}
	t.Logf("Kohesio: %d rows, %d organisations, %d repeated names", b.RowsTotal, b.RowsOK, b.RowsRejected)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Term lists written with another separator ("Cohesión social,
// Descarbonización") were refused with "did you mean social_cohesion?",
// which would lose the second value: the reject says the values are
// separated by | and which separator to choose; with it, both are stored.
func TestTermListWithAnotherSeparator(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "l.csv", "ext_ref;title;pillars;level\nL-1;One;\"Cohesión social, Descarbonización\";community\nL-2;Two;adaptation;comunity, startup\n")
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 2, Column: "pillars", Value: "Cohesión social, Descarbonización", Code: ingest.RejTerm, Reason: `unknown pillar term "Cohesión social, Descarbonización"; ` +
			`several values? In this file they are separated by "|": write them so, or choose the list separator ","`},
		{Line: 3, Column: "level", Value: "comunity, startup", Code: ingest.RejTerm, Reason: `unknown level term "comunity, startup"; did you mean "community"?`},
	})
	r := e.req(path, ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.ListSeparator = ","
	b = e.mustPreview(t, r)
	e.mustCommit(t, b.ID, true)
	if got := strs(t, e, `SELECT string_agg(term_code, ' ' ORDER BY term_code) FROM project_term WHERE scheme_code = 'pillar'`); got[0] != "decarbonisation social_cohesion" {
		t.Errorf("pillars %q", got)
	}
}

// A signal's project cell written with another separator ("E-1, E-2")
// was refused as "no project with this ext_ref", which hides the two
// references it holds: the reject says how lists are split, as it does
// for terms; with that separator both links are stored.
func TestProjectRefsWithAnotherSeparator(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustImport(t, "p.csv", ingest.KindProjects, ingest.ModeAppend, "ext_ref,title\nE-1,One\nE-2,Two\n")
	path := e.write(t, "s.csv", "ext_ref;headline;observed_at;projects\nS-1;A;2025-01-01;E-1, E-2\nS-2;B;2025-01-01;E-9\n")
	b := e.mustPreview(t, e.req(path, ingest.KindSignals, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 2, Column: "projects", Value: "E-1, E-2", Code: ingest.RejProjectRef, Reason: `no project with this ext_ref in the mission; ` +
			`several values? In this file they are separated by "|": write them so, or choose the list separator ","`},
		{Line: 3, Column: "projects", Value: "E-9", Code: ingest.RejProjectRef, Reason: "no project with this ext_ref in the mission"},
	})
	r := e.req(path, ingest.KindSignals, ingest.ModeAppend)
	r.Dialect.ListSeparator = ","
	b = e.mustPreview(t, r)
	e.mustCommit(t, b.ID, true)
	if got := strs(t, e, `SELECT string_agg(p.ext_ref, ' ' ORDER BY p.ext_ref) FROM signal_project sp JOIN project p ON p.id = sp.project_id`); got[0] != "E-1 E-2" {
		t.Errorf("linked projects %q, want E-1 E-2", got)
	}
}

// A delimiter given wrong (tab for a ';' file) left the whole header in
// one column and the refusal only listed it: it now says which delimiter
// the header row holds.
func TestWrongDelimiterGivenNamed(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.req(e.write(t, "d.csv", "ext_ref;title\nD-1;One\n"), ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.Delimiter = "\t"
	_, err := e.ing.Preview(t.Context(), r)
	want := `required column(s) ext_ref, title not found among the headers ext_ref;title (the header row holds no "\t" but ";": is ";" the delimiter?); rename them or give a mapping`
	if portfolio.ErrorCode(err) != portfolio.EINVALID || portfolio.ErrorMessage(err) != want {
		t.Fatalf("got %v", err)
	}
}

// A ';' file whose quotes are text ("Zora" EOOD) is refused naming the
// line, and the refusal says that quote none reads it; with it, it does.
func TestQuotesAsTextInASemicolonFile(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "z.csv", "ext_ref;title\nZ-1;\"Zora\" EOOD\nZ-2;Dos\n")
	_, err := e.ing.Preview(t.Context(), e.req(path, ingest.KindProjects, ingest.ModeAppend))
	want := `line 2: a quoted value is followed by other text before the next ";"; inside a quoted value, write a quote as two quotes (""), ` +
		`or, if the file's quotes are text ("Zora" EOOD), choose quote none`
	if portfolio.ErrorMessage(err) != want {
		t.Fatalf("got %v", err)
	}
	r := e.req(path, ingest.KindProjects, ingest.ModeAppend)
	r.Dialect.Quote = "none"
	b := e.mustPreview(t, r)
	e.mustCommit(t, b.ID, false)
	if got := strs(t, e, `SELECT title FROM project ORDER BY ext_ref`); !slices.Equal(got, []string{`"Zora" EOOD`, "Dos"}) {
		t.Errorf("titles %q", got)
	}
}
