package i18n

// listsCatalogue holds the strings of the lists (search, order, exports),
// the detail pages of projects, signals and organisations, and the
// committee pack's summary; init merges it into catalogue.
var listsCatalogue = map[string]map[string]string{
	"en": {
		"col.comarca": "Comarca", "col.summary": "Summary", "col.start": "Start", "col.end": "End",
		"col.novelty": "Novelty", "col.url": "Link", "col.size": "Size", "col.founded": "Founded",
		"col.relation": "Link", "col.snapshot": "Snapshot", "col.role": "Role",
		"list.search": "Search", "list.search_hint": "Title, summary, organisation…", "list.page_size": "Rows per page",
		"list.search_go": "Search", "list.matching": "%s match “%s”.", "list.clear": "Clear the search",
		"list.export":      "Download this list",
		"signals.answered": "Answered by a project", "signals.answered_no": "By no project", "signals.answered_yes": "By at least one project",
		"project.intent": "Intent", "project.updated": "Updated", "project.signals": "Signals linked to this project",
		"project.no_signals": "No signal is linked to this project.", "project.snapshots": "In each snapshot",
		"project.no_snapshots": "No snapshot holds this project yet.", "project.batches": "Imports that wrote it",
		"project.created_by": "created by import", "project.changed_by": "changed by import",
		"project.no_batches": "No committed import wrote this row.",
		"signal.back":        "← All signals", "signal.type": "Type of signal", "signal.sentiment": "Sentiment",
		"signal.observer": "Observed by", "signal.projects": "Projects linked to this signal",
		"signal.no_projects": "No project answers this signal.", "signal.history": "Status history",
		"organisation.back": "← All organisations", "organisation.levels": "Levels of action",
		"organisation.network": "Network position", "organisation.degree": "Shares projects with %s organisations: %s of %s by connections.",
		"organisation.no_network": "Shares no project in scope with another organisation.",
		"organisation.projects":   "Projects it takes part in",
		"enum.relation.informs":   "informs", "enum.relation.addressed_by": "addressed by", "enum.relation.challenges": "challenges",
		"enum.org_role.lead": "lead", "enum.org_role.partner": "partner", "enum.org_role.funder": "funder",
		"enum.org_role.beneficiary": "beneficiary", "enum.org_role.community_host": "community host",
	},
	"es": {
		"col.comarca": "Comarca", "col.summary": "Resumen", "col.start": "Inicio", "col.end": "Fin",
		"col.novelty": "Novedad", "col.url": "Enlace", "col.size": "Tamaño", "col.founded": "Fundación",
		"col.relation": "Vínculo", "col.snapshot": "Instantánea", "col.role": "Papel",
		"list.search": "Buscar", "list.search_hint": "Título, resumen, organización…", "list.page_size": "Filas por página",
		"list.search_go": "Buscar", "list.matching": "%s coinciden con «%s».", "list.clear": "Quitar la búsqueda",
		"list.export":      "Descargar esta lista",
		"signals.answered": "Respondida por un proyecto", "signals.answered_no": "Por ningún proyecto", "signals.answered_yes": "Por algún proyecto",
		"project.intent": "Intención", "project.updated": "Actualizado", "project.signals": "Señales vinculadas a este proyecto",
		"project.no_signals": "Ninguna señal está vinculada a este proyecto.", "project.snapshots": "En cada instantánea",
		"project.no_snapshots": "Ninguna instantánea incluye aún este proyecto.", "project.batches": "Importaciones que lo escribieron",
		"project.created_by": "creado por la importación", "project.changed_by": "modificado por la importación",
		"project.no_batches": "Ninguna importación confirmada escribió esta fila.",
		"signal.back":        "← Todas las señales", "signal.type": "Tipo de señal", "signal.sentiment": "Tono",
		"signal.observer": "Observada por", "signal.projects": "Proyectos vinculados a esta señal",
		"signal.no_projects": "Ningún proyecto responde a esta señal.", "signal.history": "Historial de estados",
		"organisation.back": "← Todas las organizaciones", "organisation.levels": "Niveles de acción",
		"organisation.network": "Posición en la red", "organisation.degree": "Comparte proyectos con %s organizaciones: puesto %s de %s por conexiones.",
		"organisation.no_network": "No comparte ningún proyecto del ámbito con otra organización.",
		"organisation.projects":   "Proyectos en los que participa",
		"enum.relation.informs":   "informa", "enum.relation.addressed_by": "abordada por", "enum.relation.challenges": "cuestiona",
		"enum.org_role.lead": "líder", "enum.org_role.partner": "socia", "enum.org_role.funder": "financiadora",
		"enum.org_role.beneficiary": "beneficiaria", "enum.org_role.community_host": "anfitriona comunitaria",
	},
	"eu": {
		"col.comarca": "Eskualdea", "col.summary": "Laburpena", "col.start": "Hasiera", "col.end": "Amaiera",
		"col.novelty": "Berritasuna", "col.url": "Esteka", "col.size": "Tamaina", "col.founded": "Sorrera",
		"col.relation": "Lotura", "col.snapshot": "Argazkia", "col.role": "Rola",
		"list.search": "Bilatu", "list.search_hint": "Izenburua, laburpena, erakundea…", "list.page_size": "Errenkadak orriko",
		"list.search_go": "Bilatu", "list.matching": "%s bat datoz «%s» bilaketarekin.", "list.clear": "Kendu bilaketa",
		"list.export":      "Deskargatu zerrenda hau",
		"signals.answered": "Proiektu batek erantzuna", "signals.answered_no": "Inongo proiektuk ez", "signals.answered_yes": "Proiekturen batek",
		"project.intent": "Asmoa", "project.updated": "Eguneratua", "project.signals": "Proiektu honi lotutako seinaleak",
		"project.no_signals": "Ez dago seinalerik proiektu honi lotuta.", "project.snapshots": "Argazki bakoitzean",
		"project.no_snapshots": "Oraindik ez dago proiektu hau duen argazkirik.", "project.batches": "Idatzi zuten inportazioak",
		"project.created_by": "inportazio honek sortua", "project.changed_by": "inportazio honek aldatua",
		"project.no_batches": "Ez du inportazio berretsirik errenkada hau idatzi.",
		"signal.back":        "← Seinale guztiak", "signal.type": "Seinale mota", "signal.sentiment": "Tonua",
		"signal.observer": "Behatzailea", "signal.projects": "Seinale honi lotutako proiektuak",
		"signal.no_projects": "Ez dago seinale honi erantzuten dion proiekturik.", "signal.history": "Egoeren historia",
		"organisation.back": "← Erakunde guztiak", "organisation.levels": "Ekintza mailak",
		"organisation.network": "Sareko posizioa", "organisation.degree": "%s erakunderekin partekatzen ditu proiektuak: %s. postua %s erakundetik, loturen arabera.",
		"organisation.no_network": "Ez du esparruko proiekturik beste erakunde batekin partekatzen.",
		"organisation.projects":   "Parte hartzen duen proiektuak",
		"enum.relation.informs":   "informatzen du", "enum.relation.addressed_by": "honek jorratua", "enum.relation.challenges": "zalantzan jartzen du",
		"enum.org_role.lead": "burua", "enum.org_role.partner": "bazkidea", "enum.org_role.funder": "finantzatzailea",
		"enum.org_role.beneficiary": "onuraduna", "enum.org_role.community_host": "komunitate-harrera",
	},
}

func init() {
	for lang, m := range listsCatalogue {
		for k, v := range m {
			catalogue[lang][k] = v
		}
	}
}
