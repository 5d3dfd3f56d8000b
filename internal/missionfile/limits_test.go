package missionfile

import (
	"runtime"
	"strings"
	"testing"

	"github.com/begira/begira/internal/portfolio"
)

const head = "slug: x\ntitle: {en: X}\n"

// deepBlock nests n mappings by indentation.
func deepBlock(n int) string {
	var b strings.Builder
	b.WriteString(head + "targets:\n")
	for i := 1; i <= n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

// TestHostileDocuments: each document is refused with EINVALID (or
// ETOOLARGE), quickly and in little memory, with an error that names a
// position and does not echo the document. Before the limits, the flow
// document nested 200,000 levels deep with a duplicate key ran the server
// out of memory while its error was formatted, and the alias fan-out took
// 513 MB.
func TestHostileDocuments(t *testing.T) {
	laughs := head + "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		laughs += n + ": &" + n + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
		prev = n
	}
	const deep = 45_000 // under the size limit
	for name, tc := range map[string]struct {
		doc, code, want string
	}{
		"flow nested 45,000 deep with a duplicate key": {head + "targets: " + strings.Repeat("{a: 1, a: ", deep) + strings.Repeat("}", deep) + "\n",
			portfolio.EINVALID, "line 3: brackets nested deeper than 32 levels"},
		"JSON nested 45,000 deep": {`{"slug": "x", "targets": ` + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "}",
			portfolio.EINVALID, "nested deeper than 32 levels"},
		"brackets in a comment are not nesting": {head + "# " + strings.Repeat("[", 100) + "\ncardinalty: 1\n", portfolio.EINVALID, "unknown field"},
		"block nested 1,000 deep":               {deepBlock(1000), portfolio.EINVALID, "nested deeper than 32 levels"},
		"sequence of sequences":                 {head + "targets:\n" + strings.Repeat("- ", 100) + "x\n", portfolio.EINVALID, "nested deeper"},
		"alias fan-out":                         {laughs, portfolio.EINVALID, "anchors and aliases"},
		"a merge key":                           {head + "base: &b {x: 1}\nother:\n  <<: *b\n", portfolio.EINVALID, "anchors and aliases"},
		"over the size limit":                   {head + "# " + strings.Repeat("x", MaxBytes) + "\n", portfolio.ETOOLARGE, "over the limit"},
		"syntax error, not echoed":              {head + "schemes: [unclosed SOURCE-MARKER\n", portfolio.EINVALID, "line "},
		"long line, not echoed":                 {head + "title: {en: " + strings.Repeat("SOURCE-MARKER ", 5000) + "\nschemes: [\n", portfolio.EINVALID, "line "},
		"unknown key, position too":             {head + "cardinalty: 1\n", portfolio.EINVALID, "line 3"},
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse([]byte(tc.doc))
			runtime.ReadMemStats(&after)
			if portfolio.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			msg := portfolio.ErrorMessage(err)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %.300q does not say %q", msg, tc.want)
			}
			if strings.Contains(msg, "SOURCE-MARKER") || len(msg) > 400 {
				t.Errorf("message echoes the document: %.300q (%d bytes)", msg, len(msg))
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("parsing a %d-byte document allocated %d MB", len(tc.doc), grew>>20)
			}
		})
	}
}

// TestDocumentsWithinLimits: JSON is YAML too, and a document just under
// the depth limit is read.
func TestDocumentsWithinLimits(t *testing.T) {
	m, err := Parse([]byte(`{"slug": "x", "title": {"en": "X"}, "schemes": [{"code": "a", "label": {"en": "A"}, "terms": [{"code": "t", "label": {"en": "T"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Slug != "x" || len(m.Schemes) != 1 || m.Schemes[0].Terms[0].Code != "t" {
		t.Errorf("parsed %+v", m)
	}
	if err := check([]byte(deepBlock(MaxDepth - 2))); err != nil {
		t.Errorf("a document %d levels deep: %v", MaxDepth-1, err)
	}
}
