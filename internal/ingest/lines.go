package ingest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// drift says that from data record Rec on (0-based, the order DuckDB reads
// them), a record's line in the file is headerRow + 1 + Rec + Delta.
type drift struct {
	Rec, Delta int64
}

// lineDrift finds where records stop sitting one per line after the header:
// blank lines, which the CSV reader skips, and quoted cells that span lines.
// Without it a reject after a blank line would name the line above the one
// the analyst must fix. It reads the file once, in bounded memory; for the
// usual file (one record per line) it returns nothing. quoted says whether
// quotes wrap fields (false: quotes are text, no cell spans lines).
func lineDrift(path string, headerRow int, quoted bool) ([]drift, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var out []drift
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
						out = append(out, drift{Rec: rec, Delta: d})
					}
					rec++
				}
			}
			if len(bytes.TrimRight(chunk, "\r\n")) > 0 {
				blank = false
			}
			if quoted && line > int64(headerRow) && bytes.Count(chunk, []byte{'"'})%2 == 1 {
				inQuote = !inQuote
			}
			startOfLine = chunk[len(chunk)-1] == '\n'
		}
		_ = blank
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("ingest: %w", err)
		}
	}
}

// lineColumn returns the staging view's expression for the line of each
// record, and creates the table of drifts it needs when there are any.
func lineColumn(ctx context.Context, db *sql.DB, table string, headerRow int, drifts []drift) (string, string, error) {
	base := fmt.Sprintf("r.__rec + %d", headerRow+1)
	if len(drifts) == 0 {
		return base + " AS line", "", nil
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+table+` (__rec BIGINT, __delta BIGINT)`); err != nil {
		return "", "", fmt.Errorf("ingest: line table: %w", err)
	}
	for start := 0; start < len(drifts); start += 500 {
		end := min(start+500, len(drifts))
		var vals []string
		var args []any
		for _, d := range drifts[start:end] {
			vals = append(vals, "(?, ?)")
			args = append(args, d.Rec, d.Delta)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO `+table+` VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return "", "", fmt.Errorf("ingest: line table: %w", err)
		}
	}
	// Each record takes the drift of the last break at or before it.
	join := fmt.Sprintf(" ASOF LEFT JOIN %s l ON r.__rec >= l.__rec", table)
	return base + " + coalesce(l.__delta, 0) AS line", join, nil
}
