package snapshot

import (
	"context"
	"sort"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// digestDays is the length of the digest's window.
const digestDays = 7

// Digest is the weekly signal digest of a mission: the approved signals
// observed in the 7 complete days before the day of now, in the mission's
// time zone, grouped by term.
type Digest struct {
	Mission  string         `json:"mission"`
	Timezone string         `json:"timezone"`
	From     string         `json:"from"` // first day included, YYYY-MM-DD
	To       string         `json:"to"`   // first day excluded: the window is [from, to)
	Total    int            `json:"total"`
	Groups   []DigestGroup  `json:"groups"`
	Untagged []DigestSignal `json:"untagged"` // signals with no term of any scheme
}

// DigestGroup is one term with its signals of the week. A signal with
// several terms appears in each of their groups.
type DigestGroup struct {
	Scheme  string           `json:"scheme"`
	Term    string           `json:"term"`
	Label   portfolio.Labels `json:"label"`
	Count   int              `json:"count"`
	Signals []DigestSignal   `json:"signals"`
}

// DigestSignal is one signal of a digest.
type DigestSignal struct {
	ExtRef     string         `json:"ext_ref"`
	Headline   string         `json:"headline"`
	ObservedAt portfolio.Date `json:"observed_at"`
	URL        string         `json:"url,omitempty"`
}

// Digest gathers the approved signals of the mission observed in
// [D − 7 days, D), D being now's date in the mission's time zone (today is
// not over, so it waits for next week's digest), grouped by every term of
// the signal schemes (signal_term: challenge, lever, pillar, steep, …).
// Groups follow the mission's scheme order, the busiest term first within
// a scheme; signals are newest first.
func (s *Service) Digest(ctx context.Context, mission string, now time.Time) (*Digest, error) {
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(m.Timezone)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	return s.digest(ctx, m, day.AddDate(0, 0, -digestDays).Format(time.DateOnly), day.Format(time.DateOnly))
}

// digest gathers the mission's approved signals observed in [from, to)
// (calendar dates of the mission's time zone), grouped by term.
func (s *Service) digest(ctx context.Context, m *portfolio.Mission, from, to string) (*Digest, error) {
	loc, err := time.LoadLocation(m.Timezone)
	if err != nil {
		loc = time.UTC
	}
	d := &Digest{Mission: m.Slug, Timezone: loc.String(), Groups: []DigestGroup{}, Untagged: []DigestSignal{}, From: from, To: to}
	rows, err := s.st.DigestSignals(ctx, m.ID, d.From, d.To)
	if err != nil {
		return nil, err
	}
	type key struct{ scheme, term string }
	groups := map[key]*DigestGroup{}
	seen := map[string]bool{}
	for _, r := range rows {
		sig := DigestSignal{ExtRef: r.ExtRef, Headline: r.Headline, ObservedAt: portfolio.Date{Time: r.ObservedAt}, URL: r.URL}
		if !seen[r.ExtRef] {
			seen[r.ExtRef] = true
			d.Total++
		}
		if r.Scheme == "" {
			d.Untagged = append(d.Untagged, sig)
			continue
		}
		k := key{r.Scheme, r.Term}
		g := groups[k]
		if g == nil {
			g = &DigestGroup{Scheme: r.Scheme, Term: r.Term, Label: portfolio.Labels{EN: r.Term}}
			if sc := m.Scheme(r.Scheme); sc != nil {
				if t := sc.Term(r.Term); t != nil {
					g.Label = t.Label
				}
			}
			groups[k] = g
		}
		g.Signals = append(g.Signals, sig)
		g.Count++
	}
	// Order: scheme as in the mission document, then count, then the
	// term's document position.
	schemePos, termPos := map[string]int{}, map[key]int{}
	for i, sc := range m.Schemes {
		schemePos[sc.Code] = i
		for j, t := range sc.Terms {
			termPos[key{sc.Code, t.Code}] = j
		}
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, *g)
	}
	pos := func(m map[string]int, k string) int {
		if p, ok := m[k]; ok {
			return p
		}
		return len(m)
	}
	sort.Slice(d.Groups, func(i, j int) bool {
		a, b := d.Groups[i], d.Groups[j]
		if pa, pb := pos(schemePos, a.Scheme), pos(schemePos, b.Scheme); pa != pb {
			return pa < pb
		}
		if a.Scheme != b.Scheme {
			return a.Scheme < b.Scheme
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		ta, oka := termPos[key{a.Scheme, a.Term}]
		tb, okb := termPos[key{b.Scheme, b.Term}]
		if oka && okb && ta != tb {
			return ta < tb
		}
		return a.Term < b.Term
	})
	return d, nil
}
