package ingest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func datesFixture(tb testing.TB, name string) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "dates", name))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// 05/03/24 was stored as year 0024: a two-digit year is refused unless
// the analyst chooses a century rule.
func TestDatesTwoDigitYears(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := datesFixture(t, "two_digit_years.csv")
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	reason := "two-digit year: write the year in full, or choose a century rule (century 1900, 2000 or auto)"
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 2, Column: "start_date", Value: "05/03/24", Reason: reason, Code: ingest.RejTwoDigitYear},
		{Line: 4, Column: "start_date", Value: "01/02/95", Reason: reason, Code: ingest.RejTwoDigitYear},
	})
	if _, err := e.ing.Discard(context.Background(), b.ID); err != nil {
		t.Fatal(err)
	}
	for century, want := range map[string][2]string{"auto": {"2024-03-05", "1995-02-01"}, "2000": {"2024-03-05", "2095-02-01"}} {
		e := mustEnv(t)
		r := e.req(path, ingest.KindProjects, ingest.ModeAppend)
		r.Dialect.Century = century
		b := e.mustPreview(t, r)
		if b.RowsRejected != 0 {
			t.Fatalf("century %s: rejects %+v", century, b.Rejects)
		}
		e.mustCommit(t, b.ID, false)
		got := storedProjects(t, e.st)
		if got["D-1"].Start != want[0] || got["D-3"].Start != want[1] || got["D-2"].Start != "1998-11-15" {
			t.Errorf("century %s: starts %q %q %q, want %q 1998-11-15 %q", century, got["D-1"].Start, got["D-2"].Start, got["D-3"].Start, want[0], want[1])
		}
	}
}

// Each date column settles its own format: day first in one, ISO in
// another, month first in a third.
func TestDatesPerColumn(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(datesFixture(t, "per_column.csv"), ingest.KindProjects, ingest.ModeAppend))
	for field, want := range map[string]string{"start_date": "%d/%m/%Y", "end_date": "%Y-%m-%d", "updated_at": "%m/%d/%Y"} {
		if c := column(t, b, field); c.DateFormat != want {
			t.Errorf("%s: format %q, want %q", field, c.DateFormat, want)
		}
	}
	if b.RowsRejected != 0 || len(b.Warnings) != 0 {
		t.Fatalf("rejects %+v warnings %+v, want none", b.Rejects, b.Warnings)
	}
	e.mustCommit(t, b.ID, false)
	got := storedProjects(t, e.st)
	if got["C-1"].Start != "2024-03-07" || got["C-3"].Start != "2024-02-01" || got["C-2"].End != "2024-01-31" {
		t.Errorf("stored %+v", got)
	}
	var updated string
	if err := e.st.DB().QueryRow(`SELECT strftime(updated_at, '%Y-%m-%d') FROM project WHERE ext_ref = 'C-1'`).Scan(&updated); err != nil || updated != "2026-03-25" {
		t.Errorf("updated_at = %q (%v), want 2026-03-25", updated, err)
	}
}

// A column's date format can be given on its own, by header.
func TestDatesFormatGivenPerColumn(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.req(datesFixture(t, "per_column.csv"), ingest.KindProjects, ingest.ModeAppend)
	r.Formats = map[string]ingest.Format{"fecha_inicio": {DateFormat: "mm/dd/yyyy"}}
	b := e.mustPreview(t, r)
	if c := column(t, b, "start_date"); c.DateFormat != "%m/%d/%Y" || c.Decided != portfolio.DecidedGiven {
		t.Errorf("start_date: %+v", c)
	}
	// 25/12/2023 is no month-first date: the one row is refused.
	assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 3, Column: "fecha_inicio", Value: "25/12/2023", Reason: "not a date in the format mm/dd/yyyy", Code: ingest.RejDate}})
}

// An ISO date is read with its time of day (2024-03-05T10:00:00, as
// exports and XLSX date-time cells write it), but not with other text
// after it: DuckDB's cast to DATE stops at the day, so a period written in
// one cell (2024-03-05 - 2024-06-30) was stored as its first day.
func TestDatesISOWithTrailingText(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	b := e.mustPreview(t, e.req(datesFixture(t, "iso_trailing_text.csv"), ingest.KindProjects, ingest.ModeAppend))
	reason := "not a date in the format yyyy-mm-dd"
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 3, Column: "end_date", Value: "2024-03-05 - 2024-06-30", Reason: reason, Code: ingest.RejDate},
		{Line: 4, Column: "start_date", Value: "2024-03-05 (aprox.)", Reason: reason, Code: ingest.RejDate},
		{Line: 5, Column: "start_date", Value: "2024-03-05T25:00:00", Reason: reason, Code: ingest.RejDate},
	})
	e.mustCommit(t, b.ID, true)
	assertProjects(t, e.st, map[string]projectRow{
		"I-1": {Title: "Uno", Status: "active", Start: "2024-03-05", End: "2024-06-30"},
		"I-5": {Title: "Cinco", Status: "active", Start: "2024-03-05", End: "2025-01-01"},
	})
}
