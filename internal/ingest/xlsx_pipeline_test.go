package ingest_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// workbook writes a one-sheet workbook, "Datos", whose cells are set by
// fill, and returns its path.
func workbook(tb testing.TB, dir string, fill func(f *excelize.File, sheet string)) string {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Datos"); err != nil {
		tb.Fatal(err)
	}
	fill(f, "Datos")
	p := filepath.Join(dir, "book.xlsx")
	if err := f.SaveAs(p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func setRow(tb testing.TB, f *excelize.File, sheet string, row int, values ...any) {
	tb.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := f.SetSheetRow(sheet, cell, &values); err != nil {
		tb.Fatal(err)
	}
}

// Workbooks written by scripts hold formulas without a stored value:
// 197 of 197 public_funding values were imported as nulls. They are
// computed now, and a formula that cannot be is a reject naming its cell
// and sheet, never an empty value.
func TestXLSXFormulasWithoutValues(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "ext_ref", "title", "budget_total_eur", "public_funding_eur")
		setRow(t, f, s, 2, "X-1", "One", 1000)
		setRow(t, f, s, 3, "X-2", "Two", 250.5)
		setRow(t, f, s, 4, "X-3", "Three", 10)
		for cell, formula := range map[string]string{"D2": "C2*0.5", "D3": "SUM(C2:C3)", "D4": "NOSUCHFUNCTION(C4)"} {
			if err := f.SetCellFormula(s, cell, formula); err != nil {
				t.Fatal(err)
			}
		}
	})
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	if len(b.Rejects) != 1 || b.Rejects[0].Line != 4 || b.Rejects[0].Code != ingest.RejFormula || b.Rejects[0].Column != "public_funding_eur" ||
		b.Rejects[0].Value != "=NOSUCHFUNCTION(C4)" {
		t.Fatalf("rejects %+v: want one formula reject on line 4", b.Rejects)
	}
	t.Log(b.Rejects[0].Reason)
	e.mustCommit(t, b.ID, true)
	assertProjects(t, e.st, map[string]projectRow{
		"X-1": {Title: "One", Status: "active", Budget: f64(1000), Funding: f64(500)},
		"X-2": {Title: "Two", Status: "active", Budget: f64(250.5), Funding: f64(1250.5)},
	})
}

// A shared formula (one formula filled down a column) is stored once, in
// its first cell: a cell further down that could not be computed was
// rejected showing the value "=", not its formula.
func TestXLSXSharedFormulaRejectShowsTheFormula(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "ext_ref", "title", "budget_total_eur", "public_funding_eur")
		setRow(t, f, s, 2, "S-1", "One", 2000)
		setRow(t, f, s, 3, "S-2", "Two", 1000)
		setRow(t, f, s, 4, "S-3", "Three", 3000)
		typ, ref := "shared", "D2:D4"
		if err := f.SetCellFormula(s, "D2", "C2/(C2-1000)", excelize.FormulaOpts{Type: &typ, Ref: &ref}); err != nil {
			t.Fatal(err)
		}
	})
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	if len(b.Rejects) != 1 || b.Rejects[0].Line != 3 || b.Rejects[0].Value != "=C3/(C3-1000)" || !strings.Contains(b.Rejects[0].Reason, "cell D3") {
		t.Fatalf("rejects %+v: want one on line 3 showing =C3/(C3-1000)", b.Rejects)
	}
	e.mustCommit(t, b.ID, true)
	assertProjects(t, e.st, map[string]projectRow{
		"S-1": {Title: "One", Status: "active", Budget: f64(2000), Funding: f64(2)},
		"S-3": {Title: "Three", Status: "active", Budget: f64(3000), Funding: f64(1.5)},
	})
}

// A number format that shows General with a unit, a colour or a locale
// (General" €", [$-409]General) is not a date format: its "e" was taken
// for the era year, and 1500 € was read as the date 1904-02-08 (refused as
// a budget, stored silently as a title).
func TestXLSXGeneralWithAUnitIsANumber(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "ext_ref", "title", "budget_total_eur")
		setRow(t, f, s, 2, "G-1", 2024, 1500)
		for cell, code := range map[string]string{"B2": `[$-409]General`, "C2": `General" €"`} {
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(s, cell, cell, style); err != nil {
				t.Fatal(err)
			}
		}
	})
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, nil)
	e.mustCommit(t, b.ID, false)
	assertProjects(t, e.st, map[string]projectRow{"G-1": {Title: "2024", Status: "active", Budget: f64(1500)}})
}

// A formula without a stored value in a date cell (an end date computed
// from the start) is computed as a date: it was written as its serial
// number, 45721, and refused as "not a date".
func TestXLSXDateFormulasWithoutValues(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "ext_ref", "title", "start_date", "end_date", "budget_total_eur", "public_funding_eur")
		setRow(t, f, s, 2, "D-1", "One", time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), nil, 900)
		setRow(t, f, s, 3, "D-2", "Two", nil, nil, 1000)
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		if err := f.SetCellStyle(s, "C2", "D3", style); err != nil {
			t.Fatal(err)
		}
		for cell, formula := range map[string]string{"D2": "C2+365", "F2": "E2/3", "C3": "DATE(2024,3,5)", "D3": "EDATE(C3,12)", "F3": "E3*0.1"} {
			if err := f.SetCellFormula(s, cell, formula); err != nil {
				t.Fatal(err)
			}
		}
	})
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, nil)
	e.mustCommit(t, b.ID, false)
	assertProjects(t, e.st, map[string]projectRow{
		"D-1": {Title: "One", Status: "active", Budget: f64(900), Funding: f64(300), Start: "2024-03-05", End: "2025-03-05"},
		"D-2": {Title: "Two", Status: "active", Budget: f64(1000), Funding: f64(100), Start: "2024-03-05", End: "2025-03-05"},
	})
}

// A sheet with a title row was refused with a message about a delimiter
// when a data row ended in an empty cell; header_row did not help. Dates
// typed as text and real date cells mix in one column.
func TestXLSXTitleRowRaggedRowsAndMixedDates(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "Proyectos de la misión 2024")
		setRow(t, f, s, 3, "Referencia", "Título", "Fecha de inicio", "Presupuesto", "Notas")
		setRow(t, f, s, 4, "T-1", "Real date", time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), 1200.5, "ok")
		setRow(t, f, s, 5, "T-2", "Typed date", "15/03/2024", 300)
		setRow(t, f, s, 6, "T-3", "Line\nbreak", "16/03/2024", 301)
		setRow(t, f, s, 7, "T-4", "Bad budget", "17/03/2024", "mucho")
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellStyle(s, "C4", "C4", style)
	})
	for _, headerRow := range []int{0, 3} {
		e := mustEnv(t)
		r := e.req(path, ingest.KindProjects, ingest.ModeAppend)
		r.Dialect.HeaderRow = headerRow
		b := e.mustPreview(t, r)
		if b.Dialect.HeaderRow != 3 {
			t.Errorf("header_row %d: read header row %d, want 3", headerRow, b.Dialect.HeaderRow)
		}
		// Excel's row 7, after a cell holding a line break.
		assertRejects(t, b.Rejects, []portfolio.ImportReject{{Line: 7, Column: "Presupuesto", Value: "mucho", Reason: "not a number (decimal separator .)", Code: ingest.RejNumber}})
		e.mustCommit(t, b.ID, true)
		assertProjects(t, e.st, map[string]projectRow{
			"T-1": {Title: "Real date", Status: "active", Budget: f64(1200.5), Start: "2024-03-15"},
			"T-2": {Title: "Typed date", Status: "active", Budget: f64(300), Start: "2024-03-15"},
			"T-3": {Title: "Line\nbreak", Status: "active", Budget: f64(301), Start: "2024-03-16"},
		})
	}
}

// A header over two rows, with cells merged across rows and a group title
// merged across columns ("Presupuesto" over "Total" and "Público"), reads
// as one header row: merged cells are filled in, the group title prefixes
// the headers under it, and the header is the row naming most fields.
func TestXLSXMergedHeaderCells(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "Referencia", "Título", "Presupuesto")
		setRow(t, f, s, 2, nil, nil, "Total", "Público")
		setRow(t, f, s, 3, "M-1", "Merged", 1000, 400)
		setRow(t, f, s, 4, "M-2", "Two", 50.5, 0)
		for _, r := range [][2]string{{"A1", "A2"}, {"B1", "B2"}, {"C1", "D1"}} {
			if err := f.MergeCell(s, r[0], r[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	if b.Dialect.HeaderRow != 2 {
		t.Errorf("header row %d, want 2", b.Dialect.HeaderRow)
	}
	if got := headerFields(b.Columns); len(got) != 4 || got[2] != (mapped{"Presupuesto Total", "budget_total_eur"}) || got[3] != (mapped{"Presupuesto Público", "public_funding_eur"}) {
		t.Errorf("columns %+v", got)
	}
	e.mustCommit(t, b.ID, false)
	assertProjects(t, e.st, map[string]projectRow{
		"M-1": {Title: "Merged", Status: "active", Budget: f64(1000), Funding: f64(400)},
		"M-2": {Title: "Two", Status: "active", Budget: f64(50.5), Funding: f64(0)},
	})
}

// A title merged across the top of the sheet, as most titled sheets have
// it, is a title, not a group title: it prefixed every header below it
// ("Proyectos 2024 Referencia"), and the sheet was refused for want of
// its required columns, header_row or not. A group title under it still
// prefixes its own headers.
func TestXLSXMergedTitleRow(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		headerRow int
		fill      func(f *excelize.File, s string)
	}{
		"title over the header": {2, func(f *excelize.File, s string) {
			setRow(t, f, s, 1, "Proyectos de la misión 2024")
			setRow(t, f, s, 2, "Referencia", "Título", "Presupuesto", "Subvención")
			setRow(t, f, s, 3, "M-1", "Merged", 1000, 400)
			setRow(t, f, s, 4, "M-2", "Two", 50.5, 0)
			if err := f.MergeCell(s, "A1", "D1"); err != nil {
				t.Fatal(err)
			}
		}},
		"title over a group title": {3, func(f *excelize.File, s string) {
			setRow(t, f, s, 1, "Proyectos de la misión\n2024")
			setRow(t, f, s, 2, nil, nil, "Presupuesto")
			setRow(t, f, s, 3, "Referencia", "Título", "Total", "Público")
			setRow(t, f, s, 4, "M-1", "Merged", 1000, 400)
			setRow(t, f, s, 5, "M-2", "Two", 50.5, 0)
			for _, r := range [][2]string{{"A1", "F1"}, {"C2", "D2"}} {
				if err := f.MergeCell(s, r[0], r[1]); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			path := workbook(t, e.dir, c.fill)
			for _, headerRow := range []int{0, c.headerRow} {
				r := e.req(path, ingest.KindProjects, ingest.ModeAppend)
				r.Dialect.HeaderRow = headerRow
				b, err := e.ing.Preview(t.Context(), r)
				if err != nil {
					t.Fatalf("header_row %d: %v", headerRow, err)
				}
				if b.Dialect.HeaderRow != c.headerRow || len(headerFields(b.Columns)) != 4 {
					t.Errorf("header_row %d: read header row %d, columns %+v", headerRow, b.Dialect.HeaderRow, headerFields(b.Columns))
				}
				if headerRow == 0 {
					if _, err := e.ing.Discard(t.Context(), b.ID); err != nil {
						t.Fatal(err)
					}
					continue
				}
				e.mustCommit(t, b.ID, false)
			}
			assertProjects(t, e.st, map[string]projectRow{
				"M-1": {Title: "Merged", Status: "active", Budget: f64(1000), Funding: f64(400)},
				"M-2": {Title: "Two", Status: "active", Budget: f64(50.5), Funding: f64(0)},
			})
		})
	}
}

// A sheet without the required columns is refused naming the sheet and
// the row read as its header, not a delimiter.
func TestXLSXMissingColumnNamesTheSheet(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "Código", "Importe")
		setRow(t, f, s, 2, "A-1", 10)
	})
	_, err := e.ing.Preview(t.Context(), e.req(path, ingest.KindProjects, ingest.ModeAppend))
	msg := portfolio.ErrorMessage(err)
	if !strings.Contains(msg, `sheet "Datos", header on row 1`) || strings.Contains(msg, "delimiter") {
		t.Errorf("got %q", msg)
	}
}

// A blank row (an empty row of a sheet, a line of delimiters only) is no
// row: it was rejected twice for empty required values and counted in the
// file's rows. It is left out, and the lines of the rows after it stay
// those of the file.
func TestBlankRowsAreNoRows(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	csvFile := e.write(t, "blank.csv", "ext_ref;title;budget_total_eur;notes\nB-1;Uno;100;\n;;;\nB-2;Dos;x;\n ; ;;\nB-3;Tres;300;\n;;;\n")
	b := e.mustPreview(t, e.req(csvFile, ingest.KindProjects, ingest.ModeAppend))
	// Line 5 holds spaces: trimmed, they are empty, but the row is not
	// blank as written, so it is rejected for its empty required cells.
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 4, Column: "budget_total_eur", Value: "x", Code: ingest.RejNumber, Reason: "not a number (decimal separator ,)"},
		{Line: 5, Column: "ext_ref", Value: "", Code: ingest.RejRequired, Reason: "required value is empty"},
		{Line: 5, Column: "title", Value: "", Code: ingest.RejRequired, Reason: "required value is empty"},
	})
	if b.RowsTotal != 4 || b.RowsRejected != 2 {
		t.Errorf("rows: %d total, %d rejected; want 4 and 2", b.RowsTotal, b.RowsRejected)
	}

	path := workbook(t, t.TempDir(), func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "ext_ref", "title", "budget_total_eur")
		setRow(t, f, s, 2, "X-1", "One", 1000)
		setRow(t, f, s, 4, "X-2", "Two", "mil")
		setRow(t, f, s, 6, "X-3", "Three", 10)
	})
	b = e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	assertRejects(t, b.Rejects, []portfolio.ImportReject{
		{Line: 4, Column: "budget_total_eur", Value: "mil", Code: ingest.RejNumber, Reason: "not a number (decimal separator .)"},
	})
	if b.RowsTotal != 3 {
		t.Errorf("workbook rows: %d total, want 3", b.RowsTotal)
	}
	e.mustCommit(t, b.ID, true)
	if got := storedProjects(t, e.st); len(got) != 2 || got["X-3"].Budget == nil || *got["X-3"].Budget != 10 {
		t.Errorf("stored %v, want X-1 and X-3", got)
	}
}

// An amount merged down several rows of a sheet is given to each row of
// the range, so totals counted it once per row without a word. The
// preview warns, naming the column, the range and the rows that repeat
// it; a name merged so repeats rightly and is not warned of.
func TestXLSXMergedAmountWarns(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := workbook(t, e.dir, func(f *excelize.File, s string) {
		setRow(t, f, s, 1, "ext_ref", "title", "budget_total_eur", "lead_org")
		setRow(t, f, s, 2, "M-1", "One", 900, "Uzta Energy")
		setRow(t, f, s, 3, "M-2", "Two", nil, nil)
		setRow(t, f, s, 4, "M-3", "Three", nil, nil)
		setRow(t, f, s, 5, "M-4", "Four", 50, "Other")
		for _, r := range [][2]string{{"C2", "C4"}, {"D2", "D4"}} {
			if err := f.MergeCell(s, r[0], r[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	b := e.mustPreview(t, e.req(path, ingest.KindProjects, ingest.ModeAppend))
	var got []portfolio.ImportWarning
	for _, w := range b.Warnings {
		if w.Code == ingest.WarnMergedAmount {
			got = append(got, w)
		}
	}
	if len(got) != 1 || got[0].Column != "budget_total_eur" || got[0].Count != 2 || !slices.Equal(got[0].Lines, []int64{3, 4}) ||
		!slices.Equal(got[0].Examples, []string{"C2:C4"}) {
		t.Fatalf("merged_amount warnings %+v, want one for budget_total_eur, rows 3 and 4, range C2:C4", got)
	}
}
