package ingest_test

import (
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// TestRejectLinesAfterBlankLinesAndMultilineCells: a reject names the line
// the analyst sees in an editor even after a blank line and a quoted cell
// spanning two lines (the CSV reader sees neither as its own record).
func TestRejectLinesAfterBlankLinesAndMultilineCells(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "gaps.csv", "ext_ref,title,level\n"+
		"A,Alpha,community\n"+ // line 2
		"\n"+ // line 3: blank
		"B,\"Beta\nsecond line\",community\n"+ // lines 4–5
		"C,Gamma,bogus\n") // line 6
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	if b.RowsTotal != 3 || len(b.Rejects) != 1 {
		t.Fatalf("rows %d, rejects %+v; want 3 rows and one reject", b.RowsTotal, b.Rejects)
	}
	if got := b.Rejects[0]; got.Line != 6 || got.Value != "bogus" {
		t.Errorf("reject %+v, want line 6 value bogus", got)
	}
}

// A header cell wrapped over two lines, as Excel saves a header with a
// line break in it, pushed every record down a line: rejects named the
// line above the one to fix.
func TestRejectLinesUnderAWrappedHeader(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "wrapped.csv", "Referencia;\"Título del\nproyecto\";\"Presupuesto\n(€)\";Estado\n"+ // lines 1–3
		"H-1;Uno;1000;activo\n"+ // line 4
		"H-2;Dos;abc;activo\n"+ // line 5
		"H-3;Tres;5;malo\n") // line 6
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 5, Column: "Presupuesto\n(€)", Value: "abc", Reason: "not a number (decimal separator ,)"},
		{Line: 6, Column: "Estado", Value: "malo", Reason: "must be one of planned, active, paused, completed, stopped (or their Spanish or Basque names)"},
	})
}

// A header that appears twice was not refused when a wrapped header cell
// came between the two: the header row was read as its first line only.
func TestDuplicateAfterAWrappedHeaderRefused(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := e.write(t, "wrapped.csv", "Referencia;\"Título del\nproyecto\";Estado;Estado\nH-1;Uno;activo;terminado\n")
	_, err := e.ing.Preview(t.Context(), e.req(path, ingest.KindProjects, ingest.ModeAppend))
	if want := `the header "Estado" appears twice, in columns 3 and 4: rename or remove one of them`; portfolio.ErrorMessage(err) != want {
		t.Fatalf("got %v", err)
	}
}
