package portfolio

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// Scope is the set of projects a figure is about: the filters every page and
// API call accepts. Empty lists mean "no filter", except Statuses, which
// defaults to planned and active (DOMAIN.md §5: P).
type Scope struct {
	Statuses   []string
	Levels     []string
	Pillars    []string
	Challenges []string
	Levers     []string
	Stages     []string
	Comarcas   []string
	From, To   *time.Time // projects running in [From, To)
}

// ScopeParams lists the query parameters that make a Scope, in URL order.
var ScopeParams = []string{"level", "pillar", "challenge", "lever", "stage", "status", "comarca", "from", "to"}

// ParseScope reads a Scope from query parameters. A list may be given as
// repeated parameters or comma-separated. Unknown statuses and malformed
// dates are EINVALID errors naming the parameter.
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
		Statuses: list("status"), Levels: list("level"), Pillars: list("pillar"), Challenges: list("challenge"),
		Levers: list("lever"), Stages: list("stage"), Comarcas: list("comarca"),
	}
	for _, st := range s.Statuses {
		if !slices.Contains(ProjectStatuses, st) {
			return s, Errorf(EINVALID, "status %q is not one of %s", st, strings.Join(ProjectStatuses, ", "))
		}
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
	return s, nil
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
	set("status", s.Statuses)
	set("comarca", s.Comarcas)
	if s.From != nil {
		q.Set("from", s.From.Format(time.DateOnly))
	}
	if s.To != nil {
		q.Set("to", s.To.Format(time.DateOnly))
	}
	return q
}

// IsZero reports whether no filter is set.
func (s Scope) IsZero() bool { return len(s.Query()) == 0 }
