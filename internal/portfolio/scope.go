package portfolio

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scope is the set of projects a figure is about: the filters every page and
// API call accepts, and the snapshot it is read as of. One Scope is built
// per request and every figure, chart, list and export of that request
// reads through it, so a number and the rows behind it always agree.
//
// Statuses: nil means the default of DOMAIN.md §5 (P: planned and active);
// AnyStatus means every status; otherwise the statuses listed.
type Scope struct {
	Statuses   []string
	AnyStatus  bool
	Levels     []string
	Pillars    []string
	Challenges []string
	Levers     []string
	Stages     []string
	// Terms keeps the projects tagged with terms of schemes that have no
	// filter of their own ("horizon:long"): entries of one scheme are
	// alternatives, schemes are all required. Untagged keeps the projects
	// with no term of the schemes named. Together they give every bar of a
	// chart, the untagged one included, a list of exactly its projects.
	Terms    []string
	Untagged []string
	Comarcas []string
	// Municipalities keeps the projects of these municipalities (INE
	// codes), within any comarca filter.
	Municipalities []string
	From, To       *time.Time // projects running in [From, To)
	// AsOf is the snapshot the scope is read as of; 0 reads today's data.
	AsOf int64
}

// StatusAny is the status filter's value for "every status".
const StatusAny = "any"

// DefaultStatuses are the statuses in scope when none are named: the
// projects under way (DOMAIN.md §5).
var DefaultStatuses = []string{StatusPlanned, StatusActive}

// ScopeParams lists the query parameters that make a Scope, in URL order.
var ScopeParams = []string{"level", "pillar", "challenge", "lever", "stage", "term", "untagged", "status", "comarca", "municipality", "from", "to", "snapshot"}

// ParseScope reads a Scope from query parameters. A list may be given as
// repeated parameters or comma-separated. Unknown statuses, malformed dates
// and malformed snapshot ids are EINVALID errors naming the parameter.
func ParseScope(q url.Values) (Scope, error) {
	list := func(name string) []string {
		var out []string
		for _, v := range q[name] {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
		return out
	}
	s := Scope{
		Levels: list("level"), Pillars: list("pillar"), Challenges: list("challenge"),
		Levers: list("lever"), Stages: list("stage"), Comarcas: list("comarca"), Municipalities: list("municipality"),
		Untagged: list("untagged"),
	}
	for _, t := range list("term") {
		scheme, code, ok := strings.Cut(t, ":")
		if !ok || scheme == "" || code == "" {
			return s, Errorf(EINVALID, "term=%q is not scheme:term", t)
		}
		// A scheme with a filter of its own is written one way only, so
		// that one scope has one text.
		if own := s.schemeList(scheme); own != nil {
			if !slices.Contains(*own, code) {
				*own = append(*own, code)
			}
			continue
		}
		s.Terms = append(s.Terms, t)
	}
	for _, st := range list("status") {
		switch {
		case st == StatusAny:
			s.AnyStatus = true
		case slices.Contains(ProjectStatuses, st):
			s.Statuses = append(s.Statuses, st)
		default:
			return s, Errorf(EINVALID, "status %q is not one of %s, %s", st, StatusAny, strings.Join(ProjectStatuses, ", "))
		}
	}
	if s.AnyStatus || len(s.Statuses) == len(ProjectStatuses) {
		s.AnyStatus, s.Statuses = true, nil
	}
	// Filters are sets: one order for all, so that a scope has one text
	// (Key) however its URL was written.
	for _, l := range [][]string{s.Statuses, s.Levels, s.Pillars, s.Challenges, s.Levers, s.Stages, s.Terms, s.Untagged, s.Comarcas, s.Municipalities} {
		slices.Sort(l)
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &s.From}, {"to", &s.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return s, Errorf(EINVALID, "%s=%q is not a date (yyyy-mm-dd)", p.name, v)
			}
			*p.dst = &t
		}
	}
	if v := q.Get("snapshot"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return s, Errorf(EINVALID, "snapshot=%q is not a snapshot number", v)
		}
		s.AsOf = id
	}
	return s, nil
}

// StatusSet returns the statuses the scope lets through.
func (s Scope) StatusSet() []string {
	switch {
	case s.AnyStatus:
		return ProjectStatuses
	case len(s.Statuses) == 0:
		return DefaultStatuses
	}
	return s.Statuses
}

// Filters returns the scope's filters without the snapshot it is read as of:
// the same projects, read from today's data.
func (s Scope) Filters() Scope {
	s.AsOf = 0
	return s
}

// Query returns the scope as URL parameters, the inverse of ParseScope.
func (s Scope) Query() url.Values {
	q := url.Values{}
	set := func(name string, vs []string) {
		if len(vs) > 0 {
			q.Set(name, strings.Join(vs, ","))
		}
	}
	set("level", s.Levels)
	set("pillar", s.Pillars)
	set("challenge", s.Challenges)
	set("lever", s.Levers)
	set("stage", s.Stages)
	set("term", s.Terms)
	set("untagged", s.Untagged)
	if s.AnyStatus {
		q.Set("status", StatusAny)
	} else {
		set("status", s.Statuses)
	}
	set("comarca", s.Comarcas)
	set("municipality", s.Municipalities)
	if s.From != nil {
		q.Set("from", s.From.Format(time.DateOnly))
	}
	if s.To != nil {
		q.Set("to", s.To.Format(time.DateOnly))
	}
	if s.AsOf > 0 {
		q.Set("snapshot", strconv.FormatInt(s.AsOf, 10))
	}
	return q
}

// Places is the place filter as the scope macros take it: comarca codes,
// and municipality codes prefixed "m:" (migration 0010).
func (s Scope) Places() []string {
	out := append([]string{}, s.Comarcas...)
	for _, m := range s.Municipalities {
		out = append(out, "m:"+m)
	}
	return out
}

// TermFilter is the term filter as begira_scope takes it (migration 0012):
// "scheme:code" for the stage filter and Terms, "scheme:" for Untagged.
func (s Scope) TermFilter() []string {
	out := []string{}
	for _, st := range s.Stages {
		out = append(out, "stage:"+st)
	}
	out = append(out, s.Terms...)
	for _, scheme := range s.Untagged {
		out = append(out, scheme+":")
	}
	return out
}

// Key is the scope's canonical text: two requests with the same Key read the
// same rows (cache keys use it, never the raw query string).
func (s Scope) Key() string { return s.Query().Encode() }

// IsZero reports whether no filter is set and the scope reads today's data.
func (s Scope) IsZero() bool { return len(s.Query()) == 0 }

// OwnFilterSchemes are the schemes with a scope parameter of their own.
var OwnFilterSchemes = []string{"level", "pillar", "challenge", "lever", "stage"}

// schemeList returns the filter field of a scheme with a parameter of its
// own, or nil.
func (s *Scope) schemeList(scheme string) *[]string {
	switch scheme {
	case "level":
		return &s.Levels
	case "pillar":
		return &s.Pillars
	case "challenge":
		return &s.Challenges
	case "lever":
		return &s.Levers
	case "stage":
		return &s.Stages
	}
	return nil
}

// SchemeFilter returns the terms the scope keeps of a scheme, and whether
// the scheme has a filter parameter of its own (level, pillar, challenge,
// lever, stage); the terms of other schemes come from Terms.
func (s Scope) SchemeFilter(scheme string) (terms []string, ok bool) {
	if own := s.schemeList(scheme); own != nil {
		return *own, true
	}
	for _, t := range s.Terms {
		if sch, code, _ := strings.Cut(t, ":"); sch == scheme {
			terms = append(terms, code)
		}
	}
	return terms, false
}

// Excludes reports whether a term of a scheme lies outside the scope's
// filter on that scheme: a figure for it is outside the filter, not zero.
// Under "untagged" every term of the scheme is outside.
func (s Scope) Excludes(scheme, term string) bool {
	if slices.Contains(s.Untagged, scheme) {
		return true
	}
	terms, _ := s.SchemeFilter(scheme)
	return len(terms) > 0 && !slices.Contains(terms, term)
}

// CheckScope refuses a scope that names a term its mission does not have:
// a filter on an unknown term would show an empty portfolio as if that were
// the answer.
func (m *Mission) CheckScope(s Scope) error {
	schemes := append([]string{}, OwnFilterSchemes...)
	for _, t := range s.Terms {
		if sch, _, _ := strings.Cut(t, ":"); !slices.Contains(schemes, sch) {
			schemes = append(schemes, sch)
		}
	}
	for _, scheme := range s.Untagged {
		if _, err := m.SchemeOrError(scheme); err != nil {
			return err
		}
	}
	for _, scheme := range schemes {
		terms, _ := s.SchemeFilter(scheme)
		if len(terms) == 0 {
			continue
		}
		sc, err := m.SchemeOrError(scheme)
		if err != nil {
			return err
		}
		for _, t := range terms {
			if sc.Term(t) == nil {
				return Errorf(EINVALID, "%q is not a term of %s", t, scheme)
			}
		}
	}
	return nil
}
