package web_test

import (
	"context"
	"encoding/json"
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

// TestJobResultsInTheReadersLanguage: a run's result is the JSON its job
// returned; the page names each figure and the job in the reader's
// language and writes counts, times and a pull's status the page's way,
// never as raw JSON or codes. The API keeps the JSON.
func TestJobResultsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	ctx := portfolio.WithActor(context.Background(), "test")
	st, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := testDeps(st, st, discardLogger())
	d.Jobs = st
	app := web.New(d, web.Options{})
	runs := map[string]string{
		"snapshot":  `{"snapshot":12}`,
		"pull_feed": `{"mission":"m","source":"feed","status":"unchanged","rows_ok":12500,"http_status":200}`,
		"digest":    `{"signals":1580,"from":"2026-11-20T09:00:00Z","to":"2026-11-27T09:00:00Z"}`,
	}
	for job, detail := range runs {
		now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		id, err := st.StartJobRun(ctx, portfolio.JobRun{Job: job, Trigger: portfolio.JobTriggerSchedule, StartedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.FinishJobRun(ctx, id, now, portfolio.JobOK, "", json.RawMessage(detail)); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, app)
	auth := map[string]string{"Authorization": "Bearer " + testAdminToken}
	want := map[string][]string{
		"en": {"Take a snapshot", "Snapshot: 12", "Pull the source feed", "Result: same file as last time",
			"Rows accepted: 12,500", "Signals: 1,580", "Weekly digest"},
		"es": {"Tomar una instantánea", "Instantánea: 12", "Descargar la fuente feed", "Resultado: el mismo fichero que la última vez",
			"Filas aceptadas: 12.500", "Señales: 1580", "Resumen semanal"},
		"eu": {"Argazkia atera", "Argazkia: 12", "feed iturria deskargatu", "Emaitza: azken aldiko fitxategi bera",
			"Onartutako errenkadak: 12.500", "Seinaleak: 1.580", "Asteko laburpena"},
	}
	for lang, texts := range want {
		code, page, _ := b.do("GET", "/jobs?lang="+lang, auth, "")
		if code != 200 {
			t.Fatalf("/jobs?lang=%s: %d", lang, code)
		}
		page = html.UnescapeString(page)
		for _, s := range texts {
			if !strings.Contains(page, s) {
				t.Errorf("/jobs in %s does not say %q", lang, s)
			}
		}
		_, table, _ := strings.Cut(page, `<table class="runs">`)
		table, _, _ = strings.Cut(table, "</table>")
		for _, raw := range []string{`{"`, `rows_ok`, `2026-11-20T09:00:00Z`, `pull_feed`} {
			if strings.Contains(table, raw) {
				t.Errorf("/jobs in %s shows the raw %q", lang, raw)
			}
		}
	}
	// The API keeps the job's JSON.
	_, body, _ := b.do("GET", "/api/v1/jobs", auth, "")
	if !strings.Contains(body, `"rows_ok":12500`) {
		t.Errorf("the API lost the run's result: %s", body)
	}
}
