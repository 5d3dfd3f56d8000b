package ingest_test

import (
	"testing"

	"github.com/begira/begira/internal/ingest"
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
