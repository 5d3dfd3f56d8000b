package i18n

// committeeCatalogue holds the strings of the committee's pages (the
// decisions page, the digest's week picker, the metric catalogue); init
// merges it into catalogue.
var committeeCatalogue = map[string]map[string]string{
	"en": {
		"nav.decisions":          "Decisions",
		"decisions.title":        "Decisions",
		"decisions.lead":         "%d decisions recorded by the committee, %d of them overdue today (%s).",
		"decisions.overdue_only": "Overdue only",
		"decisions.overdue":      "Overdue",
		"decisions.history":      "Status history",
		"decisions.none_match":   "No decision matches these filters.",
	},
	"es": {
		"nav.decisions":          "Decisiones",
		"decisions.title":        "Decisiones",
		"decisions.lead":         "%d decisiones registradas por el comité, %d de ellas vencidas hoy (%s).",
		"decisions.overdue_only": "Solo vencidas",
		"decisions.overdue":      "Vencida",
		"decisions.history":      "Historial de estados",
		"decisions.none_match":   "Ninguna decisión cumple estos filtros.",
	},
	"eu": {
		"nav.decisions":          "Erabakiak",
		"decisions.title":        "Erabakiak",
		"decisions.lead":         "Batzordeak erregistratutako %d erabaki, horietatik %d epez kanpo gaur (%s).",
		"decisions.overdue_only": "Epez kanpokoak soilik",
		"decisions.overdue":      "Epez kanpo",
		"decisions.history":      "Egoeren historia",
		"decisions.none_match":   "Ez dago iragazki hauekin bat datorren erabakirik.",
	},
}
