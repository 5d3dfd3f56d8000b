package i18n

// linksCatalogue holds the strings of the links list (the rows of a cell of
// the cross-level heatmap); init merges it into catalogue.
var linksCatalogue = map[string]map[string]string{
	"en": {
		"links.title":   "Links between levels of action",
		"links.heading": "Links between %s and %s",
		"links.count":   "%s links",
		"links.how":     "Two projects are linked when they share an organisation (organisations in more than %d projects of the scope are hubs and link none); the cell of the heatmap counts these links.",
		"links.shared":  "Shared organisations",
		"links.none":    "No link joins these levels in this scope.",
	},
	"es": {
		"links.title":   "Enlaces entre niveles de acción",
		"links.heading": "Enlaces entre %s y %s",
		"links.count":   "%s enlaces",
		"links.how":     "Dos proyectos están enlazados cuando comparten una organización (las organizaciones presentes en más de %d proyectos del ámbito son nodos centrales y no enlazan ninguno); la celda del mapa de calor cuenta estos enlaces.",
		"links.shared":  "Organizaciones compartidas",
		"links.none":    "Ningún enlace une estos niveles en este ámbito.",
	},
	"eu": {
		"links.title":   "Ekintza mailen arteko loturak",
		"links.heading": "%s eta %s arteko loturak",
		"links.count":   "%s lotura",
		"links.how":     "Bi proiektu lotuta daude erakunde bat partekatzen dutenean (esparruko %d proiektu baino gehiagotan dauden erakundeak gune nagusiak dira eta ez dute ezer lotzen); bero-mapako gelaxkak lotura hauek zenbatzen ditu.",
		"links.shared":  "Partekatutako erakundeak",
		"links.none":    "Ez dago maila hauek lotzen dituen loturarik esparru honetan.",
	},
}

func init() {
	for lang, m := range linksCatalogue {
		for k, v := range m {
			catalogue[lang][k] = v
		}
	}
}
