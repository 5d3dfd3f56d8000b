package dashboard

// Kinds of figure a chart draws. The page script (static/begira.js) writes
// each kind in the reader's language with the CLDR patterns of Intl:
// counts whole (fractional counts with at most two decimals), money in
// euros (compact on axes, full in tooltips), shares as percentages, ratios
// and indices with two decimals, dates and months as the locale writes
// them.
const (
	KindCount = "count"
	KindMoney = "money"
	KindShare = "share"
	KindRatio = "ratio"
	KindIndex = "index"
	KindDate  = "date"
)

// Format tells the page script what a chart's figures are, so that every
// axis label, data label and tooltip names them and writes them in the
// reader's language: never a raw float, never an internal series id.
type Format struct {
	Lang    string `json:"lang"`               // the page's language (en, es, eu)
	Kind    string `json:"kind"`               // the kind of the figure (KindCount…)
	Measure string `json:"measure"`            // what the figure is, e.g. "Projects"
	X       string `json:"x,omitempty"`        // the dimension along x (or of the slices, nodes, places)
	Y       string `json:"y,omitempty"`        // the dimension along y (heatmap rows, radar axes' scheme)
	XKind   string `json:"xkind,omitempty"`    // the kind of the x categories when they are dates (months)
	YKind   string `json:"ykind,omitempty"`    // scatter: the kind of the y figure
	YName   string `json:"ymeasure,omitempty"` // scatter: what the y figure is
}

// formatKey is where an Option carries its Format; the page script takes
// it out before ECharts reads the option.
const formatKey = "begira"

// withFormat attaches f to o.
func withFormat(o Option, f Format) Option {
	o[formatKey] = f
	return o
}

// FormatOf returns the Format o carries, if any.
func FormatOf(o Option) (Format, bool) {
	f, ok := o[formatKey].(Format)
	return f, ok
}

// WithFormat attaches the Format of a chart drawn outside this package
// (the snapshot diff's sankey) in lang.
func WithFormat(o Option, lang, kind, measure, x string) Option {
	return withFormat(o, Format{Lang: lang, Kind: kind, Measure: measure, X: x})
}
