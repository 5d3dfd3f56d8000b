package decode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Drift says that from data record Rec on (0-based, the order DuckDB reads
// them), a record's line in the file is headerRow + 1 + Rec + Delta.
type Drift struct {
	Rec, Delta int64
}

// LineDrift finds where records stop sitting one per line after the header:
// blank lines, which the CSV reader skips, and quoted cells that span lines.
// Without it a reject after a blank line would name the line above the one
// the analyst must fix. It reads the file once, in bounded memory; for the
// usual file (one record per line) it returns nothing. quoted says whether
// quotes wrap fields (false: quotes are text, no cell spans lines).
func LineDrift(path string, headerRow int, quoted bool) ([]Drift, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var out []Drift
	var line, rec, delta int64 = 0, 0, 0
	inQuote, startOfLine, blank := false, true, true
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			if startOfLine {
				line++
				blank = true
			}
			if line > int64(headerRow) && startOfLine && !inQuote {
				// A record starts here unless the line is blank.
				if len(bytes.TrimRight(chunk, "\r\n")) > 0 {
					if d := line - int64(headerRow) - 1 - rec; d != delta {
						delta = d
						out = append(out, Drift{Rec: rec, Delta: d})
					}
					rec++
				}
			}
			if len(bytes.TrimRight(chunk, "\r\n")) > 0 {
				blank = false
			}
			// The header's own quotes count: a header cell wrapped over
			// two lines ("Presupuesto\n(€)", as Excel writes a wrapped
			// header) pushes every record down a line.
			if quoted && line >= int64(headerRow) && bytes.Count(chunk, []byte{'"'})%2 == 1 {
				inQuote = !inQuote
			}
			startOfLine = chunk[len(chunk)-1] == '\n'
		}
		_ = blank
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("decode: %w", err)
		}
	}
}
