package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/begira/begira/internal/decode"
	"github.com/begira/begira/internal/portfolio"
)

// Diagnoses that need the pipeline: DuckDB's failures explained, and the
// header of a file found by the fields of its kind.

// csvFailure explains a file DuckDB could not read: Go's CSV reader names
// the line and the problem when it can, otherwise DuckDB's reason is kept.
func csvFailure(err error, path string, d portfolio.Dialect) error {
	if d.Encoding == "xlsx" {
		// A sheet has no delimiter nor quotes to check: speak of the sheet.
		msg := strings.TrimPrefix(portfolio.ErrorMessage(csvError(err)), "the file could not be read as CSV: ")
		return portfolio.Errorf(portfolio.EINVALID, "sheet %q could not be read as a table (rows are numbered as in Excel): %s", d.Sheet, msg)
	}
	if d.Quote == decode.QuoteNone {
		// Go's CSV reader cannot read quotes as text: lines are split
		// as they are.
		if derr := decode.DiagnoseUnquoted(path, d.Delimiter, d.HeaderRow); derr != nil {
			return invalid(derr)
		}
		return csvError(err)
	}
	delim, header := d.Delimiter, d.HeaderRow
	if delim == "" || header <= 0 {
		guess, line := decode.GuessDelimiter(path, header)
		if delim == "" {
			delim = guess
		}
		if header <= 0 {
			header = line
		}
	}
	if derr := decode.DiagnoseCSV(path, delim, header); derr != nil {
		return invalid(derr)
	}
	return csvError(err)
}

// betterHeader looks, in the lines above line headerRow, for the first
// line that names every required field: DuckDB's sniffer skips the real
// header of a file whose later rows are wider, and a sheet's title rows
// are as wide as its header. It returns that line's number, or 0.
func betterHeader(path, kind, delim string, headerRow int) int {
	if headerRow <= 1 {
		return 0
	}
	return fullHeader(path, kind, delim, nil, 2, 1, headerRow-1)
}

// listHeaders shows at most a screenful of headers in a message.
func listHeaders(headers []string) string {
	const most = 20
	if len(headers) <= most {
		return strings.Join(headers, ", ")
	}
	return fmt.Sprintf("%s … and %d more", strings.Join(headers[:most], ", "), len(headers)-most)
}

// sheetHeader finds the header of a sheet written as CSV: among its first
// rows, the one that names every required field and the most fields (a
// header over two rows, merged cells filled in, reads best on its second
// row), the first of equals. 0 when no row names every required field.
func sheetHeader(path, kind string, rows int) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	best, most := 0, 0
	for n := 1; n <= rows; n++ {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if all, mapped := headerScore(kind, rec, nil); all && mapped > most {
			best, most = n, mapped
		}
	}
	return best
}

// headerScore says whether the cells of a row name every required field
// of kind (through the analyst's mapping explicit too), and how many
// fields they name.
func headerScore(kind string, rec []string, explicit map[string]string) (bool, int) {
	cols, _ := mapHeaders(kind, rec, explicit)
	found, mapped := map[string]bool{}, 0
	for _, c := range cols {
		if c.Field != "" {
			found[c.Field] = true
			mapped++
		}
	}
	for _, f := range Fields(kind) {
		if f.Required && !found[f.Name] {
			return false, mapped
		}
	}
	return true, mapped
}

// headerBelow finds, in a text file whose sniffed header (line headerRow)
// does not name every required field, the first line below it within
// rows lines that does: Spanish Excel pads title rows with delimiters to
// the table's width ("Informe 2025;;"), and the sniffer then takes the
// title for the header. 0 when there is none.
func headerBelow(path, kind, delim string, explicit map[string]string, headerRow, rows int) int {
	if n := fullHeader(path, kind, delim, explicit, 1, headerRow, rows); n != headerRow {
		return n
	}
	return 0
}

// fullHeader returns the first line from line from to line to (1-based)
// of at least minCells cells that name every required field of kind
// (through the analyst's mapping explicit too), read line by line with
// delimiter delim; 0 when there is none.
func fullHeader(path, kind, delim string, explicit map[string]string, minCells, from, to int) int {
	if len(delim) != 1 {
		return 0
	}
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for n := 1; n <= to; n++ {
		text, err := br.ReadString('\n')
		if n >= from {
			r := csv.NewReader(strings.NewReader(text))
			r.Comma, r.FieldsPerRecord, r.LazyQuotes = rune(delim[0]), -1, true
			if rec, _ := r.Read(); len(rec) >= minCells {
				if all, _ := headerScore(kind, rec, explicit); all {
					return n
				}
			}
		}
		if err != nil {
			break
		}
	}
	return 0
}

// invalid reports a file the decoder refused (a *decode.Error) as invalid
// input, the error every page and the API show to the analyst; other
// errors pass as they are.
func invalid(err error) error {
	var de *decode.Error
	if errors.As(err, &de) {
		return &portfolio.Error{Code: portfolio.EINVALID, Message: de.Message, Details: de.Details}
	}
	return err
}
