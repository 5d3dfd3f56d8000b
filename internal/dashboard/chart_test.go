package dashboard_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/begira/begira/internal/dashboard"
)

var update = flag.Bool("update", false, "rewrite golden files")

// indented returns the option as the web layer serialises it (Option.JSON),
// indented for readable diffs.
func indented(tb testing.TB, o dashboard.Option) []byte {
	tb.Helper()
	raw, err := o.JSON()
	if err != nil {
		tb.Fatalf("option JSON: %v", err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		tb.Fatalf("indent: %v", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// assertGolden compares got with testdata/name.golden.json, rewriting the
// file instead when the test runs with -update.
func assertGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s: got\n%s\nwant\n%s\n(run go test -update if the change is intended)", path, got, want)
	}
}

// Small fixed inputs of every chart builder.
func heatmapOption() dashboard.Option {
	return dashboard.Heatmap(
		[]string{"Social cohesion", "Decarbonisation"},
		[]string{"Community", "Startups", "Regulation"},
		[][]float64{{2, 0, 1}, {0, 3, 0}},
		"gap")
}

func treemapNodes() []opts.TreeMapNode {
	return []opts.TreeMapNode{
		{Name: "Energy", Value: 900, Children: []opts.TreeMapNode{{Name: "Technology", Value: 600}, {Name: "Finance", Value: 300}}},
		{Name: "Food", Value: 100, Children: []opts.TreeMapNode{{Name: "Participation", Value: 100}}},
	}
}

func sunburstData() []opts.SunBurstData {
	return []opts.SunBurstData{
		{Name: "Decarbonisation", Children: []*opts.SunBurstData{
			{Name: "Energy", Children: []*opts.SunBurstData{{Name: "Community energy", Value: 0.5}, {Name: "Bike lanes", Value: 1}}},
		}},
		{Name: "Social cohesion", Children: []*opts.SunBurstData{
			{Name: "Energy", Children: []*opts.SunBurstData{{Name: "Community energy", Value: 0.5}}},
		}},
	}
}

func TestChartGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		build func() dashboard.Option
	}{
		{"heatmap", heatmapOption},
		{"bar", func() dashboard.Option {
			return dashboard.Bar([]string{"Explore", "Pilot", "Scale"}, []float64{3, 2, 0}, "Projects")
		}},
		{"pie", func() dashboard.Option {
			return dashboard.Pie([]string{"Community", "Startups"}, []float64{1.5, 2.5}, "Projects")
		}},
		{"treemap", func() dashboard.Option { return dashboard.Treemap(treemapNodes(), "Budget (€)") }},
		{"sunburst", func() dashboard.Option { return dashboard.Sunburst(sunburstData(), "Pillar") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := indented(t, tc.build())
			// A pure function: the same input gives the same option.
			if again := indented(t, tc.build()); !bytes.Equal(got, again) {
				t.Fatalf("two builds differ:\n%s\n%s", got, again)
			}
			assertGolden(t, tc.name, got)

			// Every chart is accessible and has no go-echarts toolbox.
			var o map[string]any
			if err := json.Unmarshal(got, &o); err != nil {
				t.Fatal(err)
			}
			aria, _ := o["aria"].(map[string]any)
			if aria["enabled"] != true {
				t.Errorf("aria: got %v, want enabled", o["aria"])
			}
			if _, ok := o["toolbox"]; ok {
				t.Errorf("toolbox: got %v, want none", o["toolbox"])
			}
		})
	}
}

func TestHeatmapGaps(t *testing.T) {
	t.Parallel()
	o := heatmapOption()
	series := o["series"].([]any)[0].(map[string]any)
	items := series["data"].([]any)
	if len(items) != 6 {
		t.Fatalf("items: got %d, want 2 rows × 3 columns = 6", len(items))
	}
	gaps := 0
	for _, it := range items {
		item := it.(map[string]any)
		v := item["value"].([]any) // [column, row, value]
		style, hasStyle := item["itemStyle"].(map[string]any)
		if v[2].(float64) != 0 {
			if hasStyle {
				t.Errorf("cell %v: got itemStyle %v, want none on a non-empty cell", v, style)
			}
			continue
		}
		gaps++
		if !hasStyle || style["borderType"] != "dashed" {
			t.Errorf("empty cell %v: got itemStyle %v, want borderType dashed", v, item["itemStyle"])
		}
		label, _ := item["label"].(map[string]any)
		if label["formatter"] != "gap" {
			t.Errorf("empty cell %v: got label formatter %v, want %q", v, label["formatter"], "gap")
		}
	}
	if gaps != 3 {
		t.Errorf("gaps: got %d, want 3", gaps)
	}
	// Zero lies below the colour scale (min 1), drawn white.
	vm := o["visualMap"].([]any)[0].(map[string]any)
	if vm["min"] != 1.0 || vm["max"] != 3.0 {
		t.Errorf("visualMap range: got %v..%v, want 1..3", vm["min"], vm["max"])
	}
	if out, _ := vm["outOfRange"].(map[string]any); out == nil {
		t.Errorf("visualMap outOfRange: got none, want white")
	}

	// An all-empty matrix still has a valid colour range.
	empty := dashboard.Heatmap([]string{"a"}, []string{"b"}, [][]float64{{0}}, "hueco")
	vm = empty["visualMap"].([]any)[0].(map[string]any)
	if vm["max"] != 1.0 {
		t.Errorf("all-empty visualMap max: got %v, want 1", vm["max"])
	}
	item := empty["series"].([]any)[0].(map[string]any)["data"].([]any)[0].(map[string]any)
	if item["label"].(map[string]any)["formatter"] != "hueco" {
		t.Errorf("gap label: got %v, want %q", item["label"], "hueco")
	}
}

func TestChartsEscapeLabels(t *testing.T) {
	t.Parallel()
	const evil = "</script><script>alert(1)</script>"
	for _, tc := range []struct {
		name string
		o    dashboard.Option
	}{
		{"heatmap row", dashboard.Heatmap([]string{evil}, []string{"b"}, [][]float64{{1}}, "gap")},
		{"heatmap gap label", dashboard.Heatmap([]string{"a"}, []string{"b"}, [][]float64{{0}}, evil)},
		{"bar", dashboard.Bar([]string{evil}, []float64{1}, "Projects")},
		{"pie", dashboard.Pie([]string{evil}, []float64{1}, evil)},
		{"treemap", dashboard.Treemap([]opts.TreeMapNode{{Name: evil, Value: 1}}, "Budget")},
		{"sunburst", dashboard.Sunburst([]opts.SunBurstData{{Name: evil, Value: 1}}, "Pillar")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.o.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.ContainsAny(b, "<>") {
				t.Errorf("JSON: got a raw < or > in %s, want them escaped", b)
			}
			if !bytes.Contains(b, []byte(`\u003c/script\u003e`)) {
				t.Errorf("JSON: got %s, want the label as \\u003c/script\\u003e", b)
			}
			// Escaping is lossless: the label decodes back intact.
			if !strings.Contains(decodeAll(t, b), evil) {
				t.Errorf("decoded option: label %q lost", evil)
			}
		})
	}
}

// decodeAll returns every string of a JSON document, concatenated.
func decodeAll(tb testing.TB, b []byte) string {
	tb.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			sb.WriteString(x + "\n")
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}
