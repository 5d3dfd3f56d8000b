package dashboard

import (
	"encoding/json"
	"html/template"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
)

// Choropleth is what the territory map colours when the page has
// boundaries: each municipality (by INE code) with every measure the
// reader may switch between, the figure's text in the reader's language,
// and the key of the mark a click opens (the same marks as the bubbles').
type Choropleth struct {
	Measures []string         `json:"measures"` // labels, in the order of Area.Values
	Areas    []ChoroplethArea `json:"areas"`
}

// ChoroplethArea is one municipality of a Choropleth.
type ChoroplethArea struct {
	Code   string    `json:"code"`
	Name   string    `json:"name"`
	Values []float64 `json:"v"`
	Texts  []string  `json:"t"`
	Drill  string    `json:"drill"`
}

// Measures of the territory map, in the order of ChoroplethArea.Values.
const (
	MapProjects = iota
	MapBudget
	MapProjectsPer10k
	MapEURPerInhabitant
)

// choropleth returns the territory's measures per municipality: projects
// and budget in scope, and both per inhabitant (a municipality without a
// known population has no per-inhabitant figure, shown as 0 and "–").
func choropleth(places []metrics.Place, names []string, lang string) *Choropleth {
	ch := &Choropleth{Measures: []string{
		i18n.T(lang, "map.measure.projects"), i18n.T(lang, "map.measure.budget"),
		i18n.T(lang, "map.measure.projects_per_10k"), i18n.T(lang, "map.measure.eur_per_inhabitant")}}
	for i, p := range places {
		a := choroplethValues(p, lang)
		a.Name, a.Drill = names[i], "m:"+p.Code
		ch.Areas = append(ch.Areas, a)
	}
	return ch
}

// choroplethValues computes one municipality's four measures and texts.
func choroplethValues(p metrics.Place, lang string) ChoroplethArea {
	a := ChoroplethArea{Code: p.Code, Values: make([]float64, 4), Texts: make([]string, 4)}
	a.Values[MapProjects], a.Texts[MapProjects] = float64(p.Projects), i18n.Int(lang, p.Projects)
	a.Values[MapBudget], a.Texts[MapBudget] = p.Budget, i18n.EUR(lang, p.Budget)
	a.Texts[MapProjectsPer10k], a.Texts[MapEURPerInhabitant] = "–", "–"
	if p.Population > 0 {
		per10k := float64(p.Projects) * 1e4 / float64(p.Population)
		perInh := p.Budget / float64(p.Population)
		a.Values[MapProjectsPer10k], a.Texts[MapProjectsPer10k] = per10k, i18n.Number(lang, per10k, 1)
		a.Values[MapEURPerInhabitant], a.Texts[MapEURPerInhabitant] = perInh, i18n.EUR(lang, perInh)
	}
	return a
}

// ChoroplethJSON is the map's data for the page script (HTML-safe JSON),
// or null when the panel is not a territory map.
func (p PanelView) ChoroplethJSON() template.JS {
	if p.Choropleth == nil {
		return "null"
	}
	b, _ := json.Marshal(p.Choropleth) // escapes <, > and & for a <script> element
	return template.JS(b)
}
