package alert

import (
	"fmt"
	"html"
	"strings"

	"github.com/begira/begira/internal/mail"
	"github.com/begira/begira/internal/portfolio"
)

// titles name the events per language.
var titles = map[string]map[string]string{
	"en": {portfolio.AlertCoverageEmptied: "a relevant coverage cell became empty", portfolio.AlertBlindSpot: "a new blind spot",
		portfolio.AlertImportFailed: "an import failed", portfolio.AlertJobFailedTwice: "a job failed twice in a row", "alert": "Alert"},
	"es": {portfolio.AlertCoverageEmptied: "una celda de cobertura relevante ha quedado vacía", portfolio.AlertBlindSpot: "un nuevo punto ciego",
		portfolio.AlertImportFailed: "ha fallado una importación", portfolio.AlertJobFailedTwice: "una tarea ha fallado dos veces seguidas", "alert": "Alerta"},
	"eu": {portfolio.AlertCoverageEmptied: "estaldura-gelaxka garrantzitsu bat hutsik geratu da", portfolio.AlertBlindSpot: "puntu itsu berri bat",
		portfolio.AlertImportFailed: "inportazio batek huts egin du", portfolio.AlertJobFailedTwice: "lan batek bi aldiz jarraian huts egin du", "alert": "Alerta"},
}

func title(lang, key string) string {
	if t, ok := titles[lang][key]; ok {
		return t
	}
	return titles["en"][key]
}

// composeAlert writes an alert email: what happened in the reader's
// language, the details as written by Begira.
func composeAlert(m *portfolio.Mission, lang string, ev Event, to string) mail.Message {
	head := fmt.Sprintf("%s — %s: %s", title(lang, "alert"), m.Title.In(lang), title(lang, ev.Kind))
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\n%s\n%s\n", head, ev.Summary, ev.At.Format("2006-01-02 15:04 MST"))
	var h strings.Builder
	fmt.Fprintf(&h, `<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title></head><body style="font-family: sans-serif;">`,
		html.EscapeString(lang), html.EscapeString(head))
	fmt.Fprintf(&h, "<h1 style=\"font-size: 1.2em;\">%s</h1><p>%s</p><p style=\"color: #666;\">%s</p></body></html>",
		html.EscapeString(head), html.EscapeString(ev.Summary), html.EscapeString(ev.At.Format("2006-01-02 15:04 MST")))
	return mail.Message{To: to, Subject: strings.Join(strings.Fields(head), " "), Text: text.String(), HTML: h.String()}
}
