package dashboard

import (
	"encoding/json"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Option is an ECharts option ready to serialise. Chart builders are pure
// functions from figures to an Option; the web layer writes it with
// HTML-safe JSON escaping (never go-echarts' unescaped template), so a
// label such as "</script>" stays text.
type Option map[string]any

// JSON marshals the option. encoding/json escapes <, > and & as \u003c…,
// which keeps the option inert inside an HTML page.
func (o Option) JSON() ([]byte, error) { return json.Marshal(o) }

// chart is what every go-echarts chart offers.
type chart interface {
	Validate()
	JSON() map[string]interface{}
}

// toOption turns a go-echarts chart into a plain map we can adjust (for the
// few ECharts keys go-echarts does not model, such as visualMap.outOfRange).
func toOption(c chart) Option {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		panic(fmt.Sprintf("dashboard: option does not marshal: %v", err)) // only our own types reach here
	}
	var o Option
	if err := json.Unmarshal(b, &o); err != nil {
		panic(fmt.Sprintf("dashboard: option does not unmarshal: %v", err))
	}
	// Accessibility: ECharts' aria describes the chart to screen readers
	// and decal patterns make colour not the only encoding.
	o["aria"] = map[string]any{"enabled": true, "decal": map[string]any{"show": true}}
	delete(o, "toolbox") // PNG export is our own keyboard-reachable button
	return o
}

var noTitle = charts.WithTitleOpts(opts.Title{})

// Heatmap draws a coverage matrix: rows are the terms of A, columns those of
// B, values[i][j] the measure of cell (A_i, B_j). Empty cells (0) are drawn
// white with a dashed red border and labelled gapLabel.
func Heatmap(rows, cols []string, values [][]float64, gapLabel string) Option {
	return HeatmapIn(rows, cols, values, nil, gapLabel)
}

// HeatmapIn is Heatmap where outside[i][j] marks the cells a filter leaves
// out: they are drawn empty (no colour, no label), never as a gap.
func HeatmapIn(rows, cols []string, values [][]float64, outside [][]bool, gapLabel string) Option {
	c := charts.NewHeatMap()
	max := 0.0
	var data []opts.HeatMapData
	for i := range rows {
		for j := range cols {
			if outside != nil && outside[i][j] {
				// "-" is ECharts' empty value: nothing is drawn.
				data = append(data, opts.HeatMapData{Value: [3]any{j, i, "-"}})
				continue
			}
			v := values[i][j]
			if v > max {
				max = v
			}
			data = append(data, opts.HeatMapData{Value: [3]any{j, i, v}})
		}
	}
	if max == 0 {
		max = 1
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: cols, SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
			AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 20}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: rows, SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		charts.WithGridOpts(opts.Grid{Left: "4%", Right: "4%", Top: "8%", Bottom: "18%", ContainLabel: opts.Bool(true)}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: 1, Max: float32(max),
			Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#e0f3f8", "#4575b4", "#313695"}}}),
	)
	c.AddSeries("coverage", data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	o := toOption(c)
	vm := o["visualMap"].([]any)[0].(map[string]any)
	vm["outOfRange"] = map[string]any{"color": []string{"#ffffff"}}
	series := o["series"].([]any)[0].(map[string]any)
	items := series["data"].([]any)
	for k, it := range items {
		v := it.(map[string]any)["value"].([]any)
		if n, ok := v[2].(float64); ok && n == 0 {
			items[k] = map[string]any{
				"value":     v,
				"itemStyle": map[string]any{"borderColor": "#c62828", "borderWidth": 2, "borderType": "dashed", "color": "#fff5f5"},
				"label":     map[string]any{"formatter": gapLabel, "color": "#c62828", "fontWeight": "bold"},
			}
		}
	}
	return o
}

// Bar draws one value per category, in the given order.
func Bar(categories []string, values []float64, series string) Option {
	c := charts.NewBar()
	data := make([]opts.BarData, len(values))
	for i, v := range values {
		data[i] = opts.BarData{Value: v}
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", Top: "8%", Bottom: "3%", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 20}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	c.SetXAxis(categories).AddSeries(series, data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	return toOption(c)
}

// Pie draws shares of a whole.
func Pie(categories []string, values []float64, series string) Option {
	c := charts.NewPie()
	data := make([]opts.PieData, len(values))
	for i, v := range values {
		data[i] = opts.PieData{Name: categories[i], Value: v}
	}
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}),
	)
	c.AddSeries(series, data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "65%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}: {d}%"}))
	return toOption(c)
}

// Treemap draws a two-level hierarchy of values (e.g. challenge → lever).
func Treemap(nodes []opts.TreeMapNode, series string) Option {
	c := charts.NewTreeMap()
	c.SetGlobalOptions(noTitle,
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	c.AddSeries(series, nodes, charts.WithTreeMapOpts(opts.TreeMapChart{
		Roam: opts.Bool(false), Left: "1%", Right: "1%", Top: "1%", Bottom: "40",
	}))
	o := toOption(c)
	// Parents show their name in a header band, so a leaf (a lever) is
	// always read within its challenge.
	series0 := o["series"].([]any)[0].(map[string]any)
	series0["upperLabel"] = map[string]any{"show": true, "height": 18}
	series0["levels"] = []any{
		map[string]any{"itemStyle": map[string]any{"borderWidth": 0, "gapWidth": 3}},
		map[string]any{"itemStyle": map[string]any{"borderWidth": 2, "gapWidth": 1, "borderColor": "#fff"}},
	}
	return o
}

// Sunburst draws a hierarchy down to single projects.
func Sunburst(data []opts.SunBurstData, series string) Option {
	c := charts.NewSunburst()
	c.SetGlobalOptions(noTitle, charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	c.AddSeries(series, data, charts.WithSunburstOpts(opts.SunburstChart{Sort: "desc"}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(false)}))
	o := toOption(c)
	// Labels only on the two inner rings: project titles would not fit.
	series0 := o["series"].([]any)[0].(map[string]any)
	series0["radius"] = []string{"8%", "95%"}
	series0["levels"] = []any{
		map[string]any{},
		map[string]any{"label": map[string]any{"show": true, "rotate": "tangential"}},
		map[string]any{"label": map[string]any{"show": true, "rotate": "radial", "fontSize": 10}},
		map[string]any{"label": map[string]any{"show": false}},
	}
	return o
}
