package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/dashboards"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
)

// demoDB is the demo mission loaded through the real ingest pipeline, once
// per test binary: every MustDemo opens a copy of its own.
var demoDB = storetest.New(func(ctx context.Context, st *store.Store) error {
	return demo.Load(ctx, st, ingest.New(st, time.Now), slog.New(slog.NewTextHandler(io.Discard, nil)))
})

func TestMain(m *testing.M) { storetest.Main(m) }

// MustDemo returns a store over a copy of its own of the demo database,
// closed when the test ends, and the mission.
func MustDemo(tb testing.TB) (*store.Store, *portfolio.Mission) {
	tb.Helper()
	st := demoDB.Open(tb, store.Options{})
	m, err := st.Mission(context.Background(), demo.Slug)
	if err != nil {
		tb.Fatal(err)
	}
	return st, m
}

// MustDashboard returns a default dashboard by id.
func MustDashboard(tb testing.TB, id string) *dashboard.Dashboard {
	tb.Helper()
	d, err := dashboard.Load(dashboards.Defaults, "", slog.New(slog.NewTextHandler(io.Discard, nil))).Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func kpiByCode(tb testing.TB, v *dashboard.View, code string) dashboard.KPI {
	tb.Helper()
	for _, k := range v.KPIs {
		if k.Code == code {
			return k
		}
	}
	tb.Fatalf("KPI %s: not in the view", code)
	return dashboard.KPI{}
}

func panelByID(tb testing.TB, v *dashboard.View, id string) dashboard.PanelView {
	tb.Helper()
	for _, p := range v.Panels {
		if p.ID == id {
			return p
		}
	}
	tb.Fatalf("panel %s: not in the view", id)
	return dashboard.PanelView{}
}

func TestRender(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustDemo(t)
	overview := MustDashboard(t, "overview")
	k, err := st.KPIs(ctx, m, portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	cells, err := st.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("overview in English", func(t *testing.T) {
		v, err := dashboard.Render(ctx, testSource(st), m, overview, portfolio.Scope{}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if v.Dashboard != overview {
			t.Error("view dashboard: got another, want the one rendered")
		}
		var codes []string
		for _, kpi := range v.KPIs {
			codes = append(codes, kpi.Code)
		}
		if want := []string{"projects", "budget", "organisations", "signals", "empty_cells"}; !slices.Equal(codes, want) {
			t.Errorf("KPI codes: got %v, want %v (the file's order)", codes, want)
		}

		if got, want := kpiByCode(t, v, "projects").Value, i18n.Int("en", k.Projects); got != want {
			t.Errorf("projects KPI: got %s, want %s", got, want)
		}
		if got, want := kpiByCode(t, v, "budget").Value, i18n.EURCompact("en", k.Budget); got != want {
			t.Errorf("budget KPI: got %s, want %s", got, want)
		}
		if k.BudgetNull > 0 {
			if got, want := kpiByCode(t, v, "budget").Note, i18n.T("en", "kpi.budget_null", k.BudgetNull); got != want {
				t.Errorf("budget KPI note: got %q, want %q", got, want)
			}
		}
		if got, want := kpiByCode(t, v, "organisations").Value, i18n.Int("en", k.Organisations); got != want {
			t.Errorf("organisations KPI: got %s, want %s", got, want)
		}
		if got, want := kpiByCode(t, v, "signals").Value, i18n.Int("en", k.Signals); got != want {
			t.Errorf("signals KPI: got %s, want %s", got, want)
		}

		// The demo leaves exactly one pillar × level cell empty.
		var empty []string
		for _, c := range cells {
			if c.NFull == 0 {
				empty = append(empty, c.A+"×"+c.B)
			}
		}
		if want := []string{"adaptation×regulation"}; !slices.Equal(empty, want) {
			t.Fatalf("demo empty cells: got %v, want %v", empty, want)
		}
		ec := kpiByCode(t, v, "empty_cells")
		if ec.Value != strconv.Itoa(len(empty)) {
			t.Errorf("empty_cells KPI: got %s, want %d", ec.Value, len(empty))
		}
		if want := "of 15 cells (Pillar × Level of action)"; ec.Note != want {
			t.Errorf("empty_cells note: got %q, want %q", ec.Note, want)
		}

		if len(v.Panels) != len(overview.Panels) {
			t.Fatalf("panels: got %d, want %d", len(v.Panels), len(overview.Panels))
		}
		for i, p := range v.Panels {
			if p.ID != overview.Panels[i].ID {
				t.Errorf("panel %d: got %s, want %s (the file's order)", i, p.ID, overview.Panels[i].ID)
			}
			if p.Err != "" {
				t.Errorf("panel %s: got error %q, want none", p.ID, p.Err)
			}
			if p.Option == "" || !json.Valid([]byte(p.Option)) {
				t.Errorf("panel %s: got option %.80q, want valid non-empty JSON", p.ID, p.Option)
			}
			if p.Summary == "" {
				t.Errorf("panel %s: got an empty summary, want one sentence", p.ID)
			}
			if len(p.Table.Rows) == 0 {
				t.Errorf("panel %s: got an empty table, want the chart's data", p.ID)
			}
			for r, row := range p.Table.Rows {
				if len(row) != len(p.Table.Columns) {
					t.Errorf("panel %s row %d: got %d cells, want %d", p.ID, r, len(row), len(p.Table.Columns))
					break
				}
			}
		}
	})

	t.Run("coverage panel", func(t *testing.T) {
		v, err := dashboard.Render(ctx, testSource(st), m, overview, portfolio.Scope{}, "en")
		if err != nil {
			t.Fatal(err)
		}
		p := panelByID(t, v, "coverage")
		// 3 pillars × 5 levels, empty cell included.
		if len(p.Table.Rows) != 15 {
			t.Fatalf("coverage table: got %d rows, want 15", len(p.Table.Rows))
		}
		for i, c := range cells {
			row := p.Table.Rows[i]
			if row[0].Raw != c.A || row[1].Raw != c.B || row[2].Raw != strconv.FormatInt(c.NFull, 10) {
				t.Errorf("row %d: got %s × %s = %s, want %s × %s = %d", i, row[0].Raw, row[1].Raw, row[2].Raw, c.A, c.B, c.NFull)
			}
		}
		if want := "1 of 15 cells are empty: Social and climate adaptation × Policy and regulation."; p.Summary != want {
			t.Errorf("summary: got %q, want %q", p.Summary, want)
		}
		pillars := []string{"social_cohesion", "decarbonisation", "adaptation"}
		levels := []string{"community", "startup", "large_scale", "public_service", "regulation"}
		// Every cell opens its own list: key "x,y" adds its level and pillar.
		if p.Drill == nil || len(p.Drill.Marks) != 15 {
			t.Fatalf("drill: got %+v, want 15 marks", p.Drill)
		}
		for i, pillar := range pillars {
			for j, level := range levels {
				mk, ok := p.Drill.Marks[fmt.Sprintf("%d,%d", j, i)]
				if !ok || mk.Query["level"] != level || mk.Query["pillar"] != pillar || mk.Measure != dashboard.MeasureCount {
					t.Errorf("mark %d,%d: got %+v, want level=%s pillar=%s", j, i, mk, level, pillar)
				}
			}
		}
		// The chart marks exactly the one gap.
		var o struct {
			Series []struct {
				Data []struct {
					Value     []float64      `json:"value"`
					ItemStyle map[string]any `json:"itemStyle"`
				} `json:"data"`
			} `json:"series"`
		}
		if err := json.Unmarshal([]byte(p.Option), &o); err != nil {
			t.Fatal(err)
		}
		dashed := 0
		for _, d := range o.Series[0].Data {
			if d.ItemStyle["borderType"] == "dashed" {
				dashed++
				if d.Value[0] != 4 || d.Value[1] != 2 { // [column regulation, row adaptation]
					t.Errorf("dashed cell: got %v, want [4 2 0]", d.Value)
				}
			}
		}
		if len(o.Series[0].Data) != 15 || dashed != 1 {
			t.Errorf("heatmap: got %d cells, %d dashed, want 15 and 1", len(o.Series[0].Data), dashed)
		}
	})

	t.Run("shares panel follows the scheme order", func(t *testing.T) {
		v, err := dashboard.Render(ctx, testSource(st), m, overview, portfolio.Scope{}, "en")
		if err != nil {
			t.Fatal(err)
		}
		p := panelByID(t, v, "pipeline")
		var stages []string
		for _, term := range m.Scheme("stage").ActiveTerms() {
			stages = append(stages, term.Code)
		}
		for i, stage := range stages {
			if mk := p.Drill.Marks[fmt.Sprint(i)]; mk.Query["stage"] != stage {
				t.Errorf("pipeline bar %d: got %+v, want stage %s", i, mk, stage)
			}
		}
		// Every project in scope has one stage: the counts add up to the
		// projects KPI and the shares to 1.
		var n int64
		var share float64
		for _, row := range p.Table.Rows {
			c, _ := strconv.ParseFloat(row[1].Raw, 64)
			s, _ := strconv.ParseFloat(row[2].Raw, 64)
			n, share = n+int64(c), share+s
		}
		if n != k.Projects || share < 0.999 || share > 1.001 {
			t.Errorf("pipeline: got %d projects and shares summing to %v, want %d and 1", n, share, k.Projects)
		}
	})

	t.Run("Spanish", func(t *testing.T) {
		v, err := dashboard.Render(ctx, testSource(st), m, overview, portfolio.Scope{}, "es")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"projects":      "Proyectos",
			"budget":        "Presupuesto total",
			"organisations": "Organizaciones",
			"signals":       "Señales aprobadas",
			"empty_cells":   "Celdas de cobertura vacías",
		}
		for code, label := range want {
			if got := kpiByCode(t, v, code).Label; got != label {
				t.Errorf("KPI %s label: got %q, want %q", code, got, label)
			}
		}
		if got, want := kpiByCode(t, v, "budget").Value, i18n.EURCompact("es", k.Budget); got != want || !strings.HasSuffix(got, "M€") {
			t.Errorf("budget KPI: got %q, want %q in millions", got, want)
		}
		if got := panelByID(t, v, "coverage").Title; got != "Cobertura: eje × nivel de acción" {
			t.Errorf("coverage title: got %q, want the Spanish one", got)
		}
		if got := kpiByCode(t, v, "empty_cells").Note; got != "de 15 celdas (Eje × Nivel de acción)" {
			t.Errorf("empty_cells note: got %q, want the Spanish one", got)
		}
		for _, p := range v.Panels {
			if p.Err != "" {
				t.Errorf("panel %s: got error %q", p.ID, p.Err)
			}
		}
	})

	t.Run("scope", func(t *testing.T) {
		sc := portfolio.Scope{Levels: []string{"community"}}
		want, err := st.KPIs(ctx, m, sc)
		if err != nil {
			t.Fatal(err)
		}
		if want.Projects == 0 || want.Projects >= k.Projects {
			t.Fatalf("demo community projects: got %d of %d, want some but not all", want.Projects, k.Projects)
		}
		v, err := dashboard.Render(ctx, testSource(st), m, overview, sc, "en")
		if err != nil {
			t.Fatal(err)
		}
		if got := kpiByCode(t, v, "projects").Value; got != i18n.Int("en", want.Projects) {
			t.Errorf("projects KPI: got %s, want %d", got, want.Projects)
		}
		// Filters never invent gaps: the 12 cells of the other levels are
		// outside the filter, not empty, and the community column has none.
		if k := kpiByCode(t, v, "empty_cells"); k.Value != "0" || !strings.HasPrefix(k.Note, "of 3 cells") {
			t.Errorf("empty_cells KPI: got %s (%s), want 0 of 3 cells", k.Value, k.Note)
		}
		cov := panelByID(t, v, "coverage")
		if got := len(cov.Table.Rows); got != 15 {
			t.Errorf("coverage rows: got %d, want 15 (cells outside the filter kept, as such)", got)
		}
		if cov.Drill == nil || len(cov.Drill.Marks) != 3 {
			t.Errorf("coverage marks: got %+v, want the 3 community cells", cov.Drill)
		}
		var o struct {
			Series []struct {
				Data []struct {
					Value     []any          `json:"value"`
					ItemStyle map[string]any `json:"itemStyle"`
				} `json:"data"`
			} `json:"series"`
		}
		if err := json.Unmarshal([]byte(cov.Option), &o); err != nil {
			t.Fatal(err)
		}
		outside := 0
		for _, d := range o.Series[0].Data {
			if d.ItemStyle["borderType"] == "dashed" {
				t.Errorf("cell %v drawn as a gap under the filter", d.Value)
			}
			if d.Value[2] == "-" {
				outside++
			}
		}
		if outside != 12 {
			t.Errorf("heatmap: got %d cells drawn outside the filter, want 12", outside)
		}
	})

	t.Run("balance dashboard", func(t *testing.T) {
		v, err := dashboard.Render(ctx, testSource(st), m, MustDashboard(t, "balance"), portfolio.Scope{}, "eu")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range v.Panels {
			if p.Err != "" || p.Option == "" || p.Summary == "" {
				t.Errorf("panel %s: got err %q, option %d bytes, summary %q", p.ID, p.Err, len(p.Option), p.Summary)
			}
		}
	})
}

func TestRenderUnknownScheme(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustDemo(t)
	good := dashboard.Panel{ID: "levels", Title: portfolio.Labels{EN: "Levels"}, Chart: "bar",
		Data: dashboard.PanelData{Kind: "shares", Scheme: "level", Measure: "count"}}

	for _, tc := range []struct {
		name string
		bad  dashboard.Panel
	}{
		{"coverage", dashboard.Panel{ID: "bad", Title: portfolio.Labels{EN: "Bad"}, Chart: "heatmap",
			Data: dashboard.PanelData{Kind: "coverage", A: "pillar", B: "nope"}}},
		{"shares", dashboard.Panel{ID: "bad", Title: portfolio.Labels{EN: "Bad"}, Chart: "pie",
			Data: dashboard.PanelData{Kind: "shares", Scheme: "nope", Measure: "budget"}}},
		{"budget tree", dashboard.Panel{ID: "bad", Title: portfolio.Labels{EN: "Bad"}, Chart: "treemap",
			Data: dashboard.PanelData{Kind: "budget_tree", A: "nope", B: "lever"}}},
		{"project tree", dashboard.Panel{ID: "bad", Title: portfolio.Labels{EN: "Bad"}, Chart: "sunburst",
			Data: dashboard.PanelData{Kind: "project_tree", A: "pillar", B: "nope"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &dashboard.Dashboard{Version: 1, ID: "broken", Title: portfolio.Labels{EN: "Broken"},
				KPIs: []string{"projects", "empty_cells"}, Panels: []dashboard.Panel{tc.bad, good}}
			if err := d.Validate(); err != nil {
				t.Fatalf("the dashboard is valid as a file: got %v", err)
			}
			v, err := dashboard.Render(ctx, testSource(st), m, d, portfolio.Scope{}, "en")
			if err != nil {
				t.Fatalf("render: got %v, want the view with a failed panel", err)
			}
			bad := panelByID(t, v, "bad")
			if bad.Err == "" || !strings.Contains(bad.Err, `"nope"`) {
				t.Errorf("bad panel error: got %q, want one naming the scheme %q", bad.Err, "nope")
			}
			if strings.Contains(bad.Err, "store:") {
				t.Errorf("bad panel error: got %q, want a user message, not an internal one", bad.Err)
			}
			if bad.Option != "" {
				t.Errorf("bad panel option: got %.60q, want none", bad.Option)
			}
			if ok := panelByID(t, v, "levels"); ok.Err != "" || ok.Option == "" {
				t.Errorf("good panel: got err %q and %d bytes of option, want it drawn", ok.Err, len(ok.Option))
			}
			if kpiByCode(t, v, "projects").Value == "" {
				t.Error("projects KPI: got empty, want a value")
			}
		})
	}

	t.Run("empty_cells KPI", func(t *testing.T) {
		d := &dashboard.Dashboard{Version: 1, ID: "broken", Title: portfolio.Labels{EN: "Broken"},
			KPIs: []string{"empty_cells"}, Panels: []dashboard.Panel{{ID: "bad", Title: portfolio.Labels{EN: "Bad"}, Chart: "heatmap",
				Data: dashboard.PanelData{Kind: "coverage", A: "nope", B: "level"}}}}
		v, err := dashboard.Render(ctx, testSource(st), m, d, portfolio.Scope{}, "en")
		if err != nil {
			t.Fatal(err)
		}
		ec := kpiByCode(t, v, "empty_cells")
		if ec.Value != "–" || !strings.Contains(ec.Note, `"nope"`) {
			t.Errorf("empty_cells KPI: got %q (%q), want – with a note naming the scheme", ec.Value, ec.Note)
		}
	})
}

func TestRenderEmptyMission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := MustDemo(t)
	// A second mission with the demo's taxonomy and no project.
	m, err := st.Mission(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	m.Slug, m.ID = "empty", 0
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	empty, err := st.Mission(ctx, "empty")
	if err != nil {
		t.Fatal(err)
	}
	v, err := dashboard.Render(ctx, testSource(st), empty, MustDashboard(t, "overview"), portfolio.Scope{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got := kpiByCode(t, v, "projects").Value; got != "0" {
		t.Errorf("projects KPI: got %s, want 0", got)
	}
	if got := kpiByCode(t, v, "empty_cells").Value; got != "15" {
		t.Errorf("empty_cells KPI: got %s, want 15", got)
	}
	for _, p := range v.Panels {
		if p.Err != "" || p.Option == "" || p.Summary == "" {
			t.Errorf("panel %s: got err %q, option %d bytes, summary %q; want an empty chart with a summary", p.ID, p.Err, len(p.Option), p.Summary)
		}
	}
	if got := panelByID(t, v, "levels").Summary; got != i18n.T("en", "summary.empty") {
		t.Errorf("levels summary: got %q, want %q", got, i18n.T("en", "summary.empty"))
	}
}

// coverageCounter counts the coverage matrices read through it, by pair of
// schemes.
type coverageCounter struct {
	dashboard.Source
	mu    sync.Mutex
	reads map[string]int
}

func (c *coverageCounter) Coverage(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.CoverageCell, error) {
	c.mu.Lock()
	c.reads[a+"×"+b]++
	c.mu.Unlock()
	return c.Source.Coverage(ctx, m, a, b, sc)
}

// The overview reads pillar × level for its empty_cells KPI and its
// heatmap, and pillar × challenge for its sunburst: one read of each
// matrix, where it used to read pillar × level twice (each a scan of every
// project's terms, half a second at a million projects). The KPI still
// counts the heatmap's empty cells.
func TestRenderReadsEachCoverageOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, m := MustDemo(t)
	src := &coverageCounter{Source: testSource(st), reads: map[string]int{}}
	v, err := dashboard.Render(ctx, src, m, MustDashboard(t, "overview"), portfolio.Scope{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"pillar×level": 1, "pillar×challenge": 1}; !maps.Equal(src.reads, want) {
		t.Errorf("coverage reads: got %v, want %v", src.reads, want)
	}
	cells, err := st.Coverage(ctx, m, "pillar", "level", portfolio.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	empty := 0
	for _, c := range cells {
		if c.NFull == 0 {
			empty++
		}
	}
	if got := kpiByCode(t, v, "empty_cells").Raw; got != float64(empty) {
		t.Errorf("empty_cells: got %v, want %d", got, empty)
	}
	if p := panelByID(t, v, "coverage"); p.Err != "" || p.Option == "" {
		t.Errorf("coverage panel: error %q, option %d bytes", p.Err, len(p.Option))
	}
}
