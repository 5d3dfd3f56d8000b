package decode

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// zipWithEntries returns a ZIP archive holding a small file for each name.
func zipWithEntries(t testing.TB, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "<x/>")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxCell is one cell of a test workbook: a value and, optionally, a
// built-in (numFmt) or custom (code) number format.
type xlsxCell struct {
	ref    string
	value  any
	numFmt int
	code   string
}

// mustWorkbook writes a workbook with the given sheets (in order) and
// returns its path.
func mustWorkbook(t testing.TB, sheets map[string][]xlsxCell, order ...string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for _, c := range sheets[name] {
			if err := f.SetCellValue(name, c.ref, c.value); err != nil {
				t.Fatalf("%s!%s: %v", name, c.ref, err)
			}
			if c.numFmt == 0 && c.code == "" {
				continue
			}
			st := &excelize.Style{NumFmt: c.numFmt}
			if c.code != "" {
				st.CustomNumFmt = &c.code
			}
			id, err := f.NewStyle(st)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(name, c.ref, c.ref, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// testWorkbook is a workbook as an analyst might send it: a project sheet
// with accents, formatted numbers, dates in a Spanish display format,
// times, booleans, a line break, empty and short rows and formatted empty
// rows at the end; a second named sheet; an empty third one.
func testWorkbook(t testing.TB) string {
	t.Helper()
	sheets := map[string][]xlsxCell{
		"Proiektuak": {
			{ref: "A1", value: "Izena"}, {ref: "B1", value: "Aurrekontua"}, {ref: "C1", value: "Hasiera"},
			{ref: "D1", value: "Eguneratua"}, {ref: "E1", value: "Ordua"}, {ref: "F1", value: "Ehunekoa"}, {ref: "G1", value: "Oharra"},

			{ref: "A2", value: "Donostiako proiektua – Año"},
			{ref: "B2", value: 1234.5, numFmt: 4}, // #,##0.00 displays 1,234.50
			{ref: "C2", value: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), code: "dd/mm/yyyy"},
			{ref: "D2", value: time.Date(2024, 3, 15, 13, 45, 30, 0, time.UTC), code: "d/m/yyyy h:mm"},
			{ref: "E2", value: 0.5, numFmt: 18}, // h:mm AM/PM
			{ref: "F2", value: 0.25, numFmt: 9}, // 0%
			{ref: "G2", value: "Señal €, “ondo”"},

			{ref: "A3", value: "Bilbo"},
			{ref: "B3", value: 1234567.891, numFmt: 3},                      // #,##0
			{ref: "C3", value: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}, // excelize picks mmm-yy
			{ref: "D3", value: time.Date(2024, 3, 15, 9, 30, 0, 0, time.UTC)},
			{ref: "E3", value: 36 * time.Hour}, // excelize picks [h]:mm:ss
			{ref: "F3", value: true},
			{ref: "G3", value: "lerro bat\nbi"},

			{ref: "A4", value: "Gasteiz"},

			{ref: "A6", value: "Ñandú"},
			{ref: "B6", value: -0.001},
			{ref: "C6", value: "ez data", code: "dd/mm/yyyy"},
			{ref: "D6", value: 45366, numFmt: 14},
			{ref: "E6", value: 12345.678, code: "0.00E+00"},
			{ref: "F6", value: 45366, code: "[$-x-sysdate]dddd, mmmm dd, yyyy"},
			{ref: "G6", value: 45366, code: "mmm"},

			{ref: "A9", value: "", numFmt: 14},
			{ref: "C12", value: nil},
		},
		"Diru-laguntzak": {
			{ref: "A1", value: "Urtea"}, {ref: "B1", value: "Zenbatekoa"},
			{ref: "A2", value: 2024}, {ref: "B2", value: 5000.25, code: `#,##0.00\ "€"`},
		},
		"Hutsa": {},
	}
	return mustWorkbook(t, sheets, "Proiektuak", "Diru-laguntzak", "Hutsa")
}

const testWorkbookCSV = "Izena,Aurrekontua,Hasiera,Eguneratua,Ordua,Ehunekoa,Oharra\n" +
	"Donostiako proiektua – Año,1234.5,2024-03-15,2024-03-15 13:45:30,12:00:00,0.25,\"Señal €, “ondo”\"\n" +
	"Bilbo,1234567.891,2024-03-01,2024-03-15 09:30:00,36:00:00,TRUE,\"lerro bat\nbi\"\n" +
	"Gasteiz,,,,,,\n" +
	",,,,,,\n" +
	"Ñandú,-0.001,ez data,2024-03-15,12345.678,2024-03-15,2024-03-15\n"

func TestXLSXToCSV(t *testing.T) {
	path := testWorkbook(t)
	allSheets := []string{"Proiektuak", "Diru-laguntzak", "Hutsa"}
	tests := []struct {
		name, sheet string
		wantSheet   string
		want        string
	}{
		{"first sheet by default", "", "Proiektuak", testWorkbookCSV},
		{"named sheet", "Diru-laguntzak", "Diru-laguntzak", "Urtea,Zenbatekoa\n2024,5000.25\n"},
		{"sheet names ignore case", "diru-LAGUNTZAK", "Diru-laguntzak", "Urtea,Zenbatekoa\n2024,5000.25\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			used, sheets, _, _, err := XLSXToCSV(path, tt.sheet, &out, DefaultXLSXLimits())
			if err != nil {
				t.Fatalf("XLSXToCSV: %v", err)
			}
			if used != tt.wantSheet {
				t.Errorf("sheet: got %q, want %q", used, tt.wantSheet)
			}
			if !slices.Equal(sheets, allSheets) {
				t.Errorf("sheets: got %q, want %q", sheets, allSheets)
			}
			if out.String() != tt.want {
				t.Errorf("csv:\ngot  %q\nwant %q", out.String(), tt.want)
			}
		})
	}
}

func TestXLSXDate1904(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("Sheet1", "A1", "Data")
	// 2024-03-15 is 45366 in the 1900 date system, 43904 in the 1904 one.
	f.SetCellValue("Sheet1", "A2", 43904)
	f.SetCellValue("Sheet1", "A3", 43904.75)
	id, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	f.SetCellStyle("Sheet1", "A2", "A3", id)
	path := filepath.Join(t.TempDir(), "mac.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, _, _, _, err := XLSXToCSV(path, "", &out, DefaultXLSXLimits()); err != nil {
		t.Fatal(err)
	}
	if want := "Data\n2024-03-15 00:00:00\n2024-03-15 18:00:00\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestXLSXLargeSheetStreams converts a sheet bigger than MaxXML, which
// excelize then reads from a temporary file rather than from memory.
func TestXLSXLargeSheetStreams(t *testing.T) {
	const n = 30000
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"Izena", "Zenbatekoa"})
	for i := 2; i <= n+1; i++ {
		sw.SetRow("A"+strconv.Itoa(i), []any{"Proiektua " + strconv.Itoa(i), float64(i) + 0.5})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	lim := DefaultXLSXLimits()
	lim.MaxXML = 256 << 10
	var out bytes.Buffer
	if _, _, _, _, err := XLSXToCSV(path, "", &out, lim); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n+1 || lines[n] != "Proiektua "+strconv.Itoa(n+1)+","+strconv.Itoa(n+1)+".5" {
		t.Errorf("got %d lines ending %q, want %d", len(lines), lines[len(lines)-1], n+1)
	}
}

func TestXLSXErrors(t *testing.T) {
	book := testWorkbook(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bomb := func(name string, size int) string {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
			w, _ := zw.Create(n)
			io.WriteString(w, "<x/>")
		}
		w, _ := zw.Create(name)
		w.Write(bytes.Repeat([]byte("<row/>"), size/6))
		zw.Close()
		return write(strings.ReplaceAll(name, "/", "_")+".xlsx", buf.Bytes())
	}
	def := DefaultXLSXLimits()
	mib := def
	mib.MaxUnzipped, mib.MaxXML = 1<<20, 1<<20
	rows3, rows6, cols6 := def, def, def
	rows3.MaxRows, rows6.MaxRows, cols6.MaxCols = 3, 6, 6
	tests := []struct {
		name, path, sheet string
		lim               XLSXLimits
		want              string // in the EINVALID message; "" = accepted
	}{
		{"missing sheet lists the sheets", book, "Ez dago", def,
			`sheet "Ez dago" not found; the workbook has "Proiektuak", "Diru-laguntzak", "Hutsa"`},
		{"empty sheet names the others", book, "Hutsa", def, `sheet "Hutsa" is empty; the workbook also has "Proiektuak", "Diru-laguntzak": choose the sheet to import`},
		{"zip bomb", bomb("xl/worksheets/sheet1.xml", 5<<20), "", mib,
			"the workbook expands to more than 1 MiB: refused as a possible zip bomb"},
		{"large part kept in memory", bomb("xl/media/image1.png", 2<<20), "", XLSXLimits{MaxUnzipped: 8 << 20, MaxXML: 1 << 20},
			"the workbook part xl/media/image1.png expands to more than 1 MiB"},
		{"zip lying about its sizes", lyingWorkbook(t, book, dir), "", def, "not a readable XLSX workbook"},
		{"too many rows", book, "", rows3, "the sheet has more than 3 rows"},
		{"as many rows as allowed", book, "", rows6, ""},
		{"too many columns", book, "", cols6, "the sheet has more than 6 columns (row 1 has 7)"},
		{"text named .xlsx", write("text.xlsx", []byte("Izena,Año\n")), "", def, "not a readable XLSX workbook"},
		{"old .xls", write("old.xlsx", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00")), "", def, "old Excel (.xls) workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, _, err := XLSXToCSV(tt.path, tt.sheet, io.Discard, tt.lim)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			assertInvalid(t, err, tt.want)
			if strings.Contains(err.Error(), dir) {
				t.Errorf("message %q leaks the server path", err.Error())
			}
		})
	}
	t.Run("default limit messages", func(t *testing.T) {
		if got, want := zipBombError(def).Message, "the workbook expands to more than 512 MiB: refused as a possible zip bomb"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if got, want := "the sheet has more than "+groupDigits(def.MaxRows)+" rows", "the sheet has more than 2,000,000 rows"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

// lyingWorkbook copies the workbook at path with its first sheet replaced
// by an entry that inflates to far more than its declared size.
func lyingWorkbook(t testing.TB, path, dir string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range zr.File {
		if e.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(e); err != nil {
				t.Fatal(err)
			}
			continue
		}
		payload := bytes.Repeat([]byte(" "), 8<<20)
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestCompression)
		fw.Write(payload)
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(payload),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: 1000})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
	}
	zw.Close()
	out := filepath.Join(dir, "lying.xlsx")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestIsXLSX(t *testing.T) {
	book, err := os.ReadFile(testWorkbook(t))
	if err != nil {
		t.Fatal(err)
	}
	head := book[:min(len(book), 64<<10)]
	tests := []struct {
		name string
		head []byte
		file string
		want bool
	}{
		{"workbook without a name", head, "", true},
		{"workbook named .csv", head, "datuak.csv", true},
		{"first 512 bytes and the .xlsx name", head[:512], "Datuak.XLSX", true},
		{"macro workbook name", zipWithEntries(t, "a"), "x.xlsm", true},
		{"plain zip", zipWithEntries(t, "readme.txt", "data/x.csv"), "x.zip", false},
		{"word document", zipWithEntries(t, "[Content_Types].xml", "word/document.xml"), "x.docx", false},
		{"text named .xlsx", []byte("Izena,Año\n"), "x.xlsx", false},
		{"empty", nil, "x.xlsx", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsXLSX(tt.head, tt.file); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestXLSXClassifyNumFmt(t *testing.T) {
	tests := []struct {
		code string
		want numFmtClass
	}{
		{"General", fmtNumber},
		{`General" €"`, fmtNumber},
		{`[$-409]General`, fmtNumber},
		{`[Red]General;[Blue]-General`, fmtNumber},
		{"#,##0.00", fmtNumber},
		{"0.00E+00", fmtNumber},
		{`#,##0.00\ "€";[Red]\-#,##0.00\ "€"`, fmtNumber},
		{`0 "días"`, fmtNumber},
		{"@", fmtNumber},
		{"dd/mm/yyyy", fmtDate},
		{"mmm", fmtDate},
		{"[$-x-sysdate]dddd, mmmm dd, yyyy", fmtDate},
		{"yyyy/mm/dd", fmtDate},
		{"d/m/yyyy h:mm", fmtDateTime},
		{"yyyy-mm-dd hh:mm:ss.000", fmtDateTime},
		{"h:mm AM/PM", fmtTime},
		{"mm:ss", fmtTime},
		{"[h]:mm:ss", fmtElapsed},
		{"[mm]:ss", fmtElapsed},
	}
	for _, tt := range tests {
		if got := classifyNumFmt(tt.code); got != tt.want {
			t.Errorf("%q: got %d, want %d", tt.code, got, tt.want)
		}
	}
}
