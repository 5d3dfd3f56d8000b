package mail

// words are the messages' own strings per language. They live here, not
// in the pages' catalogue: mail is read away from Begira, and its texts
// change with the mail, not with the pages.
var words = map[string]map[string]string{
	"en": {
		"snapshot.subject":  "%s: snapshot %s",
		"snapshot.intro":    "A snapshot of %s was taken on %s.",
		"snapshot.figures":  "Headline figures",
		"snapshot.first":    "This is the mission's first snapshot: there is nothing to compare with yet.",
		"snapshot.gaps":     "Coverage cells that became empty",
		"snapshot.blind":    "New blind spots (signals without projects)",
		"snapshot.due":      "Decisions due in the next two weeks or overdue",
		"snapshot.none":     "None.",
		"snapshot.link":     "Open the snapshot pack (no login needed; the link expires on %s):",
		"digest.subject":    "%s: signals of the week %s – %s",
		"digest.intro":      "%d signals were observed for %s from %s to %s.",
		"digest.untagged":   "Without a term",
		"digest.open":       "Open the digest:",
		"kpi.projects":      "Projects",
		"kpi.budget":        "Budget (EUR)",
		"kpi.organisations": "Organisations",
		"kpi.signals":       "Signals",
		"kpi.empty_cells":   "Empty coverage cells",
		"footer":            "You receive this because you are subscribed to %s in Begira. Ask its administrator to change that.",
	},
	"es": {
		"snapshot.subject":  "%s: instantánea %s",
		"snapshot.intro":    "Se tomó una instantánea de %s el %s.",
		"snapshot.figures":  "Cifras principales",
		"snapshot.first":    "Es la primera instantánea de la misión: aún no hay con qué comparar.",
		"snapshot.gaps":     "Celdas de cobertura que han quedado vacías",
		"snapshot.blind":    "Nuevos puntos ciegos (señales sin proyectos)",
		"snapshot.due":      "Decisiones que vencen en las próximas dos semanas o ya vencidas",
		"snapshot.none":     "Ninguna.",
		"snapshot.link":     "Abra el dosier de la instantánea (sin iniciar sesión; el enlace caduca el %s):",
		"digest.subject":    "%s: señales de la semana %s – %s",
		"digest.intro":      "Se observaron %d señales para %s del %s al %s.",
		"digest.untagged":   "Sin término",
		"digest.open":       "Abra el resumen:",
		"kpi.projects":      "Proyectos",
		"kpi.budget":        "Presupuesto (EUR)",
		"kpi.organisations": "Organizaciones",
		"kpi.signals":       "Señales",
		"kpi.empty_cells":   "Celdas de cobertura vacías",
		"footer":            "Recibe este correo porque está suscrito a %s en Begira. Pida a su administración que lo cambie.",
	},
	"eu": {
		"snapshot.subject":  "%s: %s argazkia",
		"snapshot.intro":    "%s misioaren argazkia atera da (%s).",
		"snapshot.figures":  "Zifra nagusiak",
		"snapshot.first":    "Misioaren lehen argazkia da: oraindik ez dago zerekin alderatu.",
		"snapshot.gaps":     "Hutsik geratu diren estaldura-gelaxkak",
		"snapshot.blind":    "Puntu itsu berriak (proiekturik gabeko seinaleak)",
		"snapshot.due":      "Hurrengo bi asteetan epea betetzen duten edo epez kanpo dauden erabakiak",
		"snapshot.none":     "Bat ere ez.",
		"snapshot.link":     "Ireki argazkiaren dosierra (saioa hasi gabe; esteka %s iraungiko da):",
		"digest.subject":    "%s: asteko seinaleak %s – %s",
		"digest.intro":      "%d seinale behatu dira %s misiorako, %s eta %s bitartean.",
		"digest.untagged":   "Terminorik gabe",
		"digest.open":       "Ireki laburpena:",
		"kpi.projects":      "Proiektuak",
		"kpi.budget":        "Aurrekontua (EUR)",
		"kpi.organisations": "Erakundeak",
		"kpi.signals":       "Seinaleak",
		"kpi.empty_cells":   "Estaldura-gelaxka hutsak",
		"footer":            "Mezu hau jasotzen duzu Begiran %s misiora harpidetuta zaudelako. Eskatu administratzaileari aldatzeko.",
	},
}

// word returns key in lang, falling back to English.
func word(lang, key string) string {
	if w, ok := words[lang][key]; ok {
		return w
	}
	return words["en"][key]
}
