package decode

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Limits on the shape of a text file, checked in Go before DuckDB reads it.
const (
	// maxLineBytes is DuckDB's default max_line_size: its reader fails
	// on longer lines, with a message that names neither the line nor
	// the limit.
	maxLineBytes = 2_000_000
	// maxFields bounds the fields of a line among the first sniffLines
	// lines (an XLSX sheet has the same limit): DuckDB's sniffer runs out
	// of memory on a line of a million fields.
	maxFields = 1000
	// sniffLines is the sample DuckDB's sniffer reads.
	sniffLines = 20480
)

// delimiters are the delimiters analysts' files use, in the order a tie
// is broken.
var delimiters = []string{",", ";", "\t", "|"}

// CheckLines refuses, before DuckDB sees it, a text file DuckDB cannot
// read safely: a line longer than maxLineBytes (a binary file, or a file
// with no line breaks), or a line of more than maxFields fields among the
// first sniffLines lines. It reads the file once, in bounded memory, and
// returns its number of lines.
func CheckLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("decode: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	line, size := 1, 0
	var seps [4]int
	for {
		chunk, err := br.ReadSlice('\n')
		size += len(bytes.TrimSuffix(chunk, []byte("\n")))
		if size > maxLineBytes {
			return 0, invalid(
				"line %d is longer than %s bytes: is it really a CSV file, with one row per line?", line, groupDigits(maxLineBytes))
		}
		if line <= sniffLines {
			for i, d := range delimiters {
				seps[i] += bytes.Count(chunk, []byte(d))
				if seps[i] >= maxFields {
					return 0, invalid(
						"line %d has more than %s fields separated by %q: is it really a table?", line, groupDigits(maxFields), d)
				}
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(chunk) == 0 && size == 0 {
				return line - 1, nil // the last line ended with a line break
			}
			return line, nil
		case err != nil:
			return 0, fmt.Errorf("decode: %w", err)
		}
		line, size, seps = line+1, 0, [4]int{}
	}
}

// GuessDelimiter returns the delimiter that occurs most often on the first
// line from line from (1-based) that holds any, and that line's number; ""
// and 0 when the first lines hold none.
func GuessDelimiter(path string, from int) (string, int) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	from = max(from, 1)
	for n := 1; n < from+100; n++ {
		text, err := br.ReadString('\n')
		if n >= from {
			best, most := "", 0
			for _, d := range delimiters {
				if c := strings.Count(text, d); c > most {
					best, most = d, c
				}
			}
			if best != "" {
				return best, n
			}
		}
		if err != nil {
			break
		}
	}
	return "", 0
}

// diagnoseCSV reads a text file with Go's CSV reader to say, in the
// analyst's terms, why DuckDB refused it: the first row whose number of
// fields differs from the header's, or a quote that is never closed. It
// returns nil when it finds nothing to say. Line numbers are those of the
// file, title rows above the header (line headerRow) included.
func DiagnoseCSV(path, delim string, headerRow int) error {
	if len(delim) != 1 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	headerRow = max(headerRow, 1)
	for range headerRow - 1 {
		if _, err := br.ReadString('\n'); err != nil {
			return nil
		}
	}
	r := csv.NewReader(br)
	r.Comma = rune(delim[0])
	r.ReuseRecord = true
	width := -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			if err != nil {
				return nil
			}
			if width < 0 {
				width = len(rec)
			}
			continue
		}
		line := pe.StartLine + headerRow - 1
		switch {
		case errors.Is(pe.Err, csv.ErrFieldCount):
			return invalid(
				"line %d has %d fields but the header (line %d) has %d: check the delimiter (%q) and the quotes on that line",
				line, len(rec), headerRow, width, delim)
		case errors.Is(pe.Err, csv.ErrQuote):
			if _, err := r.Read(); errors.Is(err, io.EOF) {
				return invalid(
					`the quote (") opened on line %d is never closed: the rest of the file would be one value. Close it, or remove it`, line)
			}
			return invalid(
				`line %d: a quoted value is followed by other text before the next %q; inside a quoted value, write a quote as two quotes (""), `+
					`or, if the file's quotes are text ("Zora" EOOD), choose quote none`,
				pe.Line+headerRow-1, delim)
		}
		// A quote inside an unquoted value (ErrBareQuote) is text to
		// DuckDB: read on.
	}
}

// DiagnoseUnquoted is DiagnoseCSV for a file whose quotes are text
// (QuoteNone): every line is a row, split on every delimiter. It names the
// first row whose number of fields differs from the header's, most often
// a value that was quoted because it holds the delimiter.
func DiagnoseUnquoted(path, delim string, headerRow int) error {
	if len(delim) != 1 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes+1)
	headerRow = max(headerRow, 1)
	width := -1
	for line := 1; sc.Scan(); line++ {
		if line < headerRow {
			continue
		}
		text := strings.TrimSuffix(sc.Text(), "\r")
		n := strings.Count(text, delim) + 1
		switch {
		case width < 0:
			width = n
		case text == "":
		case n != width:
			return invalid(
				"line %d has %d fields but the header (line %d) has %d: check the delimiter (%q); quotes are read as text (quote none), "+
					"so a delimiter inside quotes splits the value: leave the quote to detection if values are quoted",
				line, n, headerRow, width, delim)
		}
	}
	return nil
}

// CheckDelimiter deals with a header line (line headerRow) that does not
// hold the chosen delimiter but holds another one: DuckDB's sniffer falls
// back to a single column when rows have unequal numbers of fields. Go's
// reader then names the odd row; failing that, a sniffed delimiter (not
// given by the analyst) is replaced by the one the header uses. It returns
// the delimiter to use.
func CheckDelimiter(path, delim string, headerRow int, given bool) (string, error) {
	line := HeaderLine(path, headerRow)
	if line == "" || strings.Contains(line, delim) {
		return delim, nil
	}
	best, most := "", 0
	for _, c := range delimiters {
		if n := strings.Count(line, c); n > most {
			best, most = c, n
		}
	}
	if best == "" {
		return delim, nil
	}
	if err := DiagnoseCSV(path, best, headerRow); err != nil {
		return delim, err
	}
	if !given {
		return best, nil
	}
	return delim, nil
}

// HeaderLine returns line n (1-based) of a text file, "" when it has fewer.
func HeaderLine(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for i := 1; ; i++ {
		text, err := br.ReadString('\n')
		if i == max(n, 1) {
			return text
		}
		if err != nil {
			return ""
		}
	}
}

// QuoteNone is the Quote of a file whose quotes are text.
const QuoteNone = "none"

// LiteralQuotes reports whether a tab-separated file's quotes are text
// rather than wrappers of whole fields: among the first sniffLines lines
// after the header, a field opens with a quote that closes before the
// field ends ("Зора-ЕС" ЕООД, in EU exports). An RFC 4180 reader would
// take such a quote as opening a value and swallow the lines that follow.
func LiteralQuotes(path string, headerRow int) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes+1)
	for n := 1; n <= headerRow+sniffLines && sc.Scan(); n++ {
		if n < headerRow {
			continue
		}
		for _, field := range strings.Split(sc.Text(), "\t") {
			if !strings.HasPrefix(field, `"`) {
				continue
			}
			for i := 1; i < len(field); i++ {
				if field[i] != '"' {
					continue
				}
				if i+1 < len(field) && field[i+1] == '"' {
					i++ // a doubled quote inside a quoted value
					continue
				}
				if i != len(field)-1 {
					return true
				}
				break
			}
		}
	}
	return false
}
