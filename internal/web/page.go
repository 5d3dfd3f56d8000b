package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds one parsed template set per page, each with the layout.
type pages struct{ byName map[string]*template.Template }

func mustParsePages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"deref": func(f *float64) float64 { return *f },
		"list":  func(s ...string) []string { return s },
		"join":  strings.Join,
		"asset": assetPath,
	}
	for _, name := range []string{"dashboard", "projects", "project", "organisations", "signals", "metrics", "imports", "jobs", "error",
		"snapshots", "diff", "pack", "digest", "decisions", "signal", "organisation", "login", "setup", "users", "tokens", "audit", "home", "newmission", "links"} {
		t := template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles,
			"templates/layout.html", "templates/filters.html", "templates/lists.html", "templates/empty_state.html", "templates/"+name+".html"))
		p.byName[name] = t
	}
	return p
}

// page is the frame every template receives: what the layout, the filter
// form and the empty states need on every page. Each page's view embeds it
// and adds its own fields (homeView, dashboardView, projectListView, …);
// templates reach the frame's fields and methods by promotion. Its methods
// are the templates' vocabulary: T for messages, Label for trilingual
// labels, Link for URLs that keep the language and the filters.
type page struct {
	Lang       string
	Title      string
	Nav        string
	Path       string
	Query      url.Values // the request's query, filters and lang included
	Mission    *portfolio.Mission
	Dashboards []*dashboard.Dashboard
	Languages  []string
	Message    string
	Filters    []filter
	Scope      portfolio.Scope
	Snapshot   *portfolio.Snapshot // set when the page is read as of a snapshot
	NotFrozen  bool                // the page shows today's state even then
	NoRows     bool                // the mission has no row of the page's kind at all (empty.go)

	// Role is the reader's role on Mission: the nav shows what it allows.
	Role auth.Role
	// Viewer says who reads; nil on cached pages, which carry viewerMarker
	// in its place until served (see sendPersonal).
	Viewer *viewerData
	// Guest is the guest link's base path when a guest reads the page.
	Guest string
	Form  *formData // the forms' hidden fields and choices

	scoped *scoped // the request's scope, set by missionPage
}

// view is what a template renders: a page's view, whose frame the server
// fills with the reader's part before rendering.
type view interface{ frame() *page }

func (p *page) frame() *page { return p }

// done releases what the page's scope holds (a snapshot's connection).
func (p *page) done() {
	if p.scoped != nil {
		p.scoped.release()
	}
}

type filter struct {
	Param   string
	Label   string
	Default string // what the empty choice means; "All" when empty
	Options []filterOption
}

type filterOption struct {
	Value, Label string
	Selected     bool
}

// langCookie remembers the language a reader chose with ?lang=, so that
// the pages a link, a form or a redirect leads to without ?lang= (the
// login, a form's answer, a page after logging in) stay in it.
const langCookie = "begira_lang"

// language picks the reader's language: ?lang= (remembered in a cookie),
// then the remembered choice, then Accept-Language, then the instance
// default.
func (s *Server) language(c *fiber.Ctx) string {
	if l := c.Query("lang"); i18n.Supported(l) {
		if c.Cookies(langCookie) != l && !strings.HasPrefix(c.Path(), "/api/") {
			s.setCookie(c, langCookie, l, 365*24*time.Hour)
		}
		return l
	}
	if l := c.Cookies(langCookie); i18n.Supported(l) {
		return l
	}
	if l := i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage)); l != "" {
		return l
	}
	return s.lang
}

func (s *Server) newPage(c *fiber.Ctx, nav string) *page {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return &page{Lang: s.language(c), Nav: nav, Path: c.Path(), Query: q, Languages: i18n.Languages,
		Dashboards: s.dashboards.All()}
}

// renderBytes executes a page template into bytes.
func (s *Server) renderBytes(name string, v view) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func (s *Server) render(c *fiber.Ctx, name string, v view) error {
	// Pages depend on the language cookie and Accept-Language when ?lang=
	// is absent.
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	s.personal(c, v.frame())
	b, err := s.renderBytes(name, v)
	if err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Send(b)
}

func i18nTitle(lang string) string { return i18n.T(lang, "error.title") }

// T returns a message in the page's language.
func (p *page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Label returns a trilingual label in the page's language.
func (p *page) Label(l portfolio.Labels) string { return l.In(p.Lang) }

// Enum names a fixed value (a status, a source type) in the page's language.
func (p *page) Enum(kind, value string) string { return i18n.Enum(p.Lang, kind, value) }

// Int and EUR format numbers the reader's way.
func (p *page) Int(n int64) string   { return i18n.Int(p.Lang, n) }
func (p *page) EUR(x float64) string { return i18n.EUR(p.Lang, x) }
func (p *page) Count(n int) string   { return i18n.Int(p.Lang, int64(n)) }

// Link returns path with the language and the current filters.
func (p *page) Link(path string) string {
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	return path + "?" + q.Encode()
}

// LangLink returns the current page in another language.
func (p *page) LangLink(lang string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("lang", lang)
	return p.Path + "?" + q.Encode()
}

// defaultZone is where times are shown on pages of no mission (jobs,
// audit, users): the zone missions default to.
const defaultZone = "Europe/Madrid"

// zones caches time zones by name.
var zones sync.Map

func zone(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

// Time writes an instant the reader's way, in the mission's time zone
// (Europe/Madrid on pages of no mission), to the minute.
func (p *page) Time(t time.Time) string {
	name := defaultZone
	if p.Mission != nil && p.Mission.Timezone != "" {
		name = p.Mission.Timezone
	}
	return i18n.DateTime(p.Lang, t, zone(name))
}

// TimePtr is Time of an instant that may be absent ("").
func (p *page) TimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return p.Time(*t)
}

// OnDashboard reports whether the page is one of the dashboards of the
// navigation's menu (the overview has its own item).
func (p *page) OnDashboard() bool {
	for _, d := range p.Dashboards {
		if d.ID == p.Nav && d.ID != "overview" {
			return true
		}
	}
	return false
}

// Date formats a date the reader's way.
func (p *page) Date(t time.Time) string { return i18n.Date(p.Lang, t) }

// SignalsLink is the drill-down target of signal charts.
func (p *page) SignalsLink() string {
	if p.Mission == nil {
		return ""
	}
	return p.Link("/m/" + p.Mission.Slug + "/signals")
}

// ProjectLink is a project's page, in the page's scope (its snapshot kept).
func (p *page) ProjectLink(ref string) string {
	return p.Link("/m/" + p.Mission.Slug + "/projects/" + url.PathEscape(ref))
}

// SchemeTerms lists the project's schemes with their terms as labels, in
// the mission's scheme order.
func (p *page) SchemeTerms(pr *portfolio.Project) [][2]string {
	var out [][2]string
	for _, s := range p.Mission.Schemes {
		if codes := pr.Terms[s.Code]; len(codes) > 0 {
			out = append(out, [2]string{s.Label.In(p.Lang), p.TermLabels(s.Code, codes)})
		}
	}
	return out
}

// ProjectsLink is the drill-down target of charts: the project list with
// the current filters (the chart's click adds its own).
func (p *page) ProjectsLink() string {
	if p.Mission == nil {
		return ""
	}
	return p.Link("/m/" + p.Mission.Slug + "/projects")
}

// ErrorText is what a page says of a refused request: the server's own
// English message in English, the message of its code in the reader's
// language otherwise (the API keeps codes and English messages; pages
// translate by code).
func (p *page) ErrorText(e *portfolio.Error) string {
	if p.Lang != "en" && e.Key != "" && i18n.Has(e.Key) {
		return p.refusal(e)
	}
	if p.Lang == "en" || !i18n.Has("error."+e.Code) {
		if p.Lang == "en" {
			return e.Message
		}
		return p.T("error." + portfolio.EINVALID)
	}
	return p.T("error." + e.Code)
}

// refusal says a refusal made by portfolio.Refusef in the page's
// language: its key's message, its Coded arguments by their names.
func (p *page) refusal(e *portfolio.Error) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if c, ok := a.(portfolio.Coded); ok {
			a = p.Enum(c.Kind, c.Value)
		}
		args[i] = a
	}
	return p.T(e.Key, args...)
}

// ErrorMessages give the page scripts the message of each error code in
// the page's language, for the API's refusals they show; none in English,
// where the API's own messages say more.
func (p *page) ErrorMessages() template.JS {
	m := map[string]string{}
	if p.Lang != "en" {
		for _, code := range errorCodes {
			m[code] = p.T("error." + code)
		}
		// The specific refusals by key, and the names of the fixed values
		// they may name.
		for _, k := range i18n.Keys("refusal.", "enum.import_status.") {
			m[k] = p.T(k)
		}
	}
	b, _ := json.Marshal(m)
	return template.JS(b)
}

// ErrorMessagesText is ErrorMessages as text, for an attribute: pages
// carry no script of their own for it (the pack none at all).
func (p *page) ErrorMessagesText() string { return string(p.ErrorMessages()) }

// ImportMessages are the wizard script's strings in the page's language.
func (p *page) ImportMessages() template.JS {
	m := map[string]string{}
	for _, k := range []string{"phase.uploading", "phase.transcoding", "phase.staging", "phase.validating", "phase.committing",
		"phase.done", "error", "counts", "unmapped", "committed", "discarded", "confirm_rollback",
		"dialect.encoding", "dialect.delimiter", "dialect.decimal_separator", "dialect.thousands_separator",
		"dialect.date_format", "dialect.header_row", "dialect.sheet", "dialect.quote", "dialect.list_separator",
		"line", "ignore", "detected", "choose", "decided.given", "decided.values", "decided.range", "decided.file", "decided.ambiguous",
		"flagged"} {
		m[k] = i18n.T(p.Lang, "imports."+k)
	}
	// Rejects and warnings by code: the API says them in English.
	for _, code := range []string{ingest.RejRequired, ingest.RejNumber, ingest.RejNumberAmbiguous, ingest.RejNumberOther, ingest.RejRange, ingest.RejInt,
		ingest.RejDate, ingest.RejTwoDigitYear, ingest.RejEnum, ingest.RejMunicipality, ingest.RejMunicipalityNew, ingest.RejTerm,
		"did_you_mean", "term_list", ingest.RejNoScheme, ingest.RejDuplicate, ingest.RejExists, ingest.RejProjectRef, ingest.RejFormula} {
		m["reject."+code] = i18n.T(p.Lang, "imports.reject."+code)
	}
	for _, code := range []string{ingest.WarnNumberAmbiguous, ingest.WarnDateAmbiguous, ingest.WarnYearRange, ingest.WarnNegativeBudget,
		ingest.WarnFundingAboveTotal, ingest.WarnEndBeforeStart, ingest.WarnReplaceDeletes, ingest.WarnEncoding, ingest.WarnHeaderTwice,
		ingest.WarnMappingAbsent, ingest.WarnMergedAmount} {
		m["warn."+code] = i18n.T(p.Lang, "imports.warn."+code)
	}
	m["rolled_back"] = p.Enum("import_status", "rolled_back")
	m["status.discarded"] = p.Enum("import_status", "discarded")
	b, _ := json.Marshal(m)
	return template.JS(b)
}

// TermLabels shows term codes of a scheme as labels.
func (p *page) TermLabels(scheme string, codes []string) string {
	s := p.Mission.Scheme(scheme)
	if s == nil {
		return strings.Join(codes, ", ")
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if t := s.Term(c); t != nil {
			out[i] = t.Label.In(p.Lang)
		}
	}
	return strings.Join(out, ", ")
}

// setFilters builds the filter form from the mission's schemes.
func (p *page) setFilters() {
	selected := p.Scope.Query()
	for _, code := range []string{"level", "pillar", "challenge", "lever", "stage"} {
		s := p.Mission.Scheme(code)
		if s == nil {
			continue
		}
		f := filter{Param: code, Label: s.Label.In(p.Lang)}
		for _, t := range s.ActiveTerms() {
			f.Options = append(f.Options, filterOption{Value: t.Code, Label: t.Label.In(p.Lang),
				Selected: selected.Get(code) == t.Code})
		}
		p.Filters = append(p.Filters, f)
	}
	// The status filter says what its default does: the projects under way.
	st := filter{Param: "status", Label: p.T("filter.status"), Default: p.T("filter.status_default")}
	current := selected.Get("status")
	st.Options = append(st.Options, filterOption{Value: portfolio.StatusAny, Label: p.T("filter.status_any"),
		Selected: current == portfolio.StatusAny})
	for _, v := range portfolio.ProjectStatuses {
		st.Options = append(st.Options, filterOption{Value: v, Label: p.Enum("project_status", v), Selected: current == v})
	}
	p.Filters = append(p.Filters, st)
}

// KeptFilters are the page's scope parameters that the filter form has no
// control for (a drill-down's term, untagged scheme, place or dates): the
// form carries them as hidden fields (those it has a control for, such as
// the comarca, it carries itself), so that changing the status of a
// list opened from a chart keeps the chart's mark.
func (p *page) KeptFilters() []keptParam {
	q := p.Scope.Query()
	var out []keptParam
	controlled := map[string]bool{}
	for _, f := range p.Filters {
		controlled[f.Param] = true
	}
	for _, name := range []string{"term", "untagged", "comarca", "municipality", "from", "to"} {
		if v := q.Get(name); v != "" && !controlled[name] {
			out = append(out, keptParam{name, v})
		}
	}
	return out
}

// ResetLink clears the filters but keeps the language and the snapshot the
// page is read as of.
func (p *page) ResetLink() string {
	q := url.Values{"lang": {p.Lang}}
	if p.Snapshot != nil {
		q.Set("snapshot", strconv.FormatInt(p.Snapshot.ID, 10))
	}
	return p.Path + "?" + q.Encode()
}

// LiveLink is the same page with today's figures instead of the snapshot's.
func (p *page) LiveLink() string {
	q := url.Values{}
	for k, v := range p.Query {
		if k != "snapshot" {
			q[k] = v
		}
	}
	q.Set("lang", p.Lang)
	return p.Path + "?" + q.Encode()
}

// ScopeText states the page's scope in words, next to its figures:
// "283 projects, planned and active, all levels".
func (p *page) ScopeText(n int64) string {
	return scopeWords(p.Lang, p.Mission, p.Scope, n)
}

// missionPage loads the request's scope (mission, filters, snapshot) shared
// by every mission page. The caller must defer p.done(): a page read as of
// a snapshot holds the snapshot's connection until then.
func (s *Server) missionPage(c *fiber.Ctx, nav string) (*page, error) {
	sd, err := s.scope(c)
	if err != nil {
		return nil, err
	}
	p := s.newPage(c, nav)
	p.scoped = sd
	p.Mission, p.Scope, p.Snapshot = sd.Mission, sd.Scope, sd.Snapshot
	// These pages show what no snapshot freezes (imports, the snapshots
	// themselves, the digest, the decisions): they say so, and their links still lead
	// back into the snapshot.
	p.NotFrozen = nav == "imports" || nav == "snapshots" || nav == "digest" || nav == "decisions"
	p.setFilters()
	p.addComarcaFilter(s.comarcas(c.UserContext()))
	return p, nil
}

func queryValues(c *fiber.Ctx) url.Values {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return q
}
