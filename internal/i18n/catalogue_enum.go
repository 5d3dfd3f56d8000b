package i18n

// enumCatalogue names the fixed values of the data model — project and
// signal statuses, source types, import states and modes — in each
// language; pages show them through Enum, CSV and the API keep the codes.
var enumCatalogue = map[string]map[string]string{
	"en": {
		"enum.signal_type.weak_signal": "weak signal", "enum.signal_type.emerging_issue": "emerging issue",
		"enum.signal_type.trend_evidence": "trend evidence", "enum.signal_type.wild_card": "wild card",
		"enum.sentiment.positive": "positive", "enum.sentiment.negative": "negative", "enum.sentiment.mixed": "mixed",
		"enum.size_class.micro": "micro", "enum.size_class.small": "small", "enum.size_class.medium": "medium", "enum.size_class.large": "large",
		"enum.project_status.planned": "planned", "enum.project_status.active": "active", "enum.project_status.paused": "paused",
		"enum.project_status.completed": "completed", "enum.project_status.stopped": "stopped",
		"enum.signal_status.draft": "draft", "enum.signal_status.new": "new", "enum.signal_status.approved": "approved",
		"enum.signal_status.archived": "archived",
		"enum.source_type.news":       "news", "enum.source_type.research": "research", "enum.source_type.policy": "policy",
		"enum.source_type.citizen_story": "citizen story", "enum.source_type.expert": "expert", "enum.source_type.workshop": "workshop",
		"enum.source_type.project_report": "project report", "enum.source_type.indicator": "indicator", "enum.source_type.other": "other",
		"enum.import_status.running": "running", "enum.import_status.previewed": "previewed", "enum.import_status.committed": "committed",
		"enum.import_status.rolled_back": "rolled back", "enum.import_status.failed": "failed", "enum.import_status.discarded": "discarded",
		"enum.import_kind.projects": "projects", "enum.import_kind.organisations": "organisations", "enum.import_kind.signals": "signals",
		"enum.import_mode.append": "append", "enum.import_mode.upsert": "upsert", "enum.import_mode.replace": "replace",
	},
	"es": {
		"enum.signal_type.weak_signal": "señal débil", "enum.signal_type.emerging_issue": "tema emergente",
		"enum.signal_type.trend_evidence": "evidencia de tendencia", "enum.signal_type.wild_card": "comodín",
		"enum.sentiment.positive": "positivo", "enum.sentiment.negative": "negativo", "enum.sentiment.mixed": "mixto",
		"enum.size_class.micro": "microempresa", "enum.size_class.small": "pequeña", "enum.size_class.medium": "mediana", "enum.size_class.large": "grande",
		"enum.project_status.planned": "previsto", "enum.project_status.active": "activo", "enum.project_status.paused": "en pausa",
		"enum.project_status.completed": "terminado", "enum.project_status.stopped": "detenido",
		"enum.signal_status.draft": "borrador", "enum.signal_status.new": "nueva", "enum.signal_status.approved": "aprobada",
		"enum.signal_status.archived": "archivada",
		"enum.source_type.news":       "noticia", "enum.source_type.research": "investigación", "enum.source_type.policy": "política pública",
		"enum.source_type.citizen_story": "relato ciudadano", "enum.source_type.expert": "experto", "enum.source_type.workshop": "taller",
		"enum.source_type.project_report": "informe de proyecto", "enum.source_type.indicator": "indicador", "enum.source_type.other": "otro",
		"enum.import_status.running": "en curso", "enum.import_status.previewed": "revisada", "enum.import_status.committed": "confirmada",
		"enum.import_status.rolled_back": "deshecha", "enum.import_status.failed": "fallida", "enum.import_status.discarded": "descartada",
		"enum.import_kind.projects": "proyectos", "enum.import_kind.organisations": "organizaciones", "enum.import_kind.signals": "señales",
		"enum.import_mode.append": "añadir", "enum.import_mode.upsert": "actualizar", "enum.import_mode.replace": "sustituir",
	},
	"eu": {
		"enum.signal_type.weak_signal": "seinale ahula", "enum.signal_type.emerging_issue": "gai berria",
		"enum.signal_type.trend_evidence": "joeraren ebidentzia", "enum.signal_type.wild_card": "ustekabekoa",
		"enum.sentiment.positive": "positiboa", "enum.sentiment.negative": "negatiboa", "enum.sentiment.mixed": "mistoa",
		"enum.size_class.micro": "mikroenpresa", "enum.size_class.small": "txikia", "enum.size_class.medium": "ertaina", "enum.size_class.large": "handia",
		"enum.project_status.planned": "aurreikusia", "enum.project_status.active": "aktiboa", "enum.project_status.paused": "etenda",
		"enum.project_status.completed": "amaitua", "enum.project_status.stopped": "geldituta",
		"enum.signal_status.draft": "zirriborroa", "enum.signal_status.new": "berria", "enum.signal_status.approved": "onartua",
		"enum.signal_status.archived": "artxibatua",
		"enum.source_type.news":       "albistea", "enum.source_type.research": "ikerketa", "enum.source_type.policy": "politika publikoa",
		"enum.source_type.citizen_story": "herritarren kontakizuna", "enum.source_type.expert": "aditua", "enum.source_type.workshop": "tailerra",
		"enum.source_type.project_report": "proiektu-txostena", "enum.source_type.indicator": "adierazlea", "enum.source_type.other": "bestelakoa",
		"enum.import_status.running": "martxan", "enum.import_status.previewed": "berrikusia", "enum.import_status.committed": "baieztatua",
		"enum.import_status.rolled_back": "desegina", "enum.import_status.failed": "hutsegitea", "enum.import_status.discarded": "baztertua",
		"enum.import_kind.projects": "proiektuak", "enum.import_kind.organisations": "erakundeak", "enum.import_kind.signals": "seinaleak",
		"enum.import_mode.append": "gehitu", "enum.import_mode.upsert": "eguneratu", "enum.import_mode.replace": "ordezkatu",
	},
}

// init merges the catalogues kept in their own files into catalogue.
func init() {
	for _, extra := range []map[string]map[string]string{accessCatalogue, enumCatalogue, scopeCatalogue, committeeCatalogue} {
		for lang, m := range extra {
			for k, v := range m {
				catalogue[lang][k] = v
			}
		}
	}
}

// Enum names a fixed value of kind (project_status, signal_status,
// source_type, signal_type, sentiment, size_class, import_status,
// import_kind, import_mode) in lang; a value
// without a name is shown as it is.
func Enum(lang, kind, value string) string {
	key := "enum." + kind + "." + value
	if _, ok := catalogue["en"][key]; !ok {
		return value
	}
	return T(lang, key)
}
