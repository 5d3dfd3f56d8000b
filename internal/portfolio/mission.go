package portfolio

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Labels holds one text in the three languages Begira speaks.
type Labels struct {
	EN string `yaml:"en" json:"en"`
	ES string `yaml:"es,omitempty" json:"es,omitempty"`
	EU string `yaml:"eu,omitempty" json:"eu,omitempty"`
}

// In returns the label in lang, falling back to English.
func (l Labels) In(lang string) string {
	switch {
	case lang == "es" && l.ES != "":
		return l.ES
	case lang == "eu" && l.EU != "":
		return l.EU
	}
	return l.EN
}

// Mission is a declared mission with its taxonomies, as written in a mission
// document (YAML) and stored in the database.
type Mission struct {
	ID        int64    `yaml:"-" json:"-"`
	Slug      string   `yaml:"slug" json:"slug"`
	Title     Labels   `yaml:"title" json:"title"`
	Statement string   `yaml:"statement" json:"statement"`
	Timezone  string   `yaml:"timezone" json:"timezone"`
	Schemes   []Scheme `yaml:"schemes" json:"schemes"`
	// Targets are the committee's target mixes (metric C7): scheme → term →
	// share, each mix summing to 1. Balance means alignment with purpose,
	// not equal shares.
	Targets map[string]map[string]float64 `yaml:"targets,omitempty" json:"targets,omitempty"`
	// Relevance marks the coverage cells a committee cares about (metric
	// C2's relevant_gap_ratio).
	Relevance []RelevanceMask `yaml:"relevance,omitempty" json:"relevance,omitempty"`
	// Schedules maps a job (recompute, snapshot, digest, pull_<source>) to
	// a cron spec evaluated in the mission's time zone, e.g. "0 7 * * 1",
	// "@every 1h" or "CRON_TZ=UTC 30 6 * * *".
	Schedules map[string]string `yaml:"schedules,omitempty" json:"schedules,omitempty"`
	// Sources are the registered data sources; one with a URL is pulled
	// through the import pipeline on its schedule.
	Sources []SourceDoc `yaml:"sources,omitempty" json:"sources,omitempty"`
	// Subscriptions are who is sent the digest and snapshot summaries.
	Subscriptions []Subscription `yaml:"subscriptions,omitempty" json:"subscriptions,omitempty"`
	// Alerts say who is told at once when something goes wrong.
	Alerts []AlertRule `yaml:"alerts,omitempty" json:"alerts,omitempty"`
	// Boundaries are the municipality boundaries of the territory map
	// (boundaries.go); nil leaves the choice to the server.
	Boundaries *Boundaries `yaml:"boundaries,omitempty" json:"boundaries,omitempty"`
	// CreatedAt is informative: accepted in a document (so what the API
	// returns can be applied again) and otherwise ignored.
	CreatedAt time.Time `yaml:"created_at,omitempty" json:"created_at"`
}

// RelevanceMask lists the cells (a term, b term) of the A × B coverage
// matrix that matter.
type RelevanceMask struct {
	A     string      `yaml:"a" json:"a"`
	B     string      `yaml:"b" json:"b"`
	Cells [][2]string `yaml:"cells" json:"cells"`
}

// SourceDoc declares a data source in a mission document. Kind is what its
// files hold (projects, organisations or signals); Mode is how a pulled
// file is committed (default upsert: a feed updates its rows and never
// deletes what analysts uploaded by hand).
type SourceDoc struct {
	Slug     string            `yaml:"slug" json:"slug"`
	Name     string            `yaml:"name,omitempty" json:"name,omitempty"`
	Kind     string            `yaml:"kind" json:"kind"`
	URL      string            `yaml:"url,omitempty" json:"url,omitempty"`
	Mode     string            `yaml:"mode,omitempty" json:"mode,omitempty"`
	Mapping  map[string]string `yaml:"mapping,omitempty" json:"mapping,omitempty"`
	Schedule string            `yaml:"schedule,omitempty" json:"schedule,omitempty"`
}

// Jobs a mission document may schedule by name; pull jobs are named
// JobPullPrefix + the source slug.
const (
	JobRecompute  = "recompute"
	JobSnapshot   = "snapshot"
	JobDigest     = "digest"
	JobPullPrefix = "pull_"
)

// Scheme is one classification frame (pillar, level, stage, …).
type Scheme struct {
	Code        string    `yaml:"code" json:"code"`
	Label       Labels    `yaml:"label" json:"label"`
	Cardinality string    `yaml:"cardinality" json:"cardinality"`
	Ordered     bool      `yaml:"ordered" json:"ordered"`
	AppliesTo   AppliesTo `yaml:"applies_to" json:"applies_to"`
	Terms       []Term    `yaml:"terms" json:"terms"`
}

// AppliesTo lists the entity kinds a scheme classifies. In YAML it may be
// written as a single word or a list.
type AppliesTo []string

// UnmarshalYAML accepts `project` as well as `[project, signal]`.
func (a *AppliesTo) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*a = AppliesTo{one}
		return nil
	}
	var many []string
	if err := unmarshal(&many); err != nil {
		return err
	}
	*a = many
	return nil
}

// Term is one category of a scheme.
type Term struct {
	Code    string `yaml:"code" json:"code"`
	Parent  string `yaml:"parent,omitempty" json:"parent,omitempty"`
	Label   Labels `yaml:"label" json:"label"`
	Ordinal int    `yaml:"ordinal,omitempty" json:"ordinal,omitempty"`
	// Inactive terms stay known (old rows keep their tags) but are no longer
	// offered and do not count in K.
	Inactive bool `yaml:"inactive,omitempty" json:"inactive,omitempty"`
}

// Entity kinds a scheme may apply to; also the import kinds.
const (
	KindProject      = "project"
	KindSignal       = "signal"
	KindOrganisation = "organisation"
)

// Multi reports whether a project may carry several terms of the scheme.
func (s *Scheme) Multi() bool { return s.Cardinality == "multi" }

// AppliesToKind reports whether the scheme classifies the entity kind.
func (s *Scheme) AppliesToKind(kind string) bool { return slices.Contains(s.AppliesTo, kind) }

// Term returns the term with the given code, or nil.
func (s *Scheme) Term(code string) *Term {
	for i := range s.Terms {
		if s.Terms[i].Code == code {
			return &s.Terms[i]
		}
	}
	return nil
}

// ActiveTerms returns the terms that count in K.
func (s *Scheme) ActiveTerms() []Term {
	var ts []Term
	for _, t := range s.Terms {
		if !t.Inactive {
			ts = append(ts, t)
		}
	}
	return ts
}

// Scheme returns the scheme with the given code, or nil.
func (m *Mission) Scheme(code string) *Scheme {
	for i := range m.Schemes {
		if m.Schemes[i].Code == code {
			return &m.Schemes[i]
		}
	}
	return nil
}

// SchemeOrError returns the scheme with the given code or an EINVALID error
// naming it.
func (m *Mission) SchemeOrError(code string) (*Scheme, error) {
	if s := m.Scheme(code); s != nil {
		return s, nil
	}
	return nil, Errorf(EINVALID, "unknown scheme %q in mission %q", code, m.Slug)
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_\-]{0,62}$`)
	codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_\-]{0,62}$`)
)

// ValidSlug reports whether s is usable as a mission slug: lower-case ASCII
// letters, digits, '_' and '-', since slugs appear in URLs.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// ValidCode reports whether s is usable as a scheme or term code: ASCII
// letters, digits, '_' and '-' (term codes such as H1 keep their case).
func ValidCode(s string) bool { return codeRE.MatchString(s) }

// Validate checks a mission document and returns an EINVALID error listing
// every problem found.
func (m *Mission) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !ValidSlug(m.Slug) {
		add("slug %q must be lower-case letters, digits, '_' or '-'", m.Slug)
	}
	if m.Title.EN == "" {
		add("title.en is required")
	}
	if m.Timezone == "" {
		m.Timezone = "Europe/Madrid"
	}
	if _, err := time.LoadLocation(m.Timezone); err != nil {
		add("timezone %q is not a known IANA time zone", m.Timezone)
	}
	seen := map[string]bool{}
	for i, s := range m.Schemes {
		where := fmt.Sprintf("schemes[%d] (%s)", i, s.Code)
		if !ValidCode(s.Code) {
			add("%s: code must be ASCII letters, digits, '_' or '-'", where)
		}
		if seen[s.Code] {
			add("%s: duplicate scheme code", where)
		}
		seen[s.Code] = true
		if s.Label.EN == "" {
			add("%s: label.en is required", where)
		}
		if s.Cardinality == "" {
			m.Schemes[i].Cardinality = "single"
		} else if s.Cardinality != "single" && s.Cardinality != "multi" {
			add("%s: cardinality must be single or multi, not %q", where, s.Cardinality)
		}
		if len(s.AppliesTo) == 0 {
			m.Schemes[i].AppliesTo = AppliesTo{KindProject}
		}
		for _, k := range s.AppliesTo {
			if k != KindProject && k != KindSignal && k != KindOrganisation {
				add("%s: applies_to must be project, signal or organisation, not %q", where, k)
			}
		}
		if len(s.Terms) == 0 {
			add("%s: at least one term is required", where)
		}
		terms := map[string]bool{}
		for j, t := range s.Terms {
			tw := fmt.Sprintf("%s terms[%d] (%s)", where, j, t.Code)
			if !ValidCode(t.Code) {
				add("%s: code must be ASCII letters, digits, '_' or '-'", tw)
			}
			if terms[t.Code] {
				add("%s: duplicate term code", tw)
			}
			terms[t.Code] = true
			if t.Label.EN == "" {
				add("%s: label.en is required", tw)
			}
			if s.Ordered && t.Ordinal == 0 {
				m.Schemes[i].Terms[j].Ordinal = j + 1
			}
		}
		for j, t := range s.Terms {
			if t.Parent != "" && !terms[t.Parent] {
				add("%s terms[%d] (%s): parent %q is not a term of this scheme", where, j, t.Code, t.Parent)
			}
		}
	}
	for scheme, mix := range m.Targets {
		sc := m.Scheme(scheme)
		if sc == nil {
			add("targets: %q is not a scheme", scheme)
			continue
		}
		sum := 0.0
		for term, share := range mix {
			if sc.Term(term) == nil {
				add("targets.%s: %q is not a term of %s", scheme, term, scheme)
			}
			if share < 0 || share > 1 {
				add("targets.%s.%s: share %v must be between 0 and 1", scheme, term, share)
			}
			sum += share
		}
		if sum < 0.99 || sum > 1.01 {
			add("targets.%s: shares sum to %.3f, want 1", scheme, sum)
		}
	}
	for i, r := range m.Relevance {
		sa, sb := m.Scheme(r.A), m.Scheme(r.B)
		if sa == nil || sb == nil {
			add("relevance[%d]: a=%q and b=%q must name schemes", i, r.A, r.B)
			continue
		}
		for _, c := range r.Cells {
			if sa.Term(c[0]) == nil || sb.Term(c[1]) == nil {
				add("relevance[%d]: cell [%s, %s] is not a pair of %s × %s terms", i, c[0], c[1], r.A, r.B)
			}
		}
	}
	m.validateSources(add)
	m.validateSubscriptions(add)
	m.validateAlerts(add)
	m.Boundaries.validate(add)
	if len(problems) > 0 {
		return &Error{Code: EINVALID, Message: fmt.Sprintf("mission %q: %d problem(s): %s", m.Slug, len(problems), problems[0]), Details: problems}
	}
	return nil
}

// validateSources checks the sources and schedules of the document and
// fills in their defaults (name = slug, mode = upsert).
func (m *Mission) validateSources(add func(string, ...any)) {
	pulled := map[string]bool{}
	seen := map[string]bool{}
	for i, src := range m.Sources {
		where := fmt.Sprintf("sources[%d] (%s)", i, src.Slug)
		if !ValidSlug(src.Slug) {
			add("%s: slug must be lower-case letters, digits, '_' or '-'", where)
		}
		if seen[src.Slug] {
			add("%s: duplicate source slug", where)
		}
		seen[src.Slug] = true
		if src.Name == "" {
			m.Sources[i].Name = src.Slug
		}
		if !slices.Contains([]string{"projects", "organisations", "signals"}, src.Kind) {
			add("%s: kind must be projects, organisations or signals, not %q", where, src.Kind)
		}
		if src.Mode == "" {
			m.Sources[i].Mode = "upsert"
		} else if !slices.Contains([]string{"append", "replace", "upsert"}, src.Mode) {
			add("%s: mode must be append, replace or upsert, not %q", where, src.Mode)
		}
		if src.URL != "" {
			if u, err := url.Parse(src.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				add("%s: url %q must be an absolute http or https URL", where, src.URL)
			}
			pulled[src.Slug] = true
		}
		if src.Schedule != "" {
			if src.URL == "" {
				add("%s: a schedule needs a url to pull from", where)
			}
			if err := CheckSchedule(src.Schedule); err != nil {
				add("%s: schedule %q: %v", where, src.Schedule, err)
			}
		}
	}
	for job, spec := range m.Schedules {
		switch {
		case job == JobRecompute || job == JobSnapshot || job == JobDigest:
		case strings.HasPrefix(job, JobPullPrefix):
			if slug := strings.TrimPrefix(job, JobPullPrefix); !pulled[slug] {
				add("schedules.%s: %q is not a source with a url", job, slug)
			}
		default:
			add("schedules.%s: unknown job (known: recompute, snapshot, digest, pull_<source>)", job)
		}
		if err := CheckSchedule(spec); err != nil {
			add("schedules.%s: %q: %v", job, spec, err)
		}
	}
}

// cronField is the range of one field of a cron spec and its names.
type cronField struct {
	name     string
	min, max int
	names    map[string]int
}

var (
	cronFields = []cronField{
		{"second", 0, 59, nil},
		{"minute", 0, 59, nil},
		{"hour", 0, 23, nil},
		{"day of month", 1, 31, nil},
		{"month", 1, 12, map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
			"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}},
		{"day of week", 0, 6, map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}},
	}
	cronDescriptors = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)

// CheckSchedule reports whether spec is a schedule Begira's scheduler
// accepts: five fields (minute hour day-of-month month day-of-week), six
// with leading seconds, a descriptor such as @daily or "@every 90m", each
// optionally prefixed by CRON_TZ=<zone>. It mirrors robfig/cron's parser
// (this package imports the standard library only); the scheduler parses
// again with cron itself.
func CheckSchedule(spec string) error {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		i := strings.Index(spec, " ")
		if i < 0 {
			return fmt.Errorf("%s needs a schedule after the time zone", spec)
		}
		zone := spec[strings.Index(spec, "=")+1 : i]
		if _, err := time.LoadLocation(zone); err != nil || zone == "" {
			return fmt.Errorf("time zone %q is not a known IANA time zone", zone)
		}
		spec = strings.TrimSpace(spec[i:])
	}
	if spec == "" {
		return fmt.Errorf("empty schedule")
	}
	if strings.HasPrefix(spec, "@") {
		if slices.Contains(cronDescriptors, spec) {
			return nil
		}
		if d, ok := strings.CutPrefix(spec, "@every "); ok {
			if dur, err := time.ParseDuration(strings.TrimSpace(d)); err != nil || dur < time.Second {
				return fmt.Errorf("@every needs a duration of at least 1s such as 90s, 15m or 2h")
			}
			return nil
		}
		return fmt.Errorf("unknown descriptor %s (known: %s, @every <duration>)", spec, strings.Join(cronDescriptors, ", "))
	}
	parts := strings.Fields(spec)
	switch len(parts) {
	case 5:
		parts = append([]string{"0"}, parts...)
	case 6:
	default:
		return fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got %d", len(parts))
	}
	for i, p := range parts {
		if err := cronFields[i].check(p); err != nil {
			return err
		}
	}
	return nil
}

// check validates one field: a comma-separated list of *, ?, N or N-M,
// each optionally followed by /STEP.
func (f cronField) check(field string) error {
	for _, item := range strings.Split(field, ",") {
		rng, step, hasStep := strings.Cut(item, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n <= 0 {
				return fmt.Errorf("%s: step %q must be a positive number", f.name, step)
			}
		}
		if rng == "*" || rng == "?" {
			continue
		}
		lo, hi, isRange := strings.Cut(rng, "-")
		a, err := f.value(lo)
		if err != nil {
			return err
		}
		b := a
		if isRange {
			if b, err = f.value(hi); err != nil {
				return err
			}
		}
		if a > b {
			return fmt.Errorf("%s: range %q starts after it ends", f.name, rng)
		}
	}
	return nil
}

func (f cronField) value(s string) (int, error) {
	if n, ok := f.names[strings.ToLower(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < f.min || n > f.max {
		return 0, fmt.Errorf("%s: %q must be a number from %d to %d", f.name, s, f.min, f.max)
	}
	return n, nil
}

// Target returns the target mix of a scheme, or nil.
func (m *Mission) Target(scheme string) map[string]float64 { return m.Targets[scheme] }

// RelevantCells returns the relevance mask of the A × B matrix as a set of
// "a/b" keys, or nil when the committee declared none.
func (m *Mission) RelevantCells(a, b string) map[string]bool {
	for _, r := range m.Relevance {
		if r.A == a && r.B == b {
			set := map[string]bool{}
			for _, c := range r.Cells {
				set[c[0]+"/"+c[1]] = true
			}
			return set
		}
	}
	return nil
}

// MissionSummary is one row of the mission list.
type MissionSummary struct {
	Slug      string `json:"slug"`
	Title     Labels `json:"title"`
	Statement string `json:"statement"`
	Timezone  string `json:"timezone"`
	Projects  int64  `json:"projects"`
	Signals   int64  `json:"signals"`
}
