package i18n

// scaleCatalogue holds the strings of the network page: its clusters,
// hubs, search and the toggle between projects and organisations.
var scaleCatalogue = map[string]map[string]string{
	"en": {
		"chart.cluster":         "Cluster %d: %s",
		"chart.other_clusters":  "Other clusters",
		"chart.no_cluster":      "No thematic cluster",
		"chart.organisation":    "Organisation",
		"chart.hub":             "Hub (more than %d projects)",
		"summary.graph_colour":  "Colour shows the thematic cluster; the %d anchor projects are named.",
		"summary.graph_hubs":    "%d hub organisations, each in more than %d projects, link no projects here; the organisation network shows them.",
		"network.view":          "Show",
		"network.projects":      "Project network",
		"network.organisations": "Organisation network",
		"network.search":        "Find a node",
		"network.search_hint":   "Part of a name or code",
		"network.search_go":     "Focus",
		"network.search_none":   "No node matches.",
		"network.search_found":  "%s and its neighbours.",
	},
	"es": {
		"chart.cluster":         "Clúster %d: %s",
		"chart.other_clusters":  "Otros clústeres",
		"chart.no_cluster":      "Sin clúster temático",
		"chart.organisation":    "Organización",
		"chart.hub":             "Nodo central (más de %d proyectos)",
		"summary.graph_colour":  "El color indica el clúster temático; se nombran los %d proyectos ancla.",
		"summary.graph_hubs":    "%d organizaciones centrales, cada una en más de %d proyectos, no enlazan proyectos aquí; la red de organizaciones las muestra.",
		"network.view":          "Mostrar",
		"network.projects":      "Red de proyectos",
		"network.organisations": "Red de organizaciones",
		"network.search":        "Buscar un nodo",
		"network.search_hint":   "Parte de un nombre o código",
		"network.search_go":     "Enfocar",
		"network.search_none":   "Ningún nodo coincide.",
		"network.search_found":  "%s y sus vecinos.",
	},
	"eu": {
		"chart.cluster":         "%d. multzoa: %s",
		"chart.other_clusters":  "Beste multzoak",
		"chart.no_cluster":      "Multzo tematikorik gabe",
		"chart.organisation":    "Erakundea",
		"chart.hub":             "Gunea (%d proiektu baino gehiago)",
		"summary.graph_colour":  "Koloreak multzo tematikoa adierazten du; %d aingura-proiektuen izenak agertzen dira.",
		"summary.graph_hubs":    "%d gune-erakundek, bakoitza %d proiektu baino gehiagotan, ez dituzte hemen proiektuak lotzen; erakundeen sareak erakusten ditu.",
		"network.view":          "Erakutsi",
		"network.projects":      "Proiektuen sarea",
		"network.organisations": "Erakundeen sarea",
		"network.search":        "Bilatu nodo bat",
		"network.search_hint":   "Izen edo kode baten zatia",
		"network.search_go":     "Fokatu",
		"network.search_none":   "Ez dago bat datorren nodorik.",
		"network.search_found":  "%s eta bere auzokideak.",
	},
}

// init merges scaleCatalogue into catalogue.
func init() {
	for lang, m := range scaleCatalogue {
		for k, v := range m {
			catalogue[lang][k] = v
		}
	}
}
