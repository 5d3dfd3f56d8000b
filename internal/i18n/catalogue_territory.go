package i18n

// territoryCatalogue holds the strings of the territory map, the comarca
// filter, the first run of an empty instance and the empty states; init
// merges it into catalogue.
var territoryCatalogue = map[string]map[string]string{
	"en": {
		"map.measure":                    "Colour by",
		"map.measure.projects":           "Projects",
		"map.measure.budget":             "Budget (€)",
		"map.measure.projects_per_10k":   "Projects per 10,000 inhabitants",
		"map.measure.eur_per_inhabitant": "€ per inhabitant",
		"col.population":                 "Population",
		"filter.comarca":                 "Comarca",
		"summary.territory_none":         "%d of %d municipalities have no project in scope.",
	},
	"es": {
		"map.measure":                    "Colorear por",
		"map.measure.projects":           "Proyectos",
		"map.measure.budget":             "Presupuesto (€)",
		"map.measure.projects_per_10k":   "Proyectos por 10.000 habitantes",
		"map.measure.eur_per_inhabitant": "€ por habitante",
		"col.population":                 "Población",
		"filter.comarca":                 "Comarca",
		"summary.territory_none":         "%d de %d municipios no tienen ningún proyecto en el ámbito.",
	},
	"eu": {
		"map.measure":                    "Koloreztatu honen arabera",
		"map.measure.projects":           "Proiektuak",
		"map.measure.budget":             "Aurrekontua (€)",
		"map.measure.projects_per_10k":   "Proiektuak 10.000 biztanleko",
		"map.measure.eur_per_inhabitant": "€ biztanleko",
		"col.population":                 "Biztanleria",
		"filter.comarca":                 "Eskualdea",
		"summary.territory_none":         "%d udalerritan ez dago esparruko proiekturik (guztira %d).",
	},
}

func init() {
	for lang, m := range territoryCatalogue {
		for k, v := range m {
			catalogue[lang][k] = v
		}
	}
}
