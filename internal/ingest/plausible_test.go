package ingest_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// Negative budgets, funding above the total, an end before the start and
// dates in 1900 or 9999 used to commit silently: they are warnings with
// their lines, counted in the batch, and the rows still import.
func TestPlausibilityWarnings(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path, _ := filepath.Abs(filepath.Join("testdata", "plausibility", "implausible.csv"))
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	type seen struct {
		column string
		lines  []int64
	}
	got := map[string][]seen{}
	for _, w := range b.Warnings {
		got[w.Code] = append(got[w.Code], seen{w.Column, w.Lines})
		if w.Count != int64(len(w.Lines)) || w.Message == "" {
			t.Errorf("warning %+v: count and lines disagree, or no message", w)
		}
	}
	want := map[string][]seen{
		ingest.WarnNegativeBudget:    {{"budget_total_eur", []int64{3}}},
		ingest.WarnFundingAboveTotal: {{"public_funding_eur", []int64{4}}},
		ingest.WarnEndBeforeStart:    {{"end_date", []int64{5}}},
		ingest.WarnYearRange:         {{"start_date", []int64{6}}, {"end_date", []int64{7}}},
	}
	for code, w := range want {
		if !slices.EqualFunc(got[code], w, func(a, b seen) bool { return a.column == b.column && slices.Equal(a.lines, b.lines) }) {
			t.Errorf("%s: got %+v, want %+v", code, got[code], w)
		}
	}
	if b.RowsFlagged != 5 || b.RowsRejected != 0 {
		t.Errorf("rows flagged %d rejected %d, want 5 and 0", b.RowsFlagged, b.RowsRejected)
	}
	e.mustCommit(t, b.ID, false)
	if n := len(storedProjects(t, e.st)); n != 6 {
		t.Errorf("%d projects stored, want all 6", n)
	}
	again, err := e.ing.Batch(context.Background(), b.ID)
	if err != nil || again.RowsFlagged != 5 || len(again.Warnings) != 5 {
		t.Errorf("stored batch: flagged %d, %d warnings (%v); want 5 and 5", again.RowsFlagged, len(again.Warnings), err)
	}
}

// replace with skip_invalid deleted stored projects and the preview did
// not say so: it states how many stored rows the commit deletes.
func TestReplacePreviewSaysWhatItDeletes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustImport(t, "first.csv", ingest.KindProjects, ingest.ModeAppend, "ext_ref,title\nA,One\nB,Two\nC,Three\nD,Four\n")
	b := e.mustPreview(t, e.req(e.write(t, "second.csv", "ext_ref,title,budget_total_eur\nA,One again,10\nB,Two again,oops\n"),
		ingest.KindProjects, ingest.ModeReplace))
	var w *portfolio.ImportWarning
	for i := range b.Warnings {
		if b.Warnings[i].Code == ingest.WarnReplaceDeletes {
			w = &b.Warnings[i]
		}
	}
	// B is rejected: with skip_invalid it is not imported, so B, C and D go.
	if w == nil || w.Count != 3 {
		t.Fatalf("warnings %+v: want replace_deletes with count 3", b.Warnings)
	}
	e.mustCommit(t, b.ID, true)
	if got := storedProjects(t, e.st); len(got) != 1 {
		t.Errorf("stored %v, want only A: the count the preview gave was wrong", got)
	}
}
