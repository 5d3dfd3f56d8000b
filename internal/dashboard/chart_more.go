package dashboard

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// RadarSeries is one polygon of a radar (e.g. actual or target).
type RadarSeries struct {
	Name   string
	Values []float64
}

// Radar draws shares per category as polygons on a common scale (0..max).
func Radar(categories []string, max float64, series []RadarSeries) Option {
	c := charts.NewRadar()
	ind := make([]*opts.Indicator, len(categories))
	for i, name := range categories {
		ind[i] = &opts.Indicator{Name: name, Max: float32(max), Min: 0}
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithRadarComponentOpts(opts.RadarComponent{Indicator: ind, Shape: "polygon"}),
	)
	for _, s := range series {
		c.AddSeries(s.Name, []opts.RadarData{{Name: s.Name, Value: s.Values}},
			charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.15)}))
	}
	return toOption(c)
}

// GraphNode is one node of a network chart.
type GraphNode struct {
	Name     string // unique
	Category int
	Size     float64 // symbol size in pixels
	X, Y     float64 // position, for PlacedGraph
	Label    string  // drawn next to the node (PlacedGraph); "" for none
}

// GraphLink joins two nodes by index, with a weight.
type GraphLink struct {
	Source, Target int
	Weight         float64
}

// Graph draws a force-directed network with node categories (e.g. level of
// action) as colours.
func Graph(nodes []GraphNode, links []GraphLink, categories []string) Option {
	c := charts.NewGraph()
	ns := make([]opts.GraphNode, len(nodes))
	for i, n := range nodes {
		ns[i] = opts.GraphNode{Name: n.Name, Category: n.Category, SymbolSize: n.Size}
	}
	ls := make([]opts.GraphLink, len(links))
	for i, l := range links {
		ls[i] = opts.GraphLink{Source: l.Source, Target: l.Target, Value: float32(l.Weight)}
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}),
	)
	c.AddSeries("graph", ns, ls, charts.WithGraphChartOpts(opts.GraphChart{
		Layout: "force", Roam: opts.Bool(true), Draggable: opts.Bool(true),
		Force: &opts.GraphForce{Repulsion: 60, EdgeLength: 40, Gravity: 0.08},
	}))
	o := toOption(c)
	s := o["series"].([]any)[0].(map[string]any)
	cats := make([]any, len(categories))
	for i, name := range categories {
		cats[i] = map[string]any{"name": name}
	}
	s["categories"] = cats
	s["lineStyle"] = map[string]any{"color": "source", "opacity": 0.35, "curveness": 0.1}
	s["emphasis"] = map[string]any{"focus": "adjacency"}
	// Large networks lay out once and stay still (an animation over 10k
	// nodes would freeze the page).
	if len(nodes) > 1500 {
		s["force"].(map[string]any)["layoutAnimation"] = false
	}
	return o
}

// PlacedGraph draws a network at the positions its nodes carry (layout
// "none": no simulation in the browser), writing the Label of the nodes
// that have one next to them.
func PlacedGraph(nodes []GraphNode, links []GraphLink, categories []string) Option {
	o := Graph(nodes, links, categories)
	s := o["series"].([]any)[0].(map[string]any)
	s["layout"] = "none"
	delete(s, "force")
	s["labelLayout"] = map[string]any{"hideOverlap": true}
	data, _ := s["data"].([]any)
	for i, d := range data {
		item, _ := d.(map[string]any)
		if item == nil {
			continue
		}
		item["x"], item["y"] = nodes[i].X, nodes[i].Y
		if nodes[i].Label != "" {
			item["label"] = map[string]any{"show": true, "formatter": nodes[i].Label, "position": "right"}
		}
	}
	return o
}

// ScatterPoint is one labelled point.
type ScatterPoint struct {
	Name  string
	X, Y  float64
	Group int // index into the series names
}

// Quadrant draws points over two axes split at (midX, midY), as in an
// emergence map; each group is a series (quadrant or category).
func Quadrant(points []ScatterPoint, groups []string, xName, yName string, midX, midY float64) Option {
	c := charts.NewScatter()
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: xName, NameLocation: "middle", NameGap: 25}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName}),
		charts.WithGridOpts(opts.Grid{Left: "4%", Right: "6%", Top: "10%", Bottom: "15%", ContainLabel: opts.Bool(true)}),
	)
	for g, name := range groups {
		var data []opts.ScatterData
		for _, p := range points {
			if p.Group == g {
				data = append(data, opts.ScatterData{Name: p.Name, Value: []float64{p.X, p.Y}})
			}
		}
		c.AddSeries(name, data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "{b}"}))
	}
	o := toOption(c)
	if series, ok := o["series"].([]any); ok && len(series) > 0 {
		series[0].(map[string]any)["markLine"] = map[string]any{
			"silent": true, "symbol": "none", "lineStyle": map[string]any{"type": "dashed", "color": "#888"},
			"data": []any{map[string]any{"xAxis": midX}, map[string]any{"yAxis": midY}},
		}
	}
	return o
}

// LineSeries is one line over the shared categories.
type LineSeries struct {
	Name   string
	Values []float64
	Marks  []int // indexes of points to mark (e.g. bursts)
}

// Lines draws stacked lines over time with marked points.
func Lines(periods []string, series []LineSeries, markLabel string) Option {
	c := charts.NewLine()
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value"}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", Top: "8%", Bottom: "15%", ContainLabel: opts.Bool(true)}),
	)
	c.SetXAxis(periods)
	for _, s := range series {
		data := make([]opts.LineData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.LineData{Value: v}
		}
		c.AddSeries(s.Name, data)
	}
	o := toOption(c)
	for i, s := range series {
		if len(s.Marks) == 0 {
			continue
		}
		var marks []any
		for _, k := range s.Marks {
			marks = append(marks, map[string]any{"coord": []any{periods[k], s.Values[k]}, "value": markLabel})
		}
		o["series"].([]any)[i].(map[string]any)["markPoint"] = map[string]any{"data": marks, "symbolSize": 40}
	}
	return o
}

// DivergingBar draws positive and negative values around zero on a
// category axis, highlighting flagged categories (e.g. blind spots).
func DivergingBar(categories []string, values []float64, flagged []bool, series string) Option {
	c := charts.NewBar()
	data := make([]opts.BarData, len(values))
	for i, v := range values {
		d := opts.BarData{Value: v}
		if flagged[i] {
			d.ItemStyle = &opts.ItemStyle{Color: "#c62828"}
		} else if v < 0 {
			d.ItemStyle = &opts.ItemStyle{Color: "#4575b4"}
		} else {
			d.ItemStyle = &opts.ItemStyle{Color: "#f4a582"}
		}
		data[i] = d
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value"}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "6%", Top: "4%", Bottom: "4%", ContainLabel: opts.Bool(true)}),
	)
	c.SetXAxis(categories).AddSeries(series, data)
	c.XYReversal()
	return toOption(c)
}

// Bubble is one place on the territory map.
type Bubble struct {
	Name     string
	Lon, Lat float64
	Value    float64
	Empty    bool // no project: drawn as a hollow marker
}

// BubbleMap draws places at their coordinates on plain axes (no map tiles:
// the page makes no outside request), sized by value; empty places are
// hollow so "left out" is visible. With a GeoJSON registered as "begira"
// the page draws the boundaries underneath.
func BubbleMap(places []Bubble, series, emptySeries string, withGeo bool) Option {
	c := charts.NewScatter()
	max := 0.0
	for _, p := range places {
		if p.Value > max {
			max = p.Value
		}
	}
	if max == 0 {
		max = 1
	}
	var full, empty []opts.ScatterData
	for _, p := range places {
		d := opts.ScatterData{Name: p.Name, Value: []float64{p.Lon, p.Lat, p.Value}}
		if p.Empty {
			empty = append(empty, d)
		} else {
			d.SymbolSize = int(6 + 30*p.Value/max)
			full = append(full, d)
		}
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Scale: opts.Bool(true), Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Scale: opts.Bool(true), Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "2%", Right: "2%", Top: "2%", Bottom: "10%"}),
	)
	c.AddSeries(series, full, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#1f4e79", Opacity: opts.Float(0.7)}))
	c.AddSeries(emptySeries, empty, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#ffffff", BorderColor: "#c62828", BorderWidth: 1.5}))
	o := toOption(c)
	if withGeo {
		// Boundaries come from the administrator's GeoJSON, served by this
		// server and registered by the page script as map "begira".
		delete(o, "xAxis")
		delete(o, "yAxis")
		delete(o, "grid")
		o["geo"] = map[string]any{"map": "begira", "roam": true, "itemStyle": map[string]any{"areaColor": "#f2f4f7", "borderColor": "#9aa5b1"}}
		for _, s := range o["series"].([]any) {
			s.(map[string]any)["coordinateSystem"] = "geo"
		}
	}
	return o
}
