package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// The words pages share beyond the frame's (page.go): terms and schemes by
// their labels, dates, links that keep the scope, safe outside links.

// termLabel is a term's label in the page's language, the code when the
// scheme or the term is unknown.
func (p *page) termLabel(m *portfolio.Mission, scheme, code string) string {
	if m != nil {
		if sc := m.Scheme(scheme); sc != nil {
			if t := sc.Term(code); t != nil {
				return t.Label.In(p.Lang)
			}
		}
	}
	return code
}

// schemeLabel is a scheme's label in the page's language.
func (p *page) schemeLabel(m *portfolio.Mission, scheme string) string {
	if m != nil {
		if sc := m.Scheme(scheme); sc != nil {
			return sc.Label.In(p.Lang)
		}
	}
	return scheme
}

// isoDate formats a YYYY-MM-DD date, days later, the reader's way.
func (p *page) isoDate(s string, days int) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return p.Date(t.AddDate(0, 0, days))
}

// SnapLink links to a path with the language (and the current filters)
// and further query parameters given as name, value pairs.
func (p *page) SnapLink(path string, pairs ...any) string {
	q := p.Scope.Query()
	q.Set("lang", p.Lang)
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Set(fmt.Sprint(pairs[i]), fmt.Sprint(pairs[i+1]))
	}
	return path + "?" + q.Encode()
}

// SnapTime writes a snapshot's instant: the date the reader's way and the
// time in UTC, the zone snapshots are stored in.
func (p *page) SnapTime(t time.Time) string { return p.Time(t) }

// WebURL returns u when it is an absolute http or https URL, and "" for
// anything else (javascript:, data:, relative paths): only those are
// links.
func (p *page) WebURL(u string) string {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil || parsed.Host == "" {
		return ""
	}
	switch strings.ToLower(parsed.Scheme) {
	case "http", "https":
		return parsed.String()
	}
	return ""
}

// Itoa writes an id for a template attribute.
func (p *page) Itoa(n int64) string { return strconv.FormatInt(n, 10) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// anyTermLabel is the label of the first term coded code in the mission's
// schemes, the code when none has it.
func (p *page) anyTermLabel(code string) string {
	for _, sc := range p.Mission.Schemes {
		if t := sc.Term(code); t != nil {
			return t.Label.In(p.Lang)
		}
	}
	return code
}
