package dashboard_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/begira/begira/dashboards"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/portfolio"
)

// validDashboard is a small valid file the Parse cases edit.
const validDashboard = `version: 1
id: custom
title: {en: Custom, es: Propio}
description: {en: A test dashboard}
kpis: [projects, budget, empty_cells]
panels:
  - id: cov
    title: {en: Coverage, es: Cobertura}
    chart: heatmap
    data: {kind: coverage, a: pillar, b: level}
  - id: per_level
    title: {en: Per level}
    chart: pie
    data: {kind: shares, scheme: level, measure: count}
  - id: money
    title: {en: Money}
    chart: treemap
    data: {kind: budget_tree, a: challenge, b: lever}
  - id: tree
    title: {en: Tree}
    chart: sunburst
    data: {kind: project_tree, a: pillar, b: challenge}
`

// edit returns validDashboard with the first old replaced by new; it fails
// the test when old is not there, so a case cannot silently test the valid
// file.
func edit(tb testing.TB, old, new string) string {
	tb.Helper()
	if !strings.Contains(validDashboard, old) {
		tb.Fatalf("edit: %q not in the valid dashboard", old)
	}
	return strings.Replace(validDashboard, old, new, 1)
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		want []string // substrings of the error message; nil means valid
	}{
		{"valid", validDashboard, nil},
		{"wrong version", edit(t, "version: 1", "version: 2"), []string{"version must be 1, not 2"}},
		{"missing version", edit(t, "version: 1\n", ""), []string{"version must be 1, not 0"}},
		{"unknown kind", edit(t, "kind: budget_tree", "kind: budget_matrix"),
			[]string{`panels[2] (money): data.kind "budget_matrix" is not a known kind`}},
		{"pie for coverage", edit(t, "chart: heatmap", "chart: pie"),
			[]string{`panels[0] (cov): chart "pie" cannot show coverage (use heatmap)`}},
		{"heatmap for shares", edit(t, "chart: pie", "chart: heatmap"),
			[]string{`chart "heatmap" cannot show shares (use bar or pie)`}},
		{"shares without measure", edit(t, ", measure: count", ""),
			[]string{"panels[1] (per_level): data.measure must be count or budget"}},
		{"shares with unknown measure", edit(t, "measure: count", "measure: euros"),
			[]string{"data.measure must be count or budget"}},
		{"shares without scheme", edit(t, "scheme: level, ", ""), []string{"panels[1] (per_level): data.scheme is required"}},
		{"coverage without b", edit(t, "a: pillar, b: level", "a: pillar"), []string{"panels[0] (cov): data.a and data.b name the two schemes"}},
		{"duplicate panel id", edit(t, "id: per_level", "id: cov"), []string{"panels[1] (cov): id must be a unique slug"}},
		{"panel id not a slug", edit(t, "id: money", "id: Big Money"), []string{`panels[2] (Big Money): id must be a unique slug`}},
		{"dashboard id not a slug", edit(t, "id: custom", "id: My Dashboard"), []string{`id "My Dashboard" must be lower-case`}},
		{"missing title", edit(t, "title: {en: Custom, es: Propio}", "title: {es: Propio}"), []string{"title.en is required"}},
		{"panel without title", edit(t, "title: {en: Money}", "title: {es: Dinero}"), []string{"panels[2] (money): title.en is required"}},
		{"unknown kpi", edit(t, "kpis: [projects, budget, empty_cells]", "kpis: [projects, revenue]"),
			[]string{`kpi "revenue" is not one of projects, budget, organisations, signals, empty_cells`}},
		{"no panels", validDashboard[:strings.Index(validDashboard, "panels:")], []string{"at least one panel is required"}},
		{"typo in a panel key", edit(t, "chart: sunburst", "chrat: sunburst"), []string{`unknown field "chrat"`}},
		{"typo in a top-level key", edit(t, "kpis:", "kpi:"), []string{`unknown field "kpi"`}},
		{"several problems", strings.NewReplacer("version: 1", "version: 3", "id: custom", "id: Bad").Replace(validDashboard),
			[]string{"version must be 1, not 3", `id "Bad" must be lower-case`}},
		{"not YAML", "version: [1\n", []string{"']' not found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dashboard.Parse([]byte(tc.body))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if d.ID != "custom" || d.Version != 1 || len(d.Panels) != 4 || d.Title.In("es") != "Propio" {
					t.Errorf("got id %q version %d %d panels title(es) %q, want custom 1 4 Propio", d.ID, d.Version, len(d.Panels), d.Title.In("es"))
				}
				if got := d.Panels[0].Data; got != (dashboard.PanelData{Kind: "coverage", A: "pillar", B: "level"}) {
					t.Errorf("panel cov data: got %+v, want coverage pillar × level", got)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tc.want)
			}
			if d != nil {
				t.Errorf("got dashboard %+v with the error, want nil", d)
			}
			if got := portfolio.ErrorCode(err); got != portfolio.EINVALID {
				t.Errorf("code: got %s, want %s", got, portfolio.EINVALID)
			}
			msg := portfolio.ErrorMessage(err)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message: got %q, want it to contain %q", msg, w)
				}
			}
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	t.Parallel()
	d := &dashboard.Dashboard{Version: 2, ID: "x", Title: portfolio.Labels{EN: "X"}, KPIs: []string{"nope"},
		Panels: []dashboard.Panel{
			{ID: "a", Title: portfolio.Labels{EN: "A"}, Chart: "pie", Data: dashboard.PanelData{Kind: "coverage", A: "pillar", B: "level"}},
			{ID: "a", Title: portfolio.Labels{EN: "B"}, Chart: "bar", Data: dashboard.PanelData{Kind: "shares", Scheme: "level"}},
		}}
	err := d.Validate()
	details := portfolio.ErrorDetails(err)
	// version, kpi, chart of panel 0, duplicate id and measure of panel 1.
	if len(details) != 5 {
		t.Fatalf("details: got %d %q, want 5", len(details), details)
	}
	if msg := portfolio.ErrorMessage(err); msg != strings.Join(details, "; ") {
		t.Errorf("message: got %q, want the details joined by \"; \"", msg)
	}
}

// captureLog returns a logger writing text lines to the returned buffer.
func captureLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

// logLine returns the first log line containing every part, or "".
func logLine(buf *bytes.Buffer, parts ...string) string {
	for _, line := range strings.Split(buf.String(), "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return line
		}
	}
	return ""
}

func ids(s *dashboard.Set) []string {
	var out []string
	for _, d := range s.All() {
		out = append(out, d.ID)
	}
	return out
}

func writeFile(tb testing.TB, dir, name, body string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
}

func TestLoadDefaultsOnly(t *testing.T) {
	t.Parallel()
	log, buf := captureLog()
	s := dashboard.Load(dashboards.Defaults, "", log)
	if got, want := ids(s), []string{"overview", "balance", "health", "network", "signals", "territory"}; !slices.Equal(got, want) {
		t.Errorf("dashboards: got %v, want %v", got, want)
	}
	if strings.Contains(buf.String(), "level=ERROR") || strings.Contains(buf.String(), "level=WARN") {
		t.Errorf("log: got %q, want no warning or error for the defaults", buf.String())
	}
	d, err := s.Get("overview")
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != filepath.Join("embedded", "overview.yaml") {
		t.Errorf("overview source: got %q, want %q", d.Source, "embedded/overview.yaml")
	}
	if _, err := s.Get("nope"); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("unknown dashboard: got %v, want %s", err, portfolio.ENOTFOUND)
	}
}

func TestLoadDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "broken.yaml", edit(t, "version: 1", "version: 7"))
	writeFile(t, dir, "garbled.yaml", "version: 1\nid: [unclosed\n")
	writeFile(t, dir, "overview.yaml", strings.NewReplacer("id: custom", "id: overview",
		"title: {en: Custom, es: Propio}", "title: {en: Our overview}").Replace(validDashboard))
	writeFile(t, dir, "aaa.yaml", edit(t, "id: custom", "id: aaa"))
	writeFile(t, dir, "notes.txt", "not a dashboard") // only *.yaml files are read

	log, buf := captureLog()
	s := dashboard.Load(dashboards.Defaults, dir, log)

	// The overview comes first, then the others by id: aaa sorts before
	// balance but must not displace the overview.
	if got, want := ids(s), []string{"overview", "aaa", "balance", "health", "network", "signals", "territory"}; !slices.Equal(got, want) {
		t.Errorf("dashboards: got %v, want %v", got, want)
	}
	for _, tc := range []struct{ file, reason string }{
		{"broken.yaml", "version must be 1, not 7"},
		{"garbled.yaml", "not found"},
	} {
		path := filepath.Join(dir, tc.file)
		line := logLine(buf, "dashboard file skipped", "file="+path, tc.reason)
		if line == "" {
			t.Errorf("log: got %q, want an error line naming %s and the reason %q", buf.String(), path, tc.reason)
		} else if !strings.Contains(line, "level=ERROR") {
			t.Errorf("log line for %s: got %q, want level ERROR", tc.file, line)
		}
	}
	if line := logLine(buf, "dashboard overridden", "id=overview"); line == "" {
		t.Errorf("log: got %q, want a line saying the overview was overridden", buf.String())
	}

	ov, err := s.Get("overview")
	if err != nil {
		t.Fatal(err)
	}
	if ov.Title.EN != "Our overview" || ov.Source != filepath.Join(dir, "overview.yaml") {
		t.Errorf("overview: got title %q from %q, want %q from the directory", ov.Title.EN, ov.Source, "Our overview")
	}
	if all := s.All(); all[0] != ov {
		t.Errorf("All()[0]: got %q, want the overridden overview", all[0].Title.EN)
	}
	if _, err := s.Get("custom"); err == nil {
		t.Error("the broken file's dashboard: got loaded, want skipped")
	}
	if bal, err := s.Get("balance"); err != nil || !strings.HasPrefix(bal.Source, "embedded") {
		t.Errorf("balance: got %v, %v, want the embedded default kept", bal, err)
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nope")
	log, buf := captureLog()
	s := dashboard.Load(dashboards.Defaults, dir, log)
	line := logLine(buf, "level=WARN", "dashboards directory not readable", "dir="+dir)
	if line == "" {
		t.Errorf("log: got %q, want a warning naming %s", buf.String(), dir)
	}
	if got, want := ids(s), []string{"overview", "balance", "health", "network", "signals", "territory"}; !slices.Equal(got, want) {
		t.Errorf("dashboards: got %v, want the defaults %v", got, want)
	}
}

func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	// Every embedded default parses on its own: a broken default would only
	// show up as a log line at start-up.
	names, err := filepath.Glob("../../dashboards/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("glob defaults: got %v, %v, want files", names, err)
	}
	for _, name := range names {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dashboard.Parse(body); err != nil {
			t.Errorf("%s: got %v, want it valid", name, err)
		}
	}
}

// The metric catalogue links each metric to the default dashboards that
// draw it.
func TestDraws(t *testing.T) {
	t.Parallel()
	log, _ := captureLog()
	s := dashboard.Load(dashboards.Defaults, "", log)
	drawnBy := map[string][]string{}
	for _, d := range s.All() {
		for _, code := range []string{"C1", "C7", "C12", "C16", "S1", "S10", "C20", "C13"} {
			if d.Draws(code) {
				drawnBy[code] = append(drawnBy[code], d.ID)
			}
		}
	}
	for _, code := range []string{"C1", "C7", "C12", "C16", "S1", "S10", "C20"} {
		if len(drawnBy[code]) == 0 {
			t.Errorf("no default dashboard draws %s", code)
		}
	}
	if !slices.Contains(drawnBy["C1"], "overview") || !slices.Contains(drawnBy["C12"], "territory") || !slices.Contains(drawnBy["C16"], "network") {
		t.Errorf("drawn by: %v, want C1 on the overview, C12 on territory, C16 on network", drawnBy)
	}
	if len(drawnBy["C13"]) != 0 {
		t.Errorf("C13 is drawn by %v, but no panel kind draws it", drawnBy["C13"])
	}
}
