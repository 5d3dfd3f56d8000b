package dashboard_test

import (
	"bytes"
	"testing"

	"github.com/begira/begira/internal/dashboard"
)

func sankeyOption() dashboard.Option {
	return dashboard.Sankey(
		[]string{"Explore (t0)", "Design (t0)", "Explore (t1)", "Design (t1)", "Pilot (t1)"},
		[]dashboard.SankeyLink{
			{Source: "Explore (t0)", Target: "Explore (t1)", Value: 3},
			{Source: "Explore (t0)", Target: "Design (t1)", Value: 2},
			{Source: "Design (t0)", Target: "Pilot (t1)", Value: 1},
		})
}

func TestSankeyGolden(t *testing.T) {
	t.Parallel()
	assertGolden(t, "sankey", indented(t, sankeyOption()))
}

func TestSankeyShape(t *testing.T) {
	t.Parallel()
	o := sankeyOption()
	series := o["series"].([]any)
	if len(series) != 1 {
		t.Fatalf("got %d series, want 1", len(series))
	}
	s := series[0].(map[string]any)
	if got := s["type"]; got != "sankey" {
		t.Errorf("series type = %v, want sankey", got)
	}
	nodes := s["data"].([]any)
	if len(nodes) != 5 {
		t.Errorf("got %d nodes, want 5", len(nodes))
	}
	links := s["links"].([]any)
	if len(links) != 3 {
		t.Fatalf("got %d links, want 3", len(links))
	}
	first := links[0].(map[string]any)
	if first["source"] != "Explore (t0)" || first["target"] != "Explore (t1)" || first["value"] != 3.0 {
		t.Errorf("first link = %v, want Explore (t0) → Explore (t1), 3", first)
	}
	if o["aria"] == nil {
		t.Error("option has no aria: screen readers get nothing")
	}
}

// TestSankeyEscapesNames keeps a hostile stage label inert in the JSON the
// page embeds.
func TestSankeyEscapesNames(t *testing.T) {
	t.Parallel()
	o := dashboard.Sankey([]string{"</script><b>x (t0)", "y (t1)"},
		[]dashboard.SankeyLink{{Source: "</script><b>x (t0)", Target: "y (t1)", Value: 1}})
	b, err := o.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("</script>")) {
		t.Errorf("option JSON contains a raw </script>: %s", b)
	}
	if !bytes.Contains(b, []byte(`\u003c/script\u003e`)) {
		t.Errorf("option JSON lost the label: %s", b)
	}
}
