package decode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names accepted as overrides and reported in previews.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
	EncodingWindows1252 = "windows-1252"
	EncodingLatin1      = "iso-8859-1"
)

// encodingAliases maps the spellings analysts and tools commonly use to the
// canonical names above (DuckDB says "latin-1", Python "cp1252", ...).
var encodingAliases = map[string]string{
	"utf-8": EncodingUTF8, "utf8": EncodingUTF8,
	"utf-16le": EncodingUTF16LE, "utf16le": EncodingUTF16LE,
	"utf-16be": EncodingUTF16BE, "utf16be": EncodingUTF16BE,
	"windows-1252": EncodingWindows1252, "cp1252": EncodingWindows1252, "win1252": EncodingWindows1252,
	"iso-8859-1": EncodingLatin1, "iso8859-1": EncodingLatin1, "latin-1": EncodingLatin1, "latin1": EncodingLatin1,
}

// encodingNames lists the canonical names in the order error messages show them.
var encodingNames = []string{EncodingUTF8, EncodingUTF16LE, EncodingUTF16BE, EncodingWindows1252, EncodingLatin1}

// canonicalEncoding returns the canonical name of enc ("" stays "", meaning
// detect) or an EINVALID error listing the accepted names.
func canonicalEncoding(enc string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(enc))
	if e == "" {
		return "", nil
	}
	if c, ok := encodingAliases[e]; ok {
		return c, nil
	}
	return "", invalid("unknown encoding %q: choose one of %s", enc, strings.Join(encodingNames, ", "))
}

// textHeadSize is how much of a file CheckText looks at.
const textHeadSize = 64 << 10

// transcodeChunk is the read size of Transcode: memory stays bounded by a few
// times this whatever the file size.
const transcodeChunk = 64 << 10

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// Transcode copies src to dst as UTF-8 without a BOM, streaming with bounded memory whatever the file size.
// enc "" means detect: a UTF-8 BOM → utf-8 (BOM dropped); a UTF-16 LE/BE BOM → utf-16le/be; otherwise valid UTF-8 → utf-8;
// otherwise windows-1252 (detecting invalid UTF-8 may need the whole file: src is seekable, so validate while copying and
// on the first invalid sequence rewind and restart as windows-1252, truncating dst — dst is an *os.File).
// An explicit enc forces that decoding (unknown name → an *Error listing the accepted names).
// CRLF and lone CR line endings are normalised to LF.
// It returns the encoding used.
//
// Transcode also refuses, as EINVALID errors meant for the analyst, a file
// whose first bytes say it is a PDF, ZIP/XLSX or legacy Office document (the
// same messages as CheckText, which would otherwise never get to see them),
// a NUL character anywhere in the decoded text (DuckDB cannot read it; the
// message gives its 0-based byte offset from where src started), and invalid
// UTF-8 when utf-8 was forced or announced by a BOM. A BOM is dropped only
// when it matches the encoding used. On error dst holds partial output: the
// caller discards it.
func Transcode(src io.ReadSeeker, dst *os.File, enc string) (string, error) {
	enc, err := canonicalEncoding(enc)
	if err != nil {
		return "", err
	}
	srcStart, err := src.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", fmt.Errorf("decode: Transcode: %w", err)
	}
	dstStart, err := dst.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", fmt.Errorf("decode: Transcode: %w", err)
	}
	br := bufio.NewReaderSize(src, transcodeChunk)
	head, err := br.Peek(transcodeChunk)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("decode: Transcode: %w", err)
	}
	if err := checkMagic(head); err != nil {
		return "", err
	}
	// Peeked bytes are overwritten by the next read: keep a copy for the
	// UTF-16 hint.
	sniff := bytes.Clone(head[:min(len(head), 2048)])

	bom := 0
	switch {
	case bytes.HasPrefix(head, bomUTF8) && (enc == "" || enc == EncodingUTF8):
		enc, bom = EncodingUTF8, len(bomUTF8)
	case bytes.HasPrefix(head, bomUTF16LE) && (enc == "" || enc == EncodingUTF16LE):
		enc, bom = EncodingUTF16LE, len(bomUTF16LE)
	case bytes.HasPrefix(head, bomUTF16BE) && (enc == "" || enc == EncodingUTF16BE):
		enc, bom = EncodingUTF16BE, len(bomUTF16BE)
	}
	br.Discard(bom)
	t := &transcoder{r: br, w: dst, off: int64(bom)}

	switch enc {
	case "":
		err = t.utf8(true)
		var bad *invalidUTF8
		if err == nil {
			return EncodingUTF8, nil
		} else if !errors.As(err, &bad) {
			if le := looksUTF16(sniff); le != "" && errors.As(err, new(*Error)) {
				return "", invalid(
					"the file contains binary data (NUL bytes); it looks like UTF-16 text without a byte-order mark: choose %s as the encoding", le)
			}
			return "", err
		}
		// Not UTF-8 after all: start again from the top as Windows-1252,
		// the encoding of Excel's "CSV" on Western-European Windows.
		if _, err := src.Seek(srcStart, io.SeekStart); err != nil {
			return "", fmt.Errorf("decode: Transcode: %w", err)
		}
		if err := dst.Truncate(dstStart); err != nil {
			return "", fmt.Errorf("decode: Transcode: %w", err)
		}
		if _, err := dst.Seek(dstStart, io.SeekStart); err != nil {
			return "", fmt.Errorf("decode: Transcode: %w", err)
		}
		br.Reset(src)
		t = &transcoder{r: br, w: dst}
		return encodingOrError(EncodingWindows1252, t.singleByte(windows1252Table))
	case EncodingUTF8:
		err = t.utf8(false)
		var bad *invalidUTF8
		if errors.As(err, &bad) {
			return "", invalid(
				"the file is not valid UTF-8 (invalid byte at byte %d); choose another encoding such as %s", bad.off, EncodingWindows1252)
		}
		return encodingOrError(enc, err)
	case EncodingWindows1252:
		return encodingOrError(enc, t.singleByte(windows1252Table))
	case EncodingLatin1:
		return encodingOrError(enc, t.singleByte(latin1Table))
	case EncodingUTF16LE:
		return encodingOrError(enc, t.utf16(unicode.LittleEndian))
	case EncodingUTF16BE:
		return encodingOrError(enc, t.utf16(unicode.BigEndian))
	}
	panic("decode: Transcode: unhandled encoding " + enc)
}

// Plain reports whether the file at path is already what Transcode writes
// when it detects UTF-8: valid UTF-8 with no byte-order mark, no carriage
// return and no NUL. Such a file can be read where it lies instead of being
// copied. It stops at the first byte that says otherwise, so a file that
// needs transcoding costs little more than its first chunk.
func Plain(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("decode: %w", err)
	}
	defer f.Close()
	buf := make([]byte, transcodeChunk+utf8.UTFMax)
	carry, start := 0, true
	for {
		n, err := io.ReadFull(f, buf[carry:carry+transcodeChunk])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return false, fmt.Errorf("decode: %w", err)
		}
		data := buf[:carry+n]
		if start && bytes.HasPrefix(data, bomUTF8) {
			return false, nil
		}
		start = false
		cut := len(data)
		if !eof {
			cut -= incompleteUTF8Tail(data)
		}
		chunk := data[:cut]
		if bytes.IndexByte(chunk, 0) >= 0 || bytes.IndexByte(chunk, '\r') >= 0 || !utf8.Valid(chunk) {
			return false, nil
		}
		if eof {
			return true, nil
		}
		carry = copy(buf, data[cut:])
	}
}

// result returns enc, or "" when err is not nil.
func encodingOrError(enc string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return enc, nil
}

// looksUTF16 returns utf-16le or utf-16be when head reads as mostly ASCII
// text in that encoding without a BOM (every other byte zero), else "".
func looksUTF16(head []byte) string {
	pairs := min(len(head)/2, 1024)
	var zeroEven, zeroOdd int
	for i := range pairs {
		if head[2*i] == 0 {
			zeroEven++
		}
		if head[2*i+1] == 0 {
			zeroOdd++
		}
	}
	switch {
	case pairs < 2:
		return ""
	case zeroOdd*2 > pairs && zeroEven*20 < pairs:
		return EncodingUTF16LE
	case zeroEven*2 > pairs && zeroOdd*20 < pairs:
		return EncodingUTF16BE
	}
	return ""
}

// transcoder holds the state of one pass over the input.
type transcoder struct {
	r   *bufio.Reader
	w   io.Writer
	off int64  // offset in the original file of the next byte read
	cr  bool   // the last byte written was a CR turned into LF
	out []byte // output buffer, reused across chunks
}

// invalidUTF8 reports the offset of the first byte that is not UTF-8.
type invalidUTF8 struct{ off int64 }

func (e *invalidUTF8) Error() string { return fmt.Sprintf("invalid UTF-8 at byte %d", e.off) }

// nulError is the analyst's message for a NUL character at off.
func nulError(off int64) error {
	return invalid("the file contains binary data (NUL bytes at byte %d); is it really a CSV?", off)
}

// appendLF appends p to out with CRLF and lone CR turned into LF. A CR at
// the end of p is remembered so that an LF at the start of the next chunk
// is dropped.
func (t *transcoder) appendLF(out, p []byte) []byte {
	for len(p) > 0 {
		if t.cr {
			t.cr = false
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
		}
		i := bytes.IndexByte(p, '\r')
		if i < 0 {
			return append(out, p...)
		}
		out = append(out, p[:i]...)
		out = append(out, '\n')
		t.cr = true
		p = p[i+1:]
	}
	return out
}

func (t *transcoder) write(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if _, err := t.w.Write(p); err != nil {
		return fmt.Errorf("decode: Transcode: %w", err)
	}
	return nil
}

// utf8 copies UTF-8 text. A sequence split across two reads is carried to
// the next one so that validation never sees half a character.
func (t *transcoder) utf8(detecting bool) error {
	buf := make([]byte, transcodeChunk+utf8.UTFMax)
	carry := 0
	for {
		n, err := io.ReadFull(t.r, buf[carry:carry+transcodeChunk])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return fmt.Errorf("decode: Transcode: %w", err)
		}
		data := buf[:carry+n]
		cut := len(data)
		if !eof {
			cut -= incompleteUTF8Tail(data)
		}
		chunk := data[:cut]
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			return nulError(t.off + int64(i))
		}
		if !utf8.Valid(chunk) {
			return &invalidUTF8{off: t.off + int64(firstInvalidUTF8(chunk))}
		}
		t.out = t.appendLF(t.out[:0], chunk)
		if err := t.write(t.out); err != nil {
			return err
		}
		t.off += int64(cut)
		if eof {
			return nil
		}
		carry = copy(buf, data[cut:])
	}
}

// incompleteUTF8Tail returns how many bytes at the end of p start a UTF-8
// sequence that the next read may complete.
func incompleteUTF8Tail(p []byte) int {
	for i := 1; i < utf8.UTFMax && i <= len(p); i++ {
		c := p[len(p)-i]
		switch {
		case c < 0x80:
			return 0
		case c >= 0xC0:
			if !utf8.FullRune(p[len(p)-i:]) {
				return i
			}
			return 0
		}
	}
	return 0
}

// firstInvalidUTF8 returns the index of the first byte of p that does not
// belong to a valid UTF-8 sequence (len(p) if there is none).
func firstInvalidUTF8(p []byte) int {
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(p)
}

// byteTable maps each byte of a single-byte encoding to its UTF-8 bytes.
type byteTable [256]string

var (
	windows1252Table = newByteTable(charmap.Windows1252)
	latin1Table      = newByteTable(charmap.ISO8859_1)
)

func newByteTable(cm *charmap.Charmap) *byteTable {
	var t byteTable
	for b := range 256 {
		r := cm.DecodeByte(byte(b))
		if r == utf8.RuneError {
			// x/text leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D of Windows-1252
			// undefined. Like browsers (WHATWG), map them to the C1 controls
			// of the same value rather than losing them to U+FFFD.
			r = rune(b)
		}
		t[b] = string(r)
	}
	return &t
}

// singleByte decodes a single-byte encoding through tbl.
func (t *transcoder) singleByte(tbl *byteTable) error {
	in := make([]byte, transcodeChunk)
	for {
		n, err := t.r.Read(in)
		if n > 0 {
			out := t.out[:0]
			for i, c := range in[:n] {
				switch {
				case c >= 0x80:
					out = append(out, tbl[c]...)
				case c == '\r':
					out = append(out, '\n')
					t.cr = true
					continue
				case c == '\n' && t.cr:
				case c == 0:
					return nulError(t.off + int64(i))
				default:
					out = append(out, c)
				}
				t.cr = false
			}
			t.out = out
			if err := t.write(out); err != nil {
				return err
			}
			t.off += int64(n)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("decode: Transcode: %w", err)
		}
	}
}

// utf16 decodes UTF-16 (after any BOM) with x/text. NULs are looked for in
// the input, as 16-bit zero code units, so that their offset is the one in
// the original file; ASCII text in UTF-16 is full of single zero bytes.
func (t *transcoder) utf16(order unicode.Endianness) error {
	scan := &utf16NULScanner{r: t.r, off: t.off}
	dec := transform.NewReader(scan, unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder())
	in := make([]byte, transcodeChunk)
	for {
		n, err := dec.Read(in)
		if n > 0 {
			t.out = t.appendLF(t.out[:0], in[:n])
			if err := t.write(t.out); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				return err
			}
			return fmt.Errorf("decode: Transcode: %w", err)
		}
	}
}

// utf16NULScanner passes bytes through and fails on the first zero code
// unit, reporting its offset.
type utf16NULScanner struct {
	r    io.Reader
	off  int64 // offset of the next byte; code units start at even offsets from the first one
	odd  bool  // the next byte is the second of a code unit
	zero bool  // the first byte of the current code unit was zero
}

func (s *utf16NULScanner) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for _, c := range p[:n] {
		if s.odd && s.zero && c == 0 {
			return 0, nulError(s.off - 1)
		}
		s.zero = !s.odd && c == 0
		s.odd = !s.odd
		s.off++
	}
	return n, err
}

// checkMagic recognises documents that are not text tables by their first
// bytes.
func checkMagic(head []byte) error {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF")):
		return invalid("this is a PDF document, not a CSV file")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if IsXLSX(head, "") {
			return invalid("this is an Excel workbook (XLSX), not a CSV file; upload it as .xlsx")
		}
		return invalid("this is a ZIP archive, not a CSV file")
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return invalid(
			"this is an old Excel (.xls) workbook or a password-protected Office file, not a CSV file; save it as .xlsx or CSV")
	}
	return nil
}

// CheckText refuses what is not a text table before any parsing, with a clear *Error
// naming what it is: an empty file ("the file is empty"), a PDF (%PDF magic: "this is a PDF document, not a CSV file"),
// a ZIP/XLSX given as CSV, other binary data (NUL bytes or a high share of control characters in the first 64 KiB of the
// *decoded UTF-8* text: "the file contains binary data (NUL bytes at byte N); is it really a CSV?").
// head is the first up-to-64 KiB of the original file; decoded the first up-to-64 KiB after transcoding.
func CheckText(head, decoded []byte) error {
	if len(head) == 0 {
		return invalid("the file is empty")
	}
	if err := checkMagic(head); err != nil {
		return err
	}
	if len(decoded) > textHeadSize {
		decoded = decoded[:textHeadSize]
	}
	if i := bytes.IndexByte(decoded, 0); i >= 0 {
		return nulError(int64(i))
	}
	if len(bytes.TrimSpace(decoded)) == 0 {
		return invalid("the file is empty (it holds only blank space)")
	}
	// Text tables hold tabs and line breaks, and now and then a stray
	// control character (a DOS end-of-file mark, FileMaker's vertical tab
	// for line breaks in a cell). Binary data decoded as text is full of them.
	var runes, controls int
	for _, r := range string(decoded) {
		runes++
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7F && r <= 0x9F) {
			controls++
		}
	}
	if controls >= 16 && controls*10 > runes {
		return invalid(
			"the file contains binary data (%d control characters in its first %d KiB); is it really a CSV?", controls, textHeadSize>>10)
	}
	return nil
}

// Suspect is what a wrong encoding left in a transcoded file: how many
// lines show it, the first of them and an example around the first
// suspect character.
type Suspect struct {
	Count   int64
	Line    int64
	Example string
	Message string // in English, naming the encoding and the example
}

// SuspectDecoding scans a transcoded file for what a wrong encoding leaves
// behind: U+FFFD (bytes the encoding could not decode), C1 control
// characters (UTF-8 read as ISO-8859-1) or "Ã©"-style pairs (UTF-8 read
// as a single-byte encoding). It returns the first example and its line,
// or nil. It is worth running when the analyst gave the encoding, or when
// a single-byte one was detected (a file whose UTF-8 rows sit among
// Windows-1252 ones): detected UTF-8 never produces these.
func SuspectDecoding(path, enc string) *Suspect {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes+1)
	var w *Suspect
	var count int64
	for line := int64(1); sc.Scan(); line++ {
		text := sc.Text()
		i := strings.IndexFunc(text, func(r rune) bool { return r == utf8.RuneError || (r >= 0x80 && r <= 0x9F) })
		if i < 0 {
			if j := strings.Index(text, "Ã"); j >= 0 && j+len("Ã") < len(text) {
				if r, _ := utf8.DecodeRuneInString(text[j+len("Ã"):]); r >= 0xA0 && r <= 0xBF {
					i = j
				}
			}
		}
		if i < 0 {
			continue
		}
		count++
		if w == nil {
			from, to := max(0, i-20), min(len(text), i+20)
			for from > 0 && !utf8.RuneStart(text[from]) {
				from--
			}
			for to < len(text) && !utf8.RuneStart(text[to]) {
				to++
			}
			example := strings.Map(func(r rune) rune {
				if r >= 0x80 && r <= 0x9F {
					return utf8.RuneError // a control character cannot be shown
				}
				return r
			}, text[from:to])
			w = &Suspect{Line: line, Example: example}
		}
	}
	if w == nil {
		return nil
	}
	w.Count = count
	w.Message = fmt.Sprintf("read as %s, %d line(s) hold characters that encoding cannot have produced from real text (line %d: %q): "+
		"is the file in another encoding? Leave the encoding to detection, or choose another", enc, count, w.Line, w.Example)
	return w
}
