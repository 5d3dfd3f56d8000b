package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
	"github.com/begira/begira/internal/i18n"
)

// chartTextsJS shows the tooltip of the first marks of every series of every
// chart and returns, per chart, every text ECharts drew: axis labels, data
// labels, legends, the colour scale and the tooltips (drawn on the canvas,
// as the page's Content-Security-Policy wants).
const chartTextsJS = `(() => {
  const out = [];
  document.querySelectorAll('.chart').forEach(el => {
    const c = echarts.getInstanceByDom(el);
    if (!c) return;
    const texts = new Set(), tips = new Set();
    const collect = (into) => c.getZr().storage.getDisplayList(true).forEach(e => {
      if (e.style && typeof e.style.text === 'string' && e.style.text.trim() !== '') into.add(e.style.text);
    });
    collect(texts);
    const before = new Set(texts);
    c.getOption().series.forEach((s, si) => {
      const n = Array.isArray(s.data) ? s.data.length : 0;
      for (let i = 0; i < Math.min(n, 8); i++) {
        c.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: i});
        const now = new Set();
        collect(now);
        now.forEach(t => { if (!before.has(t)) tips.add(t); });
      }
    });
    c.dispatchAction({type: 'hideTip'});
    out.push({id: el.id, texts: [...texts], tips: [...tips]});
  });
  return out;
})()`

type chartTexts struct {
	ID    string   `json:"id"`
	Texts []string `json:"texts"`
	Tips  []string `json:"tips"`
}

// numberToken is a written number: digits with separators between them.
var numberToken = regexp.MustCompile(`\d(?:[\d.,\x{a0} ]*\d)?`)

// isoDate is a date or month written for machines, not readers.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}\b`)

// wrongNumber says what is wrong with the numbers of text in lang (es or
// eu: decimal comma, grouping dot, at most two decimals; Basque writes the
// percent sign first, Spanish after), or "".
func wrongNumber(lang, text string) string {
	if isoDate.MatchString(text) {
		return "an ISO date"
	}
	for _, tok := range numberToken.FindAllString(text, -1) {
		tok = strings.NewReplacer("\u00a0", " ").Replace(tok)
		for _, n := range strings.Fields(tok) {
			intPart, dec, hasDec := strings.Cut(n, ",")
			if hasDec && (len(dec) > 2 || strings.ContainsAny(dec, ".,")) {
				return "a number " + n + " with more than two decimals or English grouping"
			}
			groups := strings.Split(intPart, ".")
			for _, g := range groups[1:] {
				if len(g) != 3 {
					return "a number " + n + " with a decimal point"
				}
			}
			if why := wrongGrouping(lang, intPart, false); why != "" {
				return "a number " + n + why
			}
		}
	}
	if lang == "eu" && regexp.MustCompile(`\d\s?%`).MatchString(text) {
		return "a percentage written the Spanish or English way (Basque writes % 17,1)"
	}
	if lang == "es" && regexp.MustCompile(`%\s?\d`).MatchString(text) {
		return "a percentage written the Basque way (Spanish writes 17,1 %)"
	}
	return ""
}

// wrongGrouping says what is wrong with the grouping of a number's
// integer part by CLDR's minimumGroupingDigits, or "": Spanish groups from
// five digits (1580, 15.800), Basque from four (1.580). Four ungrouped
// digits are wrong in Basque only when they are the whole figure (not a
// reference such as PRJ-1580) and not a year.
func wrongGrouping(lang, intPart string, whole bool) string {
	groups := strings.Split(intPart, ".")
	if lang == "es" && len(groups) == 2 && len(groups[0]) == 1 {
		return " grouped from four digits (Spanish writes 1580)"
	}
	if y, _ := strconv.Atoi(intPart); whole && lang == "eu" && len(groups) == 1 && len(intPart) == 4 && (y < 1900 || y > 2100) {
		return " of four digits ungrouped (Basque writes 1.580)"
	}
	return ""
}

// figureCell is a table cell that holds only a figure: a number with its
// sign, unit or percent sign (not a reference such as PRJ-0009).
var figureCell = regexp.MustCompile(`^\s*(%\x{a0}?)?-?\d[\d.,]*(\x{a0}?(M?€|%))?\s*$`)

// wrongCell is wrongNumber for the server's table cells: an ISO date, or
// a figure grouped another way than the charts group it.
func wrongCell(lang, text string) string {
	if isoDate.MatchString(text) {
		return "an ISO date"
	}
	if !figureCell.MatchString(text) {
		return ""
	}
	n := numberToken.FindString(text)
	intPart, _, _ := strings.Cut(n, ",")
	if why := wrongGrouping(lang, intPart, true); why != "" {
		return "a number " + n + why
	}
	return ""
}

func TestWrongNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang, text string
		bad        bool
	}{
		{"es", "1.580", true}, {"es", "1580\u00a0€", false}, {"eu", "4580", true}, {"eu", "2026", false},
		{"eu", "PRJ-0009", false}, {"es", "2026-03", true}, {"es", "12.580,5", false}, {"eu", "%\u00a01.580", false},
	} {
		if got := wrongCell(tc.lang, tc.text); (got != "") != tc.bad {
			t.Errorf("wrongCell(%s, %q) = %q, want bad=%v", tc.lang, tc.text, got, tc.bad)
		}
	}

	for _, tc := range []struct {
		lang, text string
		bad        bool
	}{
		{"es", "81.478.800 €", false}, {"es", "100 M€", false}, {"es", "17,1 %", false}, {"eu", "% 17,1", false},
		{"es", "100,000,000", true}, {"es", "81478800", false}, {"eu", "17.14%", true}, {"es", "0.2756183745583039", true},
		{"es", "67.49116607773851", true}, {"eu", "17,1 %", true}, {"es", "% 17,1", true}, {"eu", "2026-03", true},
		{"eu", "2026/03", false}, {"es", "Lasarte-Oria: 12", false},
		{"es", "1.580 €", true}, {"es", "1580 €", false}, {"es", "15.800", false}, {"eu", "1.580 €", false},
		{"es", "1580,5", false}, {"es", "1.580,5", true}, {"eu", "PRJ-0009 Orio", false},
	} {
		if got := wrongNumber(tc.lang, tc.text); (got != "") != tc.bad {
			t.Errorf("wrongNumber(%s, %q) = %q, want bad=%v", tc.lang, tc.text, got, tc.bad)
		}
	}
}

// TestChartsWriteTheReadersNumbers reads every text every chart of every
// dashboard draws, tooltips included, in Spanish and Basque, and fails on a
// number in another language's convention, a raw float or an ISO date;
// tooltips must name their measure, never an internal series id.
func TestChartsWriteTheReadersNumbers(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	base := "http://" + addr
	b := browsertest.New(t)
	measure := map[string]string{"es": "Proyectos", "eu": "Proiektuak"}
	for _, lang := range []string{"es", "eu"} {
		for _, path := range []string{"/m/gipuzkoa", "/m/gipuzkoa/d/balance", "/m/gipuzkoa/d/health", "/m/gipuzkoa/d/network",
			"/m/gipuzkoa/d/signals", "/m/gipuzkoa/d/territory", "/m/gipuzkoa/snapshots/2/diff?against=1"} {
			u := base + path
			if strings.Contains(u, "?") {
				u += "&lang=" + lang
			} else {
				u += "?lang=" + lang
			}
			if err := chromedp.Do(b.Ctx, chromedp.Navigate(u)); err != nil {
				t.Fatal(err)
			}
			if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			charts, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]chartTexts](chartTextsJS))
			if err != nil {
				t.Fatal(err)
			}
			if len(charts) == 0 {
				t.Errorf("%s: no chart", u)
			}
			if path == "/m/gipuzkoa" {
				checkPNGExport(t, b, lang)
				shot(t, b, "locale-overview-"+lang+".png")
			}
			// The tables the server writes beside the charts write numbers
			// as the charts do.
			cells, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.panel table th, .panel table td')].map(c => c.textContent)`))
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range cells {
				if why := wrongCell(lang, text); why != "" {
					t.Errorf("%s: table cell %q has %s", u, text, why)
				}
			}
			for _, c := range charts {
				if testing.Verbose() {
					t.Logf("%s %s: texts %q tips %q", lang, c.ID, c.Texts[:min(len(c.Texts), 12)], c.Tips[:min(len(c.Tips), 3)])
				}
				if len(c.Tips) == 0 {
					t.Errorf("%s %s: no tooltip shown", u, c.ID)
				}
				for _, text := range append(append([]string(nil), c.Texts...), c.Tips...) {
					if strings.Contains(text, "CC BY") {
						continue // the boundaries' credit: a licence's version, not a figure
					}
					if why := wrongNumber(lang, text); why != "" {
						t.Errorf("%s %s: %q has %s", u, c.ID, text, why)
					}
				}
				for _, tip := range c.Tips {
					if strings.Contains(tip, "coverage") || strings.Contains(tip, "sankey") {
						t.Errorf("%s %s: tooltip %q names an internal series", u, c.ID, tip)
					}
				}
				if c.ID == "chart-coverage" && !strings.Contains(strings.Join(c.Tips, "\n"), measure[lang]+":") {
					t.Errorf("%s: the heatmap's tooltips %q do not name the measure %q", u, c.Tips, measure[lang])
				}
			}
		}
	}
}

// shot saves a PNG of the whole page to $BEGIRA_SHOTS/name, when set (the
// screenshots of the closing note).
func shot(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	dir := os.Getenv("BEGIRA_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestImportPreviewSpeaksTheReadersLanguage uploads a file with rejects in
// Spanish and Basque: every reason is in the page's language, a value is
// named by its label with its code in brackets, and a refused commit says
// why in the page's language.
func TestImportPreviewSpeaksTheReadersLanguage(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	b := browsertest.New(t)
	base := "http://" + addr
	loginInBrowser(t, b, s, base, "ane", map[string]string{"gipuzkoa": "analyst"})
	file := filepath.Join(t.TempDir(), "nuevos.csv")
	body := "Referencia;Título;Ejes;Nivel;Estado;Presupuesto;Inicio;Municipio\n" +
		"NEW-1;Huerta comunitaria en Añorga;Cohesión social;Acción comunitaria;active;12.500,50;07/03/2026;Mondragón\n" +
		"NEW-2;Bici eléctrica compartida;descarbonizacion;startup;planned;80.000;13/03/2026;20069\n" +
		"NEW-3;Fila rota;adaptation;comunity;activo;1,5;31/02/2026;\n" +
		"NEW-1;Repetida;adaptation;startup;lost;1,5;01/01/2026;\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"es": {"no es un término de «Nivel de acción»; ¿quería decir Acción comunitaria (community)?", "debe ser uno de estos: previsto (planned)",
			"duplicado en este archivo (aparece antes en la línea 2)", "no es una fecha con el formato"},
		"eu": {"ez da «Ekintza maila» eskemako termino bat; Komunitate ekintza (community) esan nahi zenuen?", "hauetako bat izan behar du: aurreikusia (planned)",
			"bikoiztuta fitxategi honetan (lehenago 2. lerroan)", "formatuko data bat"},
	}
	wantSample := map[string][]string{
		"es": {"activo (active)", "previsto (planned)", "12.500,5", "80.000", "07/03/2026", "13/03/2026", "Acción comunitaria (community)",
			"Mondragón (20055)", "San Sebastián (20069)"},
		"eu": {"aktiboa (active)", "aurreikusia (planned)", "12.500,5", "80.000", "2026/03/07", "2026/03/13", "Komunitate ekintza (community)",
			"Arrasate (20055)", "Donostia (20069)"},
	}
	for _, lang := range []string{"es", "eu"} {
		if err := chromedp.Do(b.Ctx,
			chromedp.Navigate(base+"/m/gipuzkoa/imports?lang="+lang),
			chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{file}),
			chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#preview .rejects tbody tr`)),
		); err != nil {
			t.Fatal(err)
		}
		rejects, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .rejects tbody`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want[lang] {
			if !strings.Contains(rejects, w) {
				t.Errorf("%s rejects lack %q:\n%s", lang, w, rejects)
			}
		}
		for _, english := range []string{"did you mean", "unknown", "must be one of", "duplicate", "not a date"} {
			if strings.Contains(rejects, english) {
				t.Errorf("%s rejects say %q in English:\n%s", lang, english, rejects)
			}
		}
		// The sample shows what will be stored as a reader reads it: codes
		// by their label (code in brackets), numbers and dates in the
		// page's language.
		sample, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .sample tbody`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wantSample[lang] {
			if !strings.Contains(sample, w) {
				t.Errorf("%s sample lacks %q:\n%s", lang, w, sample)
			}
		}
		// Its columns are named in the page's language too, the analyst
		// CSV's field in brackets.
		head, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .sample thead`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"status", "budget_total_eur", "municipality_code"} {
			if w := i18n.T(lang, "field."+field) + " (" + field + ")"; !strings.Contains(head, w) {
				t.Errorf("%s sample head lacks %q:\n%s", lang, w, head)
			}
		}
		for _, stored := range []string{"2026-03-07", "12500.5", "\tactive\t", "80000"} {
			if strings.Contains(sample, stored) {
				t.Errorf("%s sample shows the stored %q:\n%s", lang, stored, sample)
			}
		}
		shot(t, b, "locale-imports-"+lang+".png")
		// Committing without skipping the rejected rows is refused, in
		// the page's language.
		if err := chromedp.Do(b.Ctx,
			chromedp.Click(chromedp.CSS(`#commit button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#preview .result.error`)),
		); err != nil {
			t.Fatal(err)
		}
		// The refusal is the specific one, with the batch's counts.
		refusal, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`#preview .result.error`)))
		specific := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(i18n.T(lang, "refusal.commit_rejected")), "%d", `\d+`) + "$")
		if err != nil || !specific.MatchString(refusal) || strings.Contains(refusal, "%") {
			t.Errorf("%s refusal %q (%v), want %q with the counts", lang, refusal, err, i18n.T(lang, "refusal.commit_rejected"))
		}
	}
}

// pngExportJS clicks the coverage chart's PNG button, catches the link the
// page would download, and measures the image: its size and whether the
// band above the chart holds text.
const pngExportJS = `new Promise(resolve => {
  const orig = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    HTMLAnchorElement.prototype.click = orig;
    const name = this.download, img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const band = g.getImageData(0, 0, img.width, 100).data;
      let ink = 0;
      for (let i = 0; i < band.length; i += 4) if (band[i] < 128) ink++;
      const chart = echarts.getInstanceByDom(document.getElementById('chart-coverage'));
      resolve({name: name, height: img.height, chartHeight: chart.getHeight() * 2, ink: ink});
    };
    img.src = this.href;
  };
  document.querySelector('button.png[data-chart="chart-coverage"]').click();
})`

// checkPNGExport: the exported chart carries its title, scope and date
// above the chart, in a file named by mission, chart and date.
func checkPNGExport(t *testing.T, b *browsertest.Browser, lang string) {
	t.Helper()
	type export struct {
		Name        string  `json:"name"`
		Height      float64 `json:"height"`
		ChartHeight float64 `json:"chartHeight"`
		Ink         int     `json:"ink"`
	}
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[export](pngExportJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^gipuzkoa-overview-coverage-\d{4}-\d{2}-\d{2}\.png$`).MatchString(got.Name) {
		t.Errorf("%s: PNG named %q, want mission, dashboard, chart and date", lang, got.Name)
	}
	if got.Height < got.ChartHeight+100 || got.Ink < 200 {
		t.Errorf("%s: PNG %+v: want a band of text (title, scope, date) above the chart", lang, got)
	}
	head, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]string](`Object.assign({}, document.querySelector('button.png[data-chart="chart-coverage"]').dataset)`))
	if err != nil {
		t.Fatal(err)
	}
	if head["title"] == "" || !strings.Contains(head["scope"], map[string]string{"es": "Ámbito", "eu": "Esparrua"}[lang]) || !regexp.MustCompile(`\d{2}:\d{2} CES?T`).MatchString(head["asof"]) {
		t.Errorf("%s: PNG heading %q: want the title, the scope and the time of the figures", lang, head)
	}
}
