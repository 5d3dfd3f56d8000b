package ingest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/begira/begira/internal/decode"
	"github.com/begira/begira/internal/portfolio"
)

// sheetNotes are what writing a sheet as text says about its cells: the
// formulas it could not compute (rejects once the columns are mapped) and
// the values merged down several rows (a warning in an amount column).
type sheetNotes struct {
	formulas []decode.BadCell
	spread   []decode.Spread
}

// prepare turns the uploaded file into UTF-8 CSV text DuckDB can read: an
// XLSX sheet is written out as CSV, any other file is checked to be text and
// transcoded, unless it already is UTF-8 text with LF line endings. It
// returns the text file, what the sheet's cells said (sheetNotes) and a
// cleanup function.
func (s *Service) prepare(b *portfolio.ImportBatch, req Request) (string, sheetNotes, func(), error) {
	nothing := func() {}
	src, err := os.Open(req.Path)
	if err != nil {
		return "", sheetNotes{}, nothing, fmt.Errorf("ingest: %w", err)
	}
	defer src.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(src, head)
	head = head[:n]
	if !decode.IsXLSX(head, req.Filename) && req.Dialect.Encoding == "" {
		// A UTF-8 file with LF line endings is what transcoding would
		// write: it is read where it lies, not copied (the copy took
		// 0.35 s and 560 MB of disk for a million projects; the check
		// takes half the time and no disk).
		plain, err := decode.Plain(req.Path)
		if err != nil {
			return "", sheetNotes{}, nothing, fmt.Errorf("ingest: %w", err)
		}
		if plain {
			if err := decode.CheckText(head, head); err != nil {
				return "", sheetNotes{}, nothing, invalid(err)
			}
			b.Dialect.Encoding = decode.EncodingUTF8
			return req.Path, sheetNotes{}, nothing, nil
		}
	}
	dir, err := os.MkdirTemp(s.TempDir, "begira-import-")
	if err != nil {
		return "", sheetNotes{}, nothing, fmt.Errorf("ingest: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	out, err := os.Create(filepath.Join(dir, "text.csv"))
	if err != nil {
		cleanup()
		return "", sheetNotes{}, nothing, fmt.Errorf("ingest: %w", err)
	}
	defer out.Close()

	size := int64(0)
	if fi, err := src.Stat(); err == nil {
		size = fi.Size()
	}
	s.progress.update(b.ID, "transcoding", 0, size, "bytes")
	if decode.IsXLSX(head, req.Filename) {
		sheet, _, formulas, spread, err := decode.XLSXToCSV(req.Path, req.Sheet, out, decode.DefaultXLSXLimits())
		if err != nil {
			cleanup()
			return "", sheetNotes{}, nothing, invalid(err)
		}
		b.Dialect.Encoding, b.Dialect.Sheet = "xlsx", sheet
		// The sheet is written as comma-separated text with ISO dates.
		if req.Dialect.Delimiter == "" {
			b.Dialect.Delimiter = ","
		}
		return out.Name(), sheetNotes{formulas, spread}, cleanup, nil
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return "", sheetNotes{}, nothing, fmt.Errorf("ingest: %w", err)
	}
	used, err := decode.Transcode(src, out, req.Dialect.Encoding)
	if err != nil {
		cleanup()
		return "", sheetNotes{}, nothing, invalid(err)
	}
	decoded := make([]byte, 64<<10)
	dn, _ := out.ReadAt(decoded, 0)
	if err := decode.CheckText(head, decoded[:dn]); err != nil {
		cleanup()
		return "", sheetNotes{}, nothing, invalid(err)
	}
	b.Dialect.Encoding = used
	// A given encoding may be wrong; a detected single-byte one may hide
	// a file that mixes encodings (UTF-8 rows pasted into a Windows-1252
	// file): its UTF-8 rows would be stored as "AÃ±o". UTF-8 files, most
	// of them, are not scanned again.
	if given := req.Dialect.Encoding != ""; given || used == "windows-1252" || used == "iso-8859-1" {
		if w := decode.SuspectDecoding(out.Name(), used); w != nil {
			msg := w.Message
			if !given {
				msg = fmt.Sprintf("the file mixes encodings: it was read as %s, but %d line(s) hold UTF-8 text that reads wrong that way (line %d: %q): "+
					"save the whole file in one encoding (UTF-8) and import it again", used, w.Count, w.Line, w.Example)
			}
			b.Warnings = append(b.Warnings, portfolio.ImportWarning{Code: WarnEncoding, Message: msg, Lines: []int64{w.Line},
				Count: w.Count, Examples: []string{w.Example}})
		}
	}
	s.progress.update(b.ID, "transcoding", size, size, "bytes")
	return out.Name(), sheetNotes{}, cleanup, nil
}
