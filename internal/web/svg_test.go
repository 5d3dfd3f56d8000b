package web

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

// svgShape is what a drawing is made of: its elements by name, the text of
// its <title>s, and the attributes of its <rect>s, in document order.
type svgShape struct {
	roots  int
	count  map[string]int
	titles []string
	rects  []map[string]string
}

// parseSVG reads a drawing as XML (inline SVG must also be well-formed XML
// for the pack to print the same everywhere) and fails on any error.
func parseSVG(t *testing.T, s string) svgShape {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	sh := svgShape{count: map[string]int{}}
	depth := 0
	var inTitle bool
	var title strings.Builder
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, s)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				sh.roots++
				if e.Name.Local != "svg" {
					t.Errorf("root element <%s>, want <svg>", e.Name.Local)
				}
			}
			depth++
			sh.count[e.Name.Local]++
			switch e.Name.Local {
			case "title":
				inTitle = true
				title.Reset()
			case "rect":
				attrs := map[string]string{}
				for _, a := range e.Attr {
					attrs[a.Name.Local] = a.Value
				}
				sh.rects = append(sh.rects, attrs)
			case "script", "foreignObject", "image", "use", "a":
				t.Errorf("SVG holds a <%s> element", e.Name.Local)
			}
			for _, a := range e.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || a.Name.Local == "style" || a.Name.Local == "href" {
					t.Errorf("<%s> has attribute %s", e.Name.Local, a.Name.Local)
				}
			}
		case xml.EndElement:
			depth--
			if e.Name.Local == "title" {
				inTitle = false
				sh.titles = append(sh.titles, title.String())
			}
		case xml.CharData:
			if inTitle {
				title.Write(e)
			}
		}
	}
	if sh.roots != 1 {
		t.Errorf("got %d root elements, want exactly one <svg>", sh.roots)
	}
	return sh
}

func TestHeatmapSVG(t *testing.T) {
	t.Parallel()
	rows := []string{"Social cohesion", "Decarbonisation"}
	cols := []string{"Community", "Startups", "Regulation"}
	got := string(heatmapSVG(rows, cols, [][]float64{{2, 0, 1}, {0, 4, 0.5}}))
	sh := parseSVG(t, got)
	if n := sh.count["rect"]; n != 6 {
		t.Errorf("got %d cells, want 6", n)
	}
	// One title per row label, per column label and per cell.
	if n := len(sh.titles); n != 2+3+6 {
		t.Errorf("got %d titles, want 11: %q", n, sh.titles)
	}
	for _, want := range []string{"Social cohesion", "Regulation", "Social cohesion × Startups: 0", "Decarbonisation × Startups: 4",
		"Decarbonisation × Regulation: 0.5"} {
		if !svgHas(sh.titles, want) {
			t.Errorf("no title %q in %q", want, sh.titles)
		}
	}
	dashed := 0
	for _, r := range sh.rects {
		if r["stroke-dasharray"] != "" {
			dashed++
			if r["fill"] != "#fff5f5" {
				t.Errorf("empty cell fill = %s, want #fff5f5", r["fill"])
			}
		}
	}
	if dashed != 2 {
		t.Errorf("got %d dashed (empty) cells, want 2", dashed)
	}
	// The fullest cell is the darkest.
	if fill := sh.rects[4]["fill"]; fill != "#313695" {
		t.Errorf("fullest cell fill = %s, want #313695", fill)
	}
	if !strings.Contains(got, `viewBox="0 0 `) || !strings.Contains(got, `class="svg-chart"`) {
		t.Errorf("root lacks its viewBox or class: %.200s", got)
	}
}

func TestBarsSVG(t *testing.T) {
	t.Parallel()
	got := string(barsSVG([]string{"Explore", "Design", "Pilot"}, []float64{4, 0, 2}))
	sh := parseSVG(t, got)
	if len(sh.rects) != 3 {
		t.Fatalf("got %d bars, want 3", len(sh.rects))
	}
	for i, want := range []string{"360", "0", "180"} {
		if w := sh.rects[i]["width"]; w != want {
			t.Errorf("bar %d width = %s, want %s", i, w, want)
		}
	}
	want := []string{"Explore: 4", "Design: 0", "Pilot: 2"}
	if strings.Join(sh.titles, "|") != strings.Join(want, "|") {
		t.Errorf("titles = %q, want %q", sh.titles, want)
	}
}

// TestBarsSVGGolden pins the markup of the smallest drawing.
func TestBarsSVGGolden(t *testing.T) {
	t.Parallel()
	got := string(barsSVG([]string{"Ab"}, []float64{3}))
	want := `<svg class="svg-chart" width="471" height="34" viewBox="0 0 471 34" font-family="system-ui, sans-serif" font-size="12">` +
		`<g><title>Ab: 3</title><text x="22.4" y="17" text-anchor="end" dominant-baseline="central" fill="#1b1f24">Ab</text>` +
		`<rect x="30.4" y="8" width="360" height="18" fill="#4575b4"/>` +
		`<text x="396.4" y="17" dominant-baseline="central" fill="#1b1f24">3</text></g></svg>`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSVGEscapesLabels feeds a label that would close the drawing and open
// a script: it must stay text, in the labels and in the titles.
func TestSVGEscapesLabels(t *testing.T) {
	t.Parallel()
	const hostile = `</svg><script>alert("x")</script>&`
	for name, got := range map[string]string{
		"heatmap row":    string(heatmapSVG([]string{hostile}, []string{"b"}, [][]float64{{1}})),
		"heatmap column": string(heatmapSVG([]string{"a"}, []string{hostile}, [][]float64{{0}})),
		"bars":           string(barsSVG([]string{hostile, "ok"}, []float64{1, 2})),
	} {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(got, "<script") {
				t.Errorf("a <script tag got through: %s", got)
			}
			if n := strings.Count(got, "</svg>"); n != 1 {
				t.Errorf("got %d </svg>, want 1 (the drawing's own end)", n)
			}
			if !strings.Contains(got, "&lt;/svg&gt;&lt;script&gt;") {
				t.Errorf("the label is not escaped as text: %s", got)
			}
			sh := parseSVG(t, got)
			if !svgHasPrefix(sh.titles, hostile) {
				t.Errorf("titles %q lost the label intact", sh.titles)
			}
		})
	}
}

func TestSVGEdges(t *testing.T) {
	t.Parallel()
	if got := heatmapSVG(nil, []string{"a"}, nil); got != "" {
		t.Errorf("heatmap without rows = %q, want empty", got)
	}
	if got := heatmapSVG([]string{"a"}, nil, nil); got != "" {
		t.Errorf("heatmap without columns = %q, want empty", got)
	}
	if got := barsSVG(nil, nil); got != "" {
		t.Errorf("bars without labels = %q, want empty", got)
	}
	// Short or undefined values never panic and draw as empty.
	sh := parseSVG(t, string(heatmapSVG([]string{"a", "b"}, []string{"x", "y"}, [][]float64{{math.NaN()}})))
	if len(sh.rects) != 4 {
		t.Errorf("got %d cells, want 4", len(sh.rects))
	}
	sh = parseSVG(t, string(barsSVG([]string{"a", "b", "c"}, []float64{math.Inf(1), -2})))
	for i, r := range sh.rects {
		if r["width"] != "0" {
			t.Errorf("bar %d width = %s, want 0", i, r["width"])
		}
	}
	if want := []string{"a: –", "b: -2", "c: –"}; strings.Join(sh.titles, "|") != strings.Join(want, "|") {
		t.Errorf("titles = %q, want %q", sh.titles, want)
	}
	// A long label is shortened on the drawing, whole in its title.
	long := strings.Repeat("Gizarte eta klima egokitzapena ", 4)
	got := string(barsSVG([]string{long}, []float64{1}))
	if !strings.Contains(got, "…</text>") {
		t.Errorf("long label not shortened: %s", got)
	}
	if sh := parseSVG(t, got); sh.titles[0] != long+": 1" {
		t.Errorf("title = %q, want the whole label", sh.titles[0])
	}
}

func svgHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func svgHasPrefix(list []string, prefix string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}
