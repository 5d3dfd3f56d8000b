package decode

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

var updateEncodingFixtures = flag.Bool("update-encoding-fixtures", false, "rewrite testdata/encoding from encodingFixtures")

// The texts of the fixtures, as UTF-8 with LF line endings: what Transcode
// must give back.
const (
	// Comma-delimited, with a quoted field, the Spanish/Basque letters and
	// the euro sign.
	fixtureCommaText = "Izena,Aurrekontua,Año,Señal €\n" +
		"Donostiako proiektua – Gipuzkoa,1234.5,2024,«ondo» “bai\n" +
		"\"Bilbo, Bizkaia\",99,2023,Ñandú á é\n"
	// The same table tab-delimited, as Excel's "Unicode text" writes it.
	fixtureTabText = "Izena\tAurrekontua\tAño\tSeñal €\n" +
		"Donostiako proiektua – Gipuzkoa\t1234.5\t2024\t«ondo» “bai\n" +
		"Bilbo, Bizkaia\t99\t2023\tÑandú á é\n"
	// Semicolon-delimited with a decimal comma, as Excel's "CSV" writes it on
	// a Spanish Windows, with the Windows-1252 curly quotes.
	fixture1252Text = "Izena;Aurrekontua;Año;Señal €\n" +
		"“Donostiako proiektua”;1.234,50;2024;Ñ á\n" +
		"Bilbo;99;2023;ñandú\n"
	// Latin-1 with old Mac line endings (lone CR).
	fixtureLatin1Text = "Izena;Zenbatekoa;Año\n" +
		"¿Señal?;½;Ñ º ª\n"
)

// encodingFixtures returns the bytes of each fixture in testdata/encoding.
func encodingFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	utf16Bytes := func(s string, bigEndian bool) []byte {
		var b []byte
		if bigEndian {
			b = append(b, bomUTF16BE...)
		} else {
			b = append(b, bomUTF16LE...)
		}
		for _, u := range utf16.Encode([]rune(s)) {
			if bigEndian {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
		return b
	}
	single := func(cm *charmap.Charmap, s string) []byte {
		b, err := cm.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatalf("encode fixture: %v", err)
		}
		return b
	}
	return map[string][]byte{
		"utf8.csv":         []byte(fixtureCommaText),
		"utf8-bom.csv":     append(append([]byte{}, bomUTF8...), crlf(fixtureCommaText)...),
		"utf16le-bom.tsv":  utf16Bytes(crlf(fixtureTabText), false),
		"utf16be-bom.csv":  utf16Bytes(crlf(fixtureCommaText), true),
		"windows1252.csv":  single(charmap.Windows1252, crlf(fixture1252Text)),
		"latin1-cr.csv":    single(charmap.ISO8859_1, strings.ReplaceAll(fixtureLatin1Text, "\n", "\r")),
		"utf8-invalid.csv": append([]byte("Izena,Año\nBilbo,"), 0xF1, 0xFF, '\n'),
	}
}

// TestEncodingFixtures checks the committed fixtures are the bytes their
// description says; -update-encoding-fixtures rewrites them.
func TestEncodingFixtures(t *testing.T) {
	for name, want := range encodingFixtures(t) {
		path := filepath.Join("testdata", "encoding", name)
		if *updateEncodingFixtures {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update-encoding-fixtures)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

func readEncodingFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "encoding", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runTranscode transcodes src into a temporary file and returns the
// encoding used and the output.
func runTranscode(t testing.TB, src []byte, enc string) (string, string, error) {
	t.Helper()
	dst, err := os.Create(filepath.Join(t.TempDir(), "out.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	used, err := Transcode(bytes.NewReader(src), dst, enc)
	out, rerr := os.ReadFile(dst.Name())
	if rerr != nil {
		t.Fatal(rerr)
	}
	return used, string(out), err
}

// win1252 encodes s (which must be representable) as Windows-1252.
func win1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestTranscodeFixtures(t *testing.T) {
	// The UTF-8 fixture read as Windows-1252, decoded by x/text rather than
	// by Transcode's own table.
	mojibake, err := charmap.Windows1252.NewDecoder().String(fixtureCommaText)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, enc string
		wantEnc         string
		want            string
	}{
		{"utf-8 detected", "utf8.csv", "", EncodingUTF8, fixtureCommaText},
		{"utf-8 BOM dropped, CRLF", "utf8-bom.csv", "", EncodingUTF8, fixtureCommaText},
		{"utf-16le BOM, tabs, CRLF", "utf16le-bom.tsv", "", EncodingUTF16LE, fixtureTabText},
		{"utf-16be BOM", "utf16be-bom.csv", "", EncodingUTF16BE, fixtureCommaText},
		{"windows-1252 detected", "windows1252.csv", "", EncodingWindows1252, fixture1252Text},
		{"latin-1 text detected as windows-1252, lone CR", "latin1-cr.csv", "", EncodingWindows1252, fixtureLatin1Text},
		{"latin-1 override", "latin1-cr.csv", EncodingLatin1, EncodingLatin1, fixtureLatin1Text},
		{"latin-1 alias override", "latin1-cr.csv", "Latin1", EncodingLatin1, fixtureLatin1Text},
		// 0x80, 0x93 and 0x94 are C1 controls in ISO-8859-1, not €, “ and ”.
		{"latin-1 override of windows-1252 text", "windows1252.csv", EncodingLatin1, EncodingLatin1,
			strings.NewReplacer("€", "\u0080", "“", "\u0093", "”", "\u0094").Replace(fixture1252Text)},
		{"override beats detection: utf-8 read as windows-1252", "utf8.csv", EncodingWindows1252, EncodingWindows1252, mojibake},
		{"explicit utf-8 with BOM, any case", "utf8-bom.csv", " UTF-8 ", EncodingUTF8, fixtureCommaText},
		{"explicit utf-16le drops its BOM", "utf16le-bom.tsv", EncodingUTF16LE, EncodingUTF16LE, fixtureTabText},
		{"explicit windows-1252 on windows-1252", "windows1252.csv", "cp1252", EncodingWindows1252, fixture1252Text},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotEnc, got, err := runTranscode(t, readEncodingFixture(t, tt.file), tt.enc)
			if err != nil {
				t.Fatalf("Transcode: %v", err)
			}
			if gotEnc != tt.wantEnc {
				t.Errorf("encoding: got %q, want %q", gotEnc, tt.wantEnc)
			}
			if got != tt.want {
				t.Errorf("output:\ngot  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestTranscodeGenerated covers what needs more than one read: detection
// that changes its mind after the first 64 KiB, and characters and line
// endings split between two reads.
func TestTranscodeGenerated(t *testing.T) {
	ascii := func(n int) string { return strings.Repeat("Proiektua;Aurrekontua;2024\n", n/27+1)[:n] }
	lateText := ascii(70<<10) + "Año;Señal €;“Bilbo”\n"
	var split []struct {
		name, enc, wantEnc string
		src                []byte
		want               string
	}
	// A multi-byte UTF-8 character starting 3, 2 and 1 bytes before the end
	// of the first read.
	for _, at := range []int{transcodeChunk - 3, transcodeChunk - 2, transcodeChunk - 1} {
		s := ascii(at) + "€ñ\nAño\n"
		split = append(split, struct {
			name, enc, wantEnc string
			src                []byte
			want               string
		}{"utf-8 split rune at " + strconv.Itoa(at), "", EncodingUTF8, []byte(s), s})
	}
	crlfAt := ascii(transcodeChunk-1) + "\r\nAño\r\rEnd\r"
	crlfWant := ascii(transcodeChunk-1) + "\nAño\n\nEnd\n"
	utf16le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	tests := []struct {
		name, enc, wantEnc string
		src                []byte
		want               string
	}{
		{"invalid utf-8 only after 64 KiB restarts as windows-1252", "", EncodingWindows1252,
			win1252(t, strings.ReplaceAll(lateText, "\n", "\r\n")), lateText},
		{"valid utf-8 beyond 64 KiB", "", EncodingUTF8, []byte(lateText), lateText},
		{"utf-8 CRLF split between reads", "", EncodingUTF8, []byte(crlfAt), crlfWant},
		{"windows-1252 CRLF split between reads", EncodingWindows1252, EncodingWindows1252, win1252(t, crlfAt), crlfWant},
		{"utf-16le CRLF split between reads", EncodingUTF16LE, EncodingUTF16LE, utf16le(crlfAt), crlfWant},
		{"mixed line endings", "", EncodingUTF8, []byte("a\rb\r\nc\n\r\nd"), "a\nb\nc\n\nd"},
		{"empty", "", EncodingUTF8, nil, ""},
		{"windows-1252 undefined bytes kept as C1 controls", EncodingWindows1252, EncodingWindows1252,
			[]byte{'a', 0x81, 0x8D, 0x8F, 0x90, 0x9D}, "a\u0081\u008D\u008F\u0090\u009D"},
	}
	tests = append(tests, split...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotEnc, got, err := runTranscode(t, tt.src, tt.enc)
			if err != nil {
				t.Fatalf("Transcode: %v", err)
			}
			if gotEnc != tt.wantEnc {
				t.Errorf("encoding: got %q, want %q", gotEnc, tt.wantEnc)
			}
			if got != tt.want {
				t.Errorf("output (%d bytes, want %d): first difference at %d", len(got), len(tt.want), firstDiff(got, tt.want))
			}
		})
	}
}

// TestTranscodeKeepsOffsets checks Transcode starts from the current
// positions of src and dst, and that restarting as Windows-1252 truncates
// only what it wrote.
func TestTranscodeKeepsOffsets(t *testing.T) {
	dst, err := os.Create(filepath.Join(t.TempDir(), "out.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := dst.WriteString("prefix\n"); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("x", 100<<10) + "Año\n"
	src := bytes.NewReader(append([]byte("skipped\n"), win1252(t, text)...))
	src.Seek(int64(len("skipped\n")), 0)
	enc, err := Transcode(src, dst, "")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(dst.Name())
	if enc != EncodingWindows1252 || string(got) != "prefix\n"+text {
		t.Errorf("got %q and %d bytes, want %q and %d bytes", enc, len(got), EncodingWindows1252, len("prefix\n"+text))
	}
}

func TestTranscodeErrors(t *testing.T) {
	nulAt := func(prefix []byte, n int) []byte {
		b := append([]byte{}, prefix...)
		for len(b) < n {
			b = append(b, "Bilbo;2024\n"...)
		}
		b = append(b[:n], 0)
		return append(b, "tail\n"...)
	}
	utf16leNoBOM := []byte{}
	for _, c := range "Izena\tAño\r\n" {
		utf16leNoBOM = append(utf16leNoBOM, byte(c), byte(c>>8))
	}
	utf16leNUL := append(append([]byte{}, bomUTF16LE...), 'a', 0, 'b', 0)
	utf16leNUL = append(utf16leNUL, bytes.Repeat([]byte{'x', 0}, 40000)...)
	utf16leNUL = append(utf16leNUL, 0, 0, 'c', 0) // a zero code unit at offset 80006
	tests := []struct {
		name, enc string
		src       []byte
		want      string // in the EINVALID message
	}{
		{"unknown encoding lists the accepted ones", "ebcdic", []byte("a"),
			`unknown encoding "ebcdic": choose one of utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1`},
		{"forced utf-8 on windows-1252 text", EncodingUTF8, readEncodingFixture(t, "windows1252.csv"),
			"the file is not valid UTF-8 (invalid byte at byte 19)"},
		{"utf-8 BOM then invalid bytes", "", append(append([]byte{}, bomUTF8...), readEncodingFixture(t, "utf8-invalid.csv")...),
			"the file is not valid UTF-8 (invalid byte at byte 20)"},
		{"NUL late in utf-8", "", nulAt(nil, 100000), "NUL bytes at byte 100000"},
		{"NUL late in windows-1252", "", nulAt(win1252(t, "Año\n"), 200000), "NUL bytes at byte 200000"},
		{"NUL in forced latin-1", EncodingLatin1, nulAt(nil, 5), "NUL bytes at byte 5"},
		{"zero code unit in utf-16le", "", utf16leNUL, "NUL bytes at byte 80006"},
		{"utf-16 without BOM", "", utf16leNoBOM, "looks like UTF-16 text without a byte-order mark: choose utf-16le"},
		{"PDF", "", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "this is a PDF document, not a CSV file"},
		{"XLSX given as CSV", "", zipWithEntries(t, "[Content_Types].xml", "xl/workbook.xml"), "this is an Excel workbook (XLSX), not a CSV file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runTranscode(t, tt.src, tt.enc)
			assertInvalid(t, err, tt.want)
		})
	}
}

func TestCheckText(t *testing.T) {
	text := []byte(fixture1252Text)
	controls := bytes.Repeat([]byte("ab\x01\x02\x03\x1b"), 100)
	tests := []struct {
		name          string
		head, decoded []byte
		want          string // "" = accepted
	}{
		{"plain text", win1252(t, fixture1252Text), text, ""},
		{"DOS end-of-file mark", append(append([]byte{}, text...), 0x1A), append(append([]byte{}, text...), 0x1A), ""},
		{"FileMaker vertical tabs", []byte("a\vb\vc\n"), []byte("a\vb\vc\n"), ""},
		{"empty", nil, nil, "the file is empty"},
		{"only a BOM and blank lines", []byte("\xef\xbb\xbf\r\n\r\n"), []byte("\n\n"), "the file is empty"},
		{"PDF", []byte("%PDF-1.4\n"), []byte("%PDF-1.4\n"), "this is a PDF document, not a CSV file"},
		{"XLSX", zipWithEntries(t, "[Content_Types].xml", "xl/workbook.xml"), nil, "this is an Excel workbook (XLSX), not a CSV file"},
		{"plain ZIP", zipWithEntries(t, "readme.txt"), nil, "this is a ZIP archive, not a CSV file"},
		{"XLS", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), nil, "old Excel (.xls) workbook"},
		{"NUL bytes", []byte("Izena\x00\x00"), []byte("Izena\x00\x00"), "the file contains binary data (NUL bytes at byte 5); is it really a CSV?"},
		{"control characters", controls, controls, "the file contains binary data (400 control characters in its first 64 KiB)"},
		{"C1 controls of binary decoded as windows-1252", []byte{1}, []byte(strings.Repeat("a\u0081\u0090", 50)), "binary data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText(tt.head, tt.decoded)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			assertInvalid(t, err, tt.want)
		})
	}
}

// assertInvalid fails unless err is an *Error (a file refused, for the
// analyst) whose message contains want.
func assertInvalid(t testing.TB, err error, want string) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a decode error containing %q", err, want)
	}
	if !strings.Contains(de.Message, want) {
		t.Fatalf("got %q, want a message containing %q", de.Message, want)
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// BenchmarkTranscode measures throughput on ~20 MB of generated text.
func BenchmarkTranscode(b *testing.B) {
	var line bytes.Buffer
	for i := 0; line.Len() < 20<<20; i++ {
		line.WriteString("Donostiako proiektua ")
		line.WriteString(strconv.Itoa(i))
		line.WriteString(";1.234,50;Año 2024;Señal € “Bilbo” – Ñandú\r\n")
	}
	text := line.String()
	utf16le := func(s string) []byte {
		out := make([]byte, 0, 2*len(s))
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	cases := []struct {
		name, enc string
		src       []byte
	}{
		{"windows-1252-detected", "", win1252(b, text)},
		{"windows-1252-explicit", EncodingWindows1252, win1252(b, text)},
		{"utf-8", "", []byte(text)},
		{"utf-16le", "", append(append([]byte{}, bomUTF16LE...), utf16le(text)...)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			dst, err := os.Create(filepath.Join(b.TempDir(), "out.csv"))
			if err != nil {
				b.Fatal(err)
			}
			defer dst.Close()
			b.SetBytes(int64(len(c.src)))
			for b.Loop() {
				if err := dst.Truncate(0); err != nil {
					b.Fatal(err)
				}
				dst.Seek(0, 0)
				if _, err := Transcode(bytes.NewReader(c.src), dst, c.enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPlainAgreesWithTranscode checks Plain says yes exactly for the files
// Transcode, detecting, would copy byte for byte as UTF-8: only those may
// be read where they lie.
func TestPlainAgreesWithTranscode(t *testing.T) {
	// "€" of the second line starts one byte before the first chunk ends.
	long := strings.Repeat("Donostia,1234.5\n", (transcodeChunk/16)-1) + "Dono"
	files := map[string][]byte{
		"utf-8 text":                          []byte(fixtureCommaText),
		"a character across the chunk border": []byte(long + "tiako Año €,1\n" + long + "ñ\n"),
		"CRLF line endings":                   []byte(strings.ReplaceAll(fixtureCommaText, "\n", "\r\n")),
		"a lone CR late":                      []byte(long + "x\ry\n"),
		"utf-8 BOM":                           append(append([]byte{}, bomUTF8...), fixtureCommaText...),
		"windows-1252":                        win1252(t, fixtureCommaText),
		"invalid utf-8 late":                  append([]byte(long+long), 0xff, '\n'),
		"NUL late":                            append([]byte(long+long), 0, '\n'),
		"utf-16le with BOM":                   append(append([]byte{}, bomUTF16LE...), 'a', 0, '\n', 0),
		"empty":                               {},
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "in.csv")
			if err := os.WriteFile(src, content, 0o600); err != nil {
				t.Fatal(err)
			}
			plain, err := Plain(src)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := os.Open(src)
			defer in.Close()
			out, err := os.Create(filepath.Join(dir, "out.csv"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			enc, terr := Transcode(in, out, "")
			got, _ := os.ReadFile(out.Name())
			same := terr == nil && enc == EncodingUTF8 && bytes.Equal(got, content)
			if plain != same {
				t.Errorf("Plain = %v, but Transcode gives %q, err %v, same bytes %v", plain, enc, terr, bytes.Equal(got, content))
			}
		})
	}
}
