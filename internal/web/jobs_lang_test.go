package web_test

import (
	"context"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// TestJobErrorsInTheReadersLanguage: a failed run keeps its job's English
// text (the API answers it, English pages show it), while Spanish and
// Basque pages say it by its code, keeping the data it names: the source,
// the HTTP status, an import's counts.
func TestJobErrorsInTheReadersLanguage(t *testing.T) {
	ctx := portfolio.WithActor(context.Background(), "test")
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := testDeps(st, st, discardLogger())
	d.Jobs = st
	app := web.New(d, web.Options{})
	texts := []string{
		`EUPSTREAM: source "feed": https://data.example.org/p.csv answered HTTP 503 Service Unavailable; the previous data is kept`,
		`EREJECTED: source "feed": import 7 was not committed: 2 of 40 rows were rejected (first: line 3, column budget: not a number); the previous data is kept`,
		"skipped: the previous run is still running",
		"panic: runtime error: index out of range",
	}
	for _, text := range texts {
		now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		if _, err := st.StartJobRun(ctx, portfolio.JobRun{Job: "pull_feed", Trigger: portfolio.JobTriggerSchedule,
			StartedAt: now, FinishedAt: &now, Status: portfolio.JobFailed, Error: text}); err != nil {
			t.Fatal(err)
		}
	}
	// A run the server's stop cut short: the store writes its text.
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	if _, err := st.StartJobRun(ctx, portfolio.JobRun{Job: "snapshot", Trigger: portfolio.JobTriggerSchedule, StartedAt: now}); err != nil {
		t.Fatal(err)
	}
	if n, err := st.AbandonJobRuns(ctx, now.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("abandon: %d, %v", n, err)
	}
	b := newBrowser(t, app)
	auth := map[string]string{"Authorization": "Bearer " + testAdminToken}
	want := map[string][]string{
		"en": texts,
		"es": {"La fuente feed respondió HTTP 503; se conservan los datos anteriores.",
			"La importación 7 no se confirmó: se rechazaron 2 de 40 filas; se conservan los datos anteriores.",
			"Omitida: la ejecución anterior seguía en curso.", "La tarea falló de forma inesperada",
			"Interrumpida: el servidor se detuvo mientras se ejecutaba la tarea."},
		"eu": {"feed iturriak HTTP 503 erantzun du; aurreko datuak gordetzen dira.",
			"7 inportazioa ez da berretsi: 2 errenkada baztertu dira (40 errenkadatik)",
			"Saltatua: aurreko exekuzioa oraindik abian zegoen.", "Lanak ustekabean huts egin du",
			"Etenda: zerbitzaria gelditu zen lana egiten ari zela."},
	}
	for lang, msgs := range want {
		code, page, _ := b.do("GET", "/jobs?lang="+lang, auth, "")
		if code != 200 {
			t.Fatalf("/jobs?lang=%s: %d", lang, code)
		}
		page = html.UnescapeString(page)
		for _, m := range msgs {
			if !strings.Contains(page, m) {
				t.Errorf("/jobs in %s does not say %q", lang, m)
			}
		}
		if lang != "en" {
			for _, english := range []string{"answered HTTP", "was not committed", "still running", "runtime error", "server stopped"} {
				if strings.Contains(page, english) {
					t.Errorf("/jobs in %s shows the English %q", lang, english)
				}
			}
		}
	}
	// The API keeps the English text.
	_, body, _ := b.do("GET", "/api/v1/jobs", auth, "")
	if !strings.Contains(body, "answered HTTP 503") {
		t.Errorf("the API lost the run's English text: %s", body)
	}
}
