package dashboard

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/begira/begira/internal/portfolio"
)

// Dashboard is one dashboard file.
type Dashboard struct {
	Version     int              `yaml:"version"`
	ID          string           `yaml:"id"`
	Title       portfolio.Labels `yaml:"title"`
	Description portfolio.Labels `yaml:"description"`
	KPIs        []string         `yaml:"kpis"`
	Panels      []Panel          `yaml:"panels"`
	Source      string           `yaml:"-"` // file it came from, for logs
}

// Panel is one chart of a dashboard.
type Panel struct {
	ID    string           `yaml:"id"`
	Title portfolio.Labels `yaml:"title"`
	Chart string           `yaml:"chart"`
	Data  PanelData        `yaml:"data"`
}

// PanelData says what a panel shows.
type PanelData struct {
	Kind    string `yaml:"kind"`    // see chartsOf
	A       string `yaml:"a"`       // first scheme (coverage, budget_tree, project_tree)
	B       string `yaml:"b"`       // second scheme
	Scheme  string `yaml:"scheme"`  // shares
	Measure string `yaml:"measure"` // shares: count | budget
}

// Data kinds and the charts each can be drawn with.
var chartsOf = map[string][]string{
	"coverage":     {"heatmap"},
	"shares":       {"bar", "pie"},
	"budget_tree":  {"treemap"},
	"project_tree": {"sunburst"},
	// Views over the metric catalogue (DOMAIN.md §6).
	"target_radar":         {"radar"},
	"partner_graph":        {"graph"},
	"cross_level":          {"heatmap"},
	"territory":            {"map"},
	"signals_time":         {"line"},
	"emergence":            {"scatter"},
	"signals_vs_portfolio": {"bar"},
	"convergence":          {"heatmap"},
	"data_health":          {"bar"},
}

// kindMetrics names the catalogue metrics each data kind draws, so that
// the metric catalogue can link each metric to the dashboards showing it.
var kindMetrics = map[string][]string{
	"coverage":             {"C1", "C2"},
	"shares":               {"C3"},
	"target_radar":         {"C7"},
	"partner_graph":        {"C16", "C17"},
	"cross_level":          {"C19"},
	"territory":            {"C12"},
	"signals_time":         {"S1", "S5"},
	"emergence":            {"S4"},
	"signals_vs_portfolio": {"S10"},
	"convergence":          {"S8"},
	"data_health":          {"C20"},
}

// Draws says whether one of d's panels draws metric code.
func (d *Dashboard) Draws(code string) bool {
	for _, p := range d.Panels {
		if slices.Contains(kindMetrics[p.Data.Kind], code) {
			return true
		}
	}
	return false
}

// schemeKinds are the view kinds that need data.scheme.
var schemeKinds = map[string]bool{"target_radar": true, "signals_time": true, "emergence": true,
	"signals_vs_portfolio": true, "convergence": true}

func kindNames() []string {
	var out []string
	for k := range chartsOf {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// KPI codes a dashboard may show as cards.
var kpiCodes = []string{"projects", "budget", "organisations", "signals", "empty_cells"}

// Validate checks a dashboard and returns every problem found.
func (d *Dashboard) Validate() error {
	var problems []string
	add := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	if d.Version != 1 {
		add("version must be 1, not %d", d.Version)
	}
	if !portfolio.ValidSlug(d.ID) {
		add("id %q must be lower-case letters, digits, '_' or '-'", d.ID)
	}
	if d.Title.EN == "" {
		add("title.en is required")
	}
	for _, k := range d.KPIs {
		if !slices.Contains(kpiCodes, k) {
			add("kpi %q is not one of %s", k, strings.Join(kpiCodes, ", "))
		}
	}
	if len(d.Panels) == 0 {
		add("at least one panel is required")
	}
	ids := map[string]bool{}
	for i, p := range d.Panels {
		where := fmt.Sprintf("panels[%d] (%s)", i, p.ID)
		if !portfolio.ValidSlug(p.ID) || ids[p.ID] {
			add("%s: id must be a unique slug", where)
		}
		ids[p.ID] = true
		if p.Title.EN == "" {
			add("%s: title.en is required", where)
		}
		charts, ok := chartsOf[p.Data.Kind]
		if !ok {
			add("%s: data.kind %q is not a known kind (%s)", where, p.Data.Kind, strings.Join(kindNames(), ", "))
			continue
		}
		if !slices.Contains(charts, p.Chart) {
			add("%s: chart %q cannot show %s (use %s)", where, p.Chart, p.Data.Kind, strings.Join(charts, " or "))
		}
		switch {
		case schemeKinds[p.Data.Kind]:
			if p.Data.Scheme == "" {
				add("%s: data.scheme is required", where)
			}
		case p.Data.Kind == "partner_graph" || p.Data.Kind == "cross_level" || p.Data.Kind == "territory" || p.Data.Kind == "data_health":
		case p.Data.Kind == "shares":
			if p.Data.Scheme == "" {
				add("%s: data.scheme is required", where)
			}
			if p.Data.Measure != "count" && p.Data.Measure != "budget" {
				add("%s: data.measure must be count or budget", where)
			}
		default: // coverage, budget_tree, project_tree
			if p.Data.A == "" || p.Data.B == "" {
				add("%s: data.a and data.b name the two schemes", where)
			}
		}
	}
	if len(problems) > 0 {
		return &portfolio.Error{Code: portfolio.EINVALID, Message: strings.Join(problems, "; "), Details: problems}
	}
	return nil
}

// Parse decodes and validates one dashboard file.
func Parse(body []byte) (*Dashboard, error) {
	var d Dashboard
	if err := yaml.UnmarshalWithOptions(body, &d, yaml.DisallowUnknownField()); err != nil {
		return nil, &portfolio.Error{Code: portfolio.EINVALID, Message: yaml.FormatError(err, false, true)}
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Set is the loaded dashboards, by id.
type Set struct {
	byID  map[string]*Dashboard
	order []string
}

// Load reads the default dashboards, then every *.yaml (or *.yml) in dir (if dir is
// not empty), which adds dashboards or overrides defaults by id. A broken
// file is logged with its reason and skipped: one bad file must never take
// the other dashboards, or the server, down.
func Load(defaults fs.FS, dir string, log *slog.Logger) *Set {
	s := &Set{byID: map[string]*Dashboard{}}
	s.addFS(defaults, "embedded", log)
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			log.Warn("dashboards directory not readable; using the defaults only", "dir", dir, "reason", err.Error())
		} else {
			s.addFS(os.DirFS(dir), dir, log)
		}
	}
	sort.SliceStable(s.order, func(i, j int) bool {
		// The overview comes first; the others by id.
		return s.order[i] == "overview" || (s.order[j] != "overview" && s.order[i] < s.order[j])
	})
	return s
}

func (s *Set) addFS(fsys fs.FS, origin string, log *slog.Logger) {
	names, _ := fs.Glob(fsys, "*.yaml")
	yml, _ := fs.Glob(fsys, "*.yml")
	names = append(names, yml...)
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			log.Error("dashboard file skipped", "file", filepath.Join(origin, name), "reason", err.Error())
			continue
		}
		d, err := Parse(body)
		if err != nil {
			log.Error("dashboard file skipped", "file", filepath.Join(origin, name), "reason", portfolio.ErrorMessage(err))
			continue
		}
		d.Source = filepath.Join(origin, name)
		if _, exists := s.byID[d.ID]; !exists {
			s.order = append(s.order, d.ID)
		} else {
			log.Info("dashboard overridden", "id", d.ID, "file", d.Source)
		}
		s.byID[d.ID] = d
	}
}

// Get returns the dashboard with the given id.
func (s *Set) Get(id string) (*Dashboard, error) {
	if d, ok := s.byID[id]; ok {
		return d, nil
	}
	return nil, portfolio.Errorf(portfolio.ENOTFOUND, "dashboard %q not found", id)
}

// All returns every dashboard, the overview first.
func (s *Set) All() []*Dashboard {
	out := make([]*Dashboard, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.byID[id])
	}
	return out
}
