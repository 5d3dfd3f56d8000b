package i18n

// boundsCatalogue holds the strings of bounded pages: what a page says
// when it shows part of a large portfolio.
var boundsCatalogue = map[string]map[string]string{
	"en": {
		"chart.other":           "Other",
		"table.cut":             "The table shows the first %d of %d rows; the CSV has them all.",
		"summary.graph_anchors": "The chart shows the %d anchor projects and the %d heaviest links among them.",
	},
	"es": {
		"chart.other":           "Otros",
		"table.cut":             "La tabla muestra las primeras %d de %d filas; el CSV las tiene todas.",
		"summary.graph_anchors": "El gráfico muestra los %d proyectos ancla y los %d enlaces más fuertes entre ellos.",
	},
	"eu": {
		"chart.other":           "Besteak",
		"table.cut":             "Taulak lehen %d errenkadak erakusten ditu (%d guztira); CSVak denak ditu.",
		"summary.graph_anchors": "Grafikoak %d aingura-proiektuak eta haien arteko %d lotura sendoenak erakusten ditu.",
	},
}

// init merges boundsCatalogue into catalogue.
func init() {
	for lang, m := range boundsCatalogue {
		for k, v := range m {
			catalogue[lang][k] = v
		}
	}
}
