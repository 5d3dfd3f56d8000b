package decode

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXLimits guard against zip bombs and huge sheets.
type XLSXLimits struct {
	MaxUnzipped int64 // total uncompressed size allowed (default 512 MiB)
	MaxXML      int64 // largest single XML part in memory (default 64 MiB)
	MaxRows     int   // default 2,000,000
	MaxCols     int   // default 1,000
}

// XLSXHeaderSearch is how many rows of a sheet may stand above its header.
const XLSXHeaderSearch = 50

func DefaultXLSXLimits() XLSXLimits {
	return XLSXLimits{MaxUnzipped: 512 << 20, MaxXML: 64 << 20, MaxRows: 2_000_000, MaxCols: 1_000}
}

// IsXLSX reports whether head (first bytes of a file) is a ZIP that is an Office Open XML workbook (PK\x03\x04 magic);
// name is the original file name (".xlsx"/".xlsm" helps).
//
// Without a telling name, head must reach a local file header of a part
// under "xl/"; Excel writes them within the first few KiB, so the usual
// 64 KiB head is plenty. A .docx or plain .zip is not a workbook.
func IsXLSX(head []byte, name string) bool {
	if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm", ".xltx", ".xltm":
		return true
	}
	// Local file header: signature, then the name length at offset 26 and
	// the name itself at offset 30. Looking for every signature (rather than
	// walking sizes) copes with writers that put sizes in data descriptors.
	for p := head; ; {
		i := bytes.Index(p, []byte("PK\x03\x04"))
		if i < 0 || len(p)-i < 30 {
			return false
		}
		p = p[i:]
		n := int(binary.LittleEndian.Uint16(p[26:28]))
		if len(p) >= 30+n && bytes.HasPrefix(p[30:30+n], []byte("xl/")) {
			return true
		}
		p = p[4:]
	}
}

// XLSXToCSV writes one sheet (the named one, or the first when sheet == "") as RFC-4180 CSV (comma, LF) to dst and
// returns the sheet used and the list of sheet names. A missing sheet → EINVALID naming the available sheets. Rows are
// streamed (excelize's Rows iterator), never the whole sheet in memory. Cells formatted as dates/datetimes are written as
// ISO yyyy-mm-dd (or yyyy-mm-dd hh:mm:ss when there is a time part) — never the locale-dependent display format; numbers
// are written with a '.' decimal point and no grouping (use the raw cell value for numeric cells); text as is. Trailing
// empty rows are dropped; short rows are padded to the header width. Limits exceeded → EINVALID with a clear message
// ("the workbook expands to more than 512 MiB: refused as a possible zip bomb", "the sheet has more than 2,000,000 rows").
// Check the zip's declared uncompressed sizes with archive/zip BEFORE handing the file to excelize, and also pass
// excelize.Options{UnzipSizeLimit, UnzipXMLSizeLimit}.
//
// "When there is a time part" is decided by the cell's format, not its
// value, so that a column keeps one shape: a format showing only a date
// gives yyyy-mm-dd, one showing date and time gives yyyy-mm-dd hh:mm:ss, one
// showing only a time gives hh:mm:ss (elapsed formats such as [h]:mm give
// [h]:mm:ss). Empty rows inside the data and before the header are kept as
// empty records, so line numbers match Excel's row numbers until a cell
// holds a line break. A row wider than the header is written in full (it is
// data; the CSV reader reports it).
func XLSXToCSV(path, sheet string, dst io.Writer, lim XLSXLimits) (used string, sheets []string, formulas []BadCell, spread []Spread, err error) {
	def := DefaultXLSXLimits()
	if lim.MaxUnzipped <= 0 {
		lim.MaxUnzipped = def.MaxUnzipped
	}
	if lim.MaxXML <= 0 {
		lim.MaxXML = def.MaxXML
	}
	lim.MaxXML = min(lim.MaxXML, lim.MaxUnzipped)
	if lim.MaxRows <= 0 {
		lim.MaxRows = def.MaxRows
	}
	if lim.MaxCols <= 0 {
		lim.MaxCols = def.MaxCols
	}
	if err := checkZipSizes(path, lim); err != nil {
		return "", nil, nil, nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: lim.MaxXML})
	if err != nil {
		return "", nil, nil, nil, fmt.Errorf("decode: open workbook: %v: %w", err, unreadableWorkbook())
	}
	// Close removes the temporary files excelize extracts large parts to.
	defer f.Close()

	sheets = f.GetSheetList()
	if len(sheets) == 0 {
		return "", sheets, nil, nil, invalid("the workbook has no sheets")
	}
	used, ok := findSheet(sheets, sheet)
	if !ok {
		quoted := make([]string, len(sheets))
		for i, s := range sheets {
			quoted[i] = strconv.Quote(s)
		}
		return "", sheets, nil, nil, &Error{
			Message: fmt.Sprintf("sheet %q not found; the workbook has %s", sheet, strings.Join(quoted, ", ")),
			Details: sheets}
	}
	if err := isoDateFormats(f); err != nil {
		return "", sheets, nil, nil, fmt.Errorf("decode: workbook styles: %v: %w", err, unreadableWorkbook())
	}
	scan, err := scanSheet(path, used)
	if err != nil {
		return "", sheets, nil, nil, err
	}
	if formulas, err = writeSheetCSV(f, used, sheets, dst, lim, scan); err != nil {
		return "", sheets, nil, nil, err
	}
	for _, m := range scan.merges {
		if m.value != "" && m.r2 > m.r1 {
			from, _ := excelize.CoordinatesToCellName(m.c1, m.r1)
			to, _ := excelize.CoordinatesToCellName(m.c2, m.r2)
			spread = append(spread, Spread{Col: m.c1 - 1, Ref: from + ":" + to, FirstRow: int64(m.r1), LastRow: int64(m.r2)})
		}
	}
	return used, sheets, formulas, spread, nil
}

// findSheet returns the sheet called name (Excel compares sheet names
// without regard to case), or the first sheet when name is "".
func findSheet(sheets []string, name string) (string, bool) {
	if name == "" {
		return sheets[0], true
	}
	for _, s := range sheets {
		if s == name {
			return s, true
		}
	}
	for _, s := range sheets {
		if strings.EqualFold(s, name) {
			return s, true
		}
	}
	return "", false
}

func unreadableWorkbook() *Error {
	return invalid("the file is not a readable XLSX workbook (is it damaged or password-protected?)")
}

func zipBombError(lim XLSXLimits) *Error {
	return invalid("the workbook expands to more than %s: refused as a possible zip bomb", byteSize(lim.MaxUnzipped))
}

// checkZipSizes refuses a workbook whose parts declare more than the limits
// allow, before anything is inflated. The declared sizes can be trusted:
// archive/zip fails any entry that inflates beyond its declared size.
func checkZipSizes(path string, lim XLSXLimits) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			if fh, err := os.Open(path); err == nil {
				head := make([]byte, 8)
				n, _ := io.ReadFull(fh, head)
				fh.Close()
				if err := checkMagic(head[:n]); err != nil && !bytes.HasPrefix(head, []byte("PK")) {
					return err
				}
			}
		}
		return fmt.Errorf("decode: open workbook: %v: %w", err, unreadableWorkbook())
	}
	defer zr.Close()
	var total uint64
	var parts []*zip.File
	for _, e := range zr.File {
		total += e.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return zipBombError(lim)
		}
		// excelize extracts big worksheets and the shared strings to
		// temporary files; every other part it holds in memory.
		name := strings.ToLower(strings.ReplaceAll(e.Name, `\`, "/"))
		spilled := strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
		if !spilled && e.UncompressedSize64 > uint64(lim.MaxXML) {
			return invalid(
				"the workbook part %s expands to more than %s: refused as a possible zip bomb", e.Name, byteSize(lim.MaxXML))
		}
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			parts = append(parts, e)
		}
	}
	// excelize ignores read errors on parts, so a damaged or lying entry
	// would silently yield a truncated sheet. Inflating the XML parts once
	// here lets archive/zip check their sizes and CRCs.
	for _, e := range parts {
		if err := checkZipEntry(e); err != nil {
			return fmt.Errorf("decode: workbook part %s: %v: %w", e.Name, err, unreadableWorkbook())
		}
	}
	return nil
}

func checkZipEntry(e *zip.File) error {
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// byteSize writes n bytes the way the limits are stated ("512 MiB").
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// groupDigits writes n with comma thousands separators ("2,000,000"), as
// the limits are stated in English messages.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Number format classes. Only dates and times are formatted; every other
// number is written as its stored value.
type numFmtClass int

const (
	fmtNumber numFmtClass = iota
	fmtDate
	fmtDateTime
	fmtTime
	fmtElapsed
)

// isoFormats are the format codes written for each class.
var isoFormats = map[numFmtClass]string{
	fmtDate:     "yyyy-mm-dd",
	fmtDateTime: "yyyy-mm-dd hh:mm:ss",
	fmtTime:     "hh:mm:ss",
	fmtElapsed:  "[h]:mm:ss",
}

// builtInDateFormats classifies the built-in number formats (ECMA-376
// 18.8.30) that show dates or times; 27–36 and 50–58 are the East Asian
// locale dates and times.
var builtInDateFormats = map[int]numFmtClass{
	14: fmtDate, 15: fmtDate, 16: fmtDate, 17: fmtDate,
	18: fmtTime, 19: fmtTime, 20: fmtTime, 21: fmtTime,
	22: fmtDateTime,
	27: fmtDate, 28: fmtDate, 29: fmtDate, 30: fmtDate, 31: fmtDate,
	32: fmtTime, 33: fmtTime, 34: fmtTime, 35: fmtTime, 36: fmtDate,
	45: fmtTime, 46: fmtElapsed, 47: fmtTime,
	50: fmtDate, 51: fmtDate, 52: fmtDate, 53: fmtDate, 54: fmtDate,
	55: fmtDate, 56: fmtDate, 57: fmtDate, 58: fmtDate,
}

// classifyNumFmt tells whether a custom format code shows a date, a time or
// both. Quoted text, escaped characters, fill and padding characters and
// bracketed colours, conditions and locales are not date parts; bracketed
// [h], [m] and [s] are elapsed time.
func classifyNumFmt(code string) numFmtClass {
	if strings.EqualFold(strings.TrimSpace(code), "general") {
		return fmtNumber
	}
	// "m" is a month unless the format also shows hours or seconds, then
	// it is minutes (Excel's own rule is positional; this is close enough to
	// tell a date from a time).
	var date, month, timeOfDay, elapsed bool
	lower := strings.ToLower(code)
	for i := 0; i < len(lower); i++ {
		switch c := lower[i]; c {
		case '"':
			if j := strings.IndexByte(lower[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(lower)
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(lower[i:], ']')
			if j < 0 {
				i = len(lower)
				continue
			}
			if inner := strings.Trim(lower[i+1:i+j], "hms"); inner == "" && j > 1 {
				elapsed = true
			}
			i += j
		case 'g':
			// General with a unit, a colour or a locale (General" €",
			// [$-409]General) shows the number: its "e" is no era year.
			if strings.HasPrefix(lower[i:], "general") {
				i += len("general") - 1
			}
		case 'e':
			// "e" is the era year, unless it is a scientific exponent (0.0E+00).
			if i+1 >= len(lower) || (lower[i+1] != '+' && lower[i+1] != '-') {
				date = true
			}
		case 'y', 'd':
			date = true
		case 'm':
			month = true
		case 'h', 's':
			timeOfDay = true
		case 'a':
			if strings.HasPrefix(lower[i:], "am/pm") || strings.HasPrefix(lower[i:], "a/p") {
				timeOfDay = true
			}
		}
	}
	date = date || (month && !timeOfDay && !elapsed)
	switch {
	case elapsed && !date:
		return fmtElapsed
	case date && (timeOfDay || elapsed):
		return fmtDateTime
	case date:
		return fmtDate
	case timeOfDay:
		return fmtTime
	}
	return fmtNumber
}

// rawNumFmtID is a number format id that is neither built in nor defined by
// any workbook: excelize returns the stored value of cells pointing at it.
const rawNumFmtID = -1

// isoDateFormats rewrites the workbook's cell styles, in memory only, so
// that excelize's formatting of cell values yields ISO dates and times for
// date- and time-formatted cells and the stored value for every other
// number. excelize's streaming Rows iterator returns formatted strings and no
// styles; changing the formats it applies is the one way to get a value per
// cell that does not depend on the author's locale (a raw serial number
// would lose that the cell is a date; the display format is "15/03/2024" or
// "3/15/24" depending on who saved it). The file is never saved.
func isoDateFormats(f *excelize.File) error {
	// GetStyle loads the style sheet; its error for a workbook without
	// styles does not matter here.
	f.GetStyle(0)
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	classes := make([]numFmtClass, len(ss.CellXfs.Xf))
	for i, xf := range ss.CellXfs.Xf {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		// A workbook's own definition of an id wins over the built-in one,
		// as in excelize.
		if code, ok := custom[id]; ok {
			classes[i] = classifyNumFmt(code)
		} else {
			classes[i] = builtInDateFormats[id]
		}
	}
	isoIDs := map[numFmtClass]int{}
	for _, c := range classes {
		if c == fmtNumber || isoIDs[c] != 0 {
			continue
		}
		code := isoFormats[c]
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return err
		}
		isoIDs[c] = *ss.CellXfs.Xf[style].NumFmtID
	}
	for i, c := range classes {
		id := rawNumFmtID
		if c != fmtNumber {
			id = isoIDs[c]
		}
		ss.CellXfs.Xf[i].NumFmtID = &id
	}
	return nil
}

// BadCell is a cell of a sheet that cannot be read: its Excel row
// (the line of the CSV written), its column (0-based) and reference, the
// value shown and why.
type BadCell struct {
	Row    int64
	Col    int
	Ref    string
	Value  string
	Reason string
}

// A Spread is a value merged down several rows of a sheet (FirstRow to
// LastRow, Excel's row numbers; Ref the merged range). The text gives it to
// every row of the range: right for a name or a status, but an amount is
// then counted once per row.
type Spread struct {
	Col               int // 0-based
	Ref               string
	FirstRow, LastRow int64
}

// sheetWidth is the widest row of a sheet once trailing empty cells are
// dropped: every row is written that wide, so that a title row above the
// header or a data row ending in empty cells never makes the text ragged.
func sheetWidth(f *excelize.File, sheet string, lim XLSXLimits) (int, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return 0, fmt.Errorf("decode: sheet rows: %v: %w", err,
			invalid("sheet %q could not be read (is it a chart sheet?)", sheet))
	}
	defer rows.Close()
	width, n := 0, 0
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			return 0, sheetError(sheet, err)
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > 0 && n > lim.MaxRows {
			return 0, invalid("the sheet has more than %s rows", groupDigits(lim.MaxRows))
		}
		if len(cells) > lim.MaxCols {
			return 0, invalid("the sheet has more than %s columns (row %d has %d)",
				groupDigits(lim.MaxCols), n, len(cells))
		}
		width = max(width, len(cells))
	}
	if err := rows.Error(); err != nil {
		return 0, sheetError(sheet, err)
	}
	return width, nil
}

// writeSheetCSV streams one sheet to dst as CSV, every row as wide as the
// widest (see sheetWidth). The cells of scan.formulas hold formulas
// without a stored value (workbooks written by scripts rather than Excel):
// each is computed; one that cannot be is returned, never written as
// empty. Merged cells are read as scan.merges says.
func writeSheetCSV(f *excelize.File, sheet string, sheets []string, dst io.Writer, lim XLSXLimits, scan sheetScan) ([]BadCell, error) {
	pending := scan.formulas
	width, err := sheetWidth(f, sheet, lim)
	if err != nil {
		return nil, err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("decode: sheet rows: %v: %w", err,
			invalid("sheet %q could not be read (is it a chart sheet?)", sheet))
	}
	defer rows.Close()
	w := csv.NewWriter(dst)
	var (
		n       int // rows read, empty ones included
		empty   int // empty rows not written yet: dropped if nothing follows
		record  []string
		refused []BadCell
	)
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			return nil, sheetError(sheet, err)
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		record = append(record[:0], cells...)
		for len(record) < width {
			record = append(record, "")
		}
		if len(pending) > 0 {
			for col := range record {
				ref, _ := excelize.CoordinatesToCellName(col+1, n)
				formula, ok := pending[ref]
				if !ok {
					continue
				}
				// Formatted with the cell's own style, as isoDateFormats
				// rewrote it: a date cell gives an ISO date, any other
				// number its value.
				v, err := f.CalcCellValue(sheet, ref)
				if err != nil || v == "" || strings.HasPrefix(v, "#") {
					why := "it gives no value"
					if err != nil {
						why = err.Error()
					} else if v != "" {
						why = v
					}
					if formula == "" {
						// A cell of a shared formula stores none of its
						// own: excelize derives it from the first cell.
						formula, _ = f.GetCellFormula(sheet, ref)
					}
					refused = append(refused, BadCell{Row: int64(n), Col: col, Ref: ref, Value: "=" + formula,
						Reason: fmt.Sprintf("cell %s of sheet %q holds a formula without a stored value that could not be computed (%s): open and save the workbook in Excel, or write the value", ref, sheet, why)})
					continue
				}
				record[col] = v
			}
		}
		scan.fill(n, record)
		blank := true
		for _, c := range record {
			if c != "" {
				blank = false
				break
			}
		}
		if blank {
			empty++
			continue
		}
		for ; empty > 0; empty-- {
			if err := w.Write(make([]string, width)); err != nil {
				return nil, fmt.Errorf("decode: write csv: %w", err)
			}
		}
		for i, c := range record {
			// XML cannot hold NUL, but an _x0000_ escape decodes to one,
			// and DuckDB cannot read it.
			if strings.IndexByte(c, 0) >= 0 {
				record[i] = strings.ReplaceAll(c, "\x00", "")
			}
		}
		if err := w.Write(record); err != nil {
			return nil, fmt.Errorf("decode: write csv: %w", err)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, sheetError(sheet, err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("decode: write csv: %w", err)
	}
	if width == 0 {
		return nil, emptySheet(sheet, sheets)
	}
	return refused, nil
}

// emptySheet refuses an empty sheet naming the workbook's other sheets:
// the first sheet, read by default, is often an empty cover or a notes
// sheet, and the data is on another.
func emptySheet(sheet string, sheets []string) *Error {
	var others []string
	for _, s := range sheets {
		if s != sheet {
			others = append(others, strconv.Quote(s))
		}
	}
	if len(others) == 0 {
		return invalid("sheet %q is empty", sheet)
	}
	return &Error{Message: fmt.Sprintf("sheet %q is empty; the workbook also has %s: choose the sheet to import", sheet, strings.Join(others, ", ")),
		Details: sheets}
}

// sheetScan is what the streaming reader does not say about a sheet:
// the cells holding a formula and no stored value (reference → formula),
// which it returns as empty, and the merged ranges, whose cells but the
// first it returns as empty.
type sheetScan struct {
	formulas map[string]string
	merges   []mergeRange
}

// mergeRange is a merged range of cells, 1-based, the value of its first
// cell once read, and whether it is a title: the one value of its row,
// from column A.
type mergeRange struct {
	c1, r1, c2, r2 int
	value          string
	title          bool
}

// fill gives the cells of row n (1-based) that merged ranges hide their
// value: a range over several rows shows its value in each row (a header
// merged over two header rows, a value merged over the rows it covers); a
// range over several columns of one row near the top (a group title over
// the headers below it, "Presupuesto" over "Total" and "Público") prefixes
// the cells of the next row under it, so that they read "Presupuesto
// Total" and "Presupuesto Público". A title merged across the top of the
// sheet (the one value of its row, from column A) is not a group title:
// it would prefix every header below it.
func (sc *sheetScan) fill(n int, record []string) {
	for i := range sc.merges {
		m := &sc.merges[i]
		if n == m.r1 && m.c1-1 < len(record) {
			m.value = record[m.c1-1]
			m.title = m.c1 == 1
			for c, v := range record {
				if c != m.c1-1 && v != "" {
					m.title = false
				}
			}
		}
		if m.value == "" {
			continue
		}
		switch {
		case n > m.r1 && n <= m.r2:
			if m.c1-1 < len(record) && record[m.c1-1] == "" {
				record[m.c1-1] = m.value
			}
		case m.r1 == m.r2 && m.c2 > m.c1 && n == m.r1+1 && m.r1 <= XLSXHeaderSearch && !m.title:
			for c := m.c1; c <= m.c2 && c-1 < len(record); c++ {
				if record[c-1] != "" && record[c-1] != m.value {
					record[c-1] = m.value + " " + record[c-1]
				}
			}
		}
	}
}

// scanSheet reads the sheet's XML as a stream, without loading it, for
// what sheetScan holds. A sheet with neither formulas nor merged cells is
// not parsed at all.
func scanSheet(path, sheet string) (sheetScan, error) {
	var out sheetScan
	zr, err := zip.OpenReader(path)
	if err != nil {
		return out, fmt.Errorf("decode: open workbook: %v: %w", err, unreadableWorkbook())
	}
	defer zr.Close()
	part := sheetPart(&zr.Reader, sheet)
	if part == nil {
		return out, nil
	}
	if has, err := zipContains(part, []byte("<f"), []byte("<mergeCell ")); err != nil || !has {
		return out, err
	}
	rc, err := part.Open()
	if err != nil {
		return out, fmt.Errorf("decode: workbook part %s: %v: %w", part.Name, err, unreadableWorkbook())
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	out.formulas = map[string]string{}
	var ref, formula, value string
	var hasF bool
	var text *string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("decode: workbook part %s: %v: %w", part.Name, err, unreadableWorkbook())
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				ref, formula, value, hasF, text = "", "", "", false, nil
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						ref = a.Value
					}
				}
			case "f":
				hasF, text = true, &formula
			case "v":
				text = &value
			case "mergeCell":
				for _, a := range t.Attr {
					if a.Name.Local != "ref" {
						continue
					}
					from, to, ok := strings.Cut(a.Value, ":")
					c1, r1, err1 := excelize.CellNameToCoordinates(from)
					c2, r2, err2 := excelize.CellNameToCoordinates(to)
					if ok && err1 == nil && err2 == nil && c2 >= c1 && r2 >= r1 {
						out.merges = append(out.merges, mergeRange{c1: c1, r1: r1, c2: c2, r2: r2})
					}
				}
			}
		case xml.CharData:
			if text != nil {
				*text += string(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "f", "v":
				text = nil
			case "c":
				if hasF && strings.TrimSpace(value) == "" && ref != "" {
					out.formulas[ref] = formula
				}
			}
		}
	}
}

// sheetPart finds the worksheet part of the sheet called name through the
// workbook and its relationships.
func sheetPart(zr *zip.Reader, name string) *zip.File {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if readXMLPart(zr, "xl/workbook.xml", &wb) != nil || readXMLPart(zr, "xl/_rels/workbook.xml.rels", &rels) != nil {
		return nil
	}
	for _, s := range wb.Sheets {
		if s.Name != name {
			continue
		}
		for _, r := range rels.Rel {
			if r.ID != s.ID {
				continue
			}
			target := strings.TrimPrefix(r.Target, "/")
			if !strings.HasPrefix(target, "xl/") {
				target = "xl/" + target
			}
			for _, f := range zr.File {
				if strings.EqualFold(f.Name, target) {
					return f
				}
			}
		}
	}
	return nil
}

func readXMLPart(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			return xml.NewDecoder(rc).Decode(v)
		}
	}
	return os.ErrNotExist
}

// zipContains reports whether an entry holds any of needles, reading it
// as a stream.
func zipContains(f *zip.File, needles ...[]byte) (bool, error) {
	rc, err := f.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	buf := make([]byte, 256<<10)
	carry := 0
	for {
		n, err := rc.Read(buf[carry:])
		longest := 0
		for _, needle := range needles {
			if bytes.Contains(buf[:carry+n], needle) {
				return true, nil
			}
			longest = max(longest, len(needle))
		}
		if err != nil {
			return false, nil
		}
		// Keep the tail: a needle may straddle two reads.
		keep := min(longest-1, carry+n)
		copy(buf, buf[carry+n-keep:carry+n])
		carry = keep
	}
}

func sheetError(sheet string, err error) error {
	if errors.Is(err, excelize.ErrMaxRows) {
		return invalid("the sheet has more rows than Excel allows")
	}
	return fmt.Errorf("decode: sheet rows: %v: %w", err,
		invalid("sheet %q could not be read: the workbook is damaged", sheet))
}
