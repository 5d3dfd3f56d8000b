package dashboard

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// SankeyLink is one flow of a sankey, between two nodes named as in the
// nodes list.
type SankeyLink struct {
	Source, Target string
	Value          float64
}

// Sankey draws flows between named nodes, such as the projects that moved
// from one stage to another between two snapshots. Node names must be
// unique and the links must not form a cycle (ECharts refuses both), so a
// caller drawing "before → after" names the two sides differently, e.g.
// "Explore (t0)" and "Explore (t1)".
func Sankey(nodes []string, links []SankeyLink) Option {
	c := charts.NewSankey()
	ns := make([]opts.SankeyNode, len(nodes))
	for i, n := range nodes {
		ns[i] = opts.SankeyNode{Name: n}
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	c.AddSeries("sankey", ns, nil, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	o := toOption(c)
	s := o["series"].([]any)[0].(map[string]any)
	// go-echarts models a link's value as float32 and omits zero: the
	// links are written here with the exact figures.
	out := make([]any, len(links))
	for i, l := range links {
		out[i] = map[string]any{"source": l.Source, "target": l.Target, "value": l.Value}
	}
	s["links"] = out
	s["emphasis"] = map[string]any{"focus": "adjacency"}
	s["lineStyle"] = map[string]any{"color": "gradient", "curveness": 0.5, "opacity": 0.45}
	s["nodeGap"] = 12
	s["left"], s["right"], s["top"], s["bottom"] = "2%", "18%", "4%", "4%"
	return o
}
