package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
	"github.com/begira/begira/internal/i18n"
)

// TestImportWizardInBrowser walks the upload wizard as an analyst would:
// choose a file, see the preview with a rejected row and its line, commit
// the valid rows, and find the overview's project count changed.
func TestImportWizardInBrowser(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	b := browsertest.New(t)
	base := "http://" + addr
	// The demo is public read-only; importing takes an analyst, whose
	// session the wizard's requests carry with their CSRF token.
	loginInBrowser(t, b, s, base, "ane", map[string]string{"gipuzkoa": "analyst"})

	overviewCount := func() string {
		t.Helper()
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa")); err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`.kpi[data-kpi="projects"] .kpi-value`)))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := overviewCount()

	// A Spanish Excel export: semicolons, decimal commas, dd/mm/yyyy, and
	// one row (line 4) with an unknown level.
	file := filepath.Join(t.TempDir(), "nuevos.csv")
	body := "Referencia;Título;Ejes;Nivel;Estado;Presupuesto;Inicio\n" +
		"NEW-1;Huerta comunitaria en Añorga;Cohesión social;Acción comunitaria;active;12.500,50;07/03/2026\n" +
		"NEW-2;Bici eléctrica compartida;descarbonizacion;startup;planned;80.000;13/03/2026\n" +
		"NEW-3;Fila rota;adaptation;comunity;active;1,5;01/01/2026\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.Navigate(base+"/m/gipuzkoa/imports"),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview .rejects tbody tr`)),
	); err != nil {
		t.Fatal(err)
	}
	reject, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .rejects tbody tr`)))
	if err != nil {
		t.Fatal(err)
	}
	// The suggestion names the term and, in brackets, the code to write.
	for _, want := range []string{"4", "Nivel", "comunity", "did you mean Community action (community)?"} {
		if !strings.Contains(reject, want) {
			t.Errorf("reject row %q lacks %q", reject, want)
		}
	}
	counts, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .counts`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(counts, "3 rows: 2 ok, 1 rejected") {
		t.Errorf("counts = %q, want 3 rows, 2 ok, 1 rejected", counts)
	}

	// The preview shows each column's convention and the first rows as
	// they will be stored, terms by name.
	conv, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .columns-table`)))
	if err != nil || !strings.Contains(conv, "from its values") {
		t.Errorf("columns table %q (%v): want Presupuesto's decimal comma from its values", conv, err)
	}
	sample, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview table.sample tbody tr`)))
	// The stored values as an English reader reads them.
	if err != nil || !strings.Contains(sample, "12,500.5") || !strings.Contains(sample, "7 Mar 2026") || !strings.Contains(sample, "NEW-1") {
		t.Errorf("first sample row %q (%v): want NEW-1, 12,500.5 and 7 Mar 2026", sample, err)
	}
	// Commit the valid rows.
	if err := chromedp.Do(b.Ctx,
		chromedp.Click(chromedp.CSS(`input[name=skip_invalid]`)),
		chromedp.Click(chromedp.CSS(`#commit button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview .result.ok`)),
	); err != nil {
		t.Fatal(err)
	}
	// The overview is cached: the first load after a commit may show the
	// previous figures while they are refreshed, so reload until they move.
	want := addToCount(t, before, 2)
	after := overviewCount()
	for i := 0; after == before && i < 50; i++ {
		after = overviewCount()
	}
	if after != want {
		t.Errorf("overview shows %s projects, want %s (two new active/planned projects)", after, want)
	}

	// The same file again, this time given up: the preview says nothing
	// was imported and the history lists the batch as discarded.
	if err := chromedp.Do(b.Ctx,
		chromedp.Navigate(base+"/m/gipuzkoa/imports"),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview .rejects tbody tr`)),
		chromedp.Click(chromedp.CSS(`#discard`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview .result:not(:empty)`)),
	); err != nil {
		t.Fatal(err)
	}
	if msg, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .result`))); err != nil || !strings.Contains(msg, "Discarded") {
		t.Errorf("after discard the preview says %q (%v), want Discarded", msg, err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/imports")); err != nil {
		t.Fatal(err)
	}
	if st, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`table.history tbody tr .status`))); err != nil || st != "discarded" {
		t.Errorf("newest history row status %q (%v), want discarded", st, err)
	}
	// Whole euros with thousands points read both ways: the column is
	// marked, the analyst chooses its separator in the preview and
	// previews again; the sample shows the amount as it will be stored.
	ambiguous := filepath.Join(t.TempDir(), "euros.csv")
	if err := os.WriteFile(ambiguous, []byte("Referencia;Título;Presupuesto\nEUR-1;Centro;600.159\nEUR-2;Parque;45.000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.Navigate(base+"/m/gipuzkoa/imports"),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{ambiguous}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview .columns-table tr.ambiguous`)),
		chromedp.SetValue(chromedp.CSS(`#preview select[name="decimal_separator[Presupuesto]"]`), ","),
		chromedp.Click(chromedp.CSS(`#adjust button[type=submit]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#preview .columns-table tr.ambiguous`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview table.sample tbody tr`)),
	); err != nil {
		t.Fatal(err)
	}
	if sample, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview table.sample tbody tr`))); err != nil || !strings.Contains(sample, "600,159") {
		t.Errorf("sample after choosing the separator: %q (%v), want 600,159", sample, err)
	}
	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("dialogs opened: %q", d)
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the host: %q", f)
	}
}

// addToCount adds n to a count as the English overview formats it ("1,234").
func addToCount(t *testing.T, s string, n int) string {
	t.Helper()
	v, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("count %q: %v", s, err)
	}
	return i18n.Int("en", v+int64(n))
}
