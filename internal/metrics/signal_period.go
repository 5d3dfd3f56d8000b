package metrics

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// Periods of the signal metrics are calendar months in the mission's time
// zone. The window W is the last signalWindow complete months before the
// clock's month; the current, incomplete month is never a period. The
// memoised table reaches signalBaseline months further back, so that the
// 3-month moving average (S1) and the 6-month burst baseline (S5) of the
// window's first periods have their history.
const (
	signalWindow   = 12
	signalBaseline = 6
	signalHistory  = signalWindow + signalBaseline
	// signalLast is the index of the last complete month in the table.
	signalLast = signalHistory - 1
)

// Schemes whose signal terms live in columns of signal, not in
// signal_term: the ingest stores level_observed and observer_actor_type
// there (internal/ingest/field.go).
const (
	signalLevelScheme = "level"
	signalActorScheme = "actor_type"
)

// signalClock holds the dates, in the mission's time zone, that bound the
// signal metrics. Dates are YYYY-MM-DD strings: observed_at is a DATE, so
// comparing it with local calendar dates makes every window half-open
// [start, end) in the mission's time zone.
type signalClock struct {
	months      []string // signalHistory labels "2006-01", oldest first
	historyFrom string   // first day of months[0]
	windowFrom  string   // first day of months[signalBaseline]
	windowTo    string   // first day of the current month (exclusive end)
	today       string   // the clock's local date
	backlogTo   string   // today − 14 days: 'new' signals observed before it are overdue
}

// newSignalClock derives the signal windows from e.Now, never time.Now.
func newSignalClock(e *Env) signalClock {
	now := e.Now.In(e.Location())
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	c := signalClock{
		historyFrom: cur.AddDate(0, -signalHistory, 0).Format(time.DateOnly),
		windowFrom:  cur.AddDate(0, -signalWindow, 0).Format(time.DateOnly),
		windowTo:    cur.Format(time.DateOnly),
		today:       now.Format(time.DateOnly),
		backlogTo:   time.Date(now.Year(), now.Month(), now.Day()-14, 0, 0, 0, 0, now.Location()).Format(time.DateOnly),
	}
	for i := signalHistory; i > 0; i-- {
		c.months = append(c.months, cur.AddDate(0, -i, 0).Format("2006-01"))
	}
	return c
}

// sigTerm names a term of a scheme.
type sigTerm struct{ scheme, term string }

// signalPeriods is the monthly term × period table shared by S1–S9: over
// the signalHistory months of the clock, oldest first, the approved signals
// of each month (Yoon's NN) and, per term, the signals tagged with it (TF)
// and the distinct source types among them (DF).
type signalPeriods struct {
	clock   signalClock
	total   []int64
	n       map[sigTerm][]int64
	sources map[sigTerm][]int64
}

// series returns the monthly counts of k (zeros when k has no signal).
func (p *signalPeriods) series(k sigTerm) []int64 {
	if s, ok := p.n[k]; ok {
		return s
	}
	return make([]int64, signalHistory)
}

// sourceSeries returns the monthly distinct source types of k.
func (p *signalPeriods) sourceSeries(k sigTerm) []int64 {
	if s, ok := p.sources[k]; ok {
		return s
	}
	return make([]int64, signalHistory)
}

// used reports whether k has an approved signal in the table.
func (p *signalPeriods) used(k sigTerm) bool {
	_, ok := p.n[k]
	return ok
}

// empty reports whether no approved signal falls in the whole table: the
// figures are then undefined (null, n = 0), not zero.
func (p *signalPeriods) empty() bool { return sigSum(p.total) == 0 }

// windowCount is the number of approved signals of k in W.
func (p *signalPeriods) windowCount(k sigTerm) int64 {
	return sigSum(p.series(k)[signalBaseline:])
}

// loadSignalPeriods runs s_periods once per Env.
func loadSignalPeriods(ctx context.Context, e *Env) (*signalPeriods, error) {
	return once(e, "signal-periods", func() (*signalPeriods, error) {
		c := newSignalClock(e)
		p := &signalPeriods{clock: c, total: make([]int64, signalHistory),
			n: map[sigTerm][]int64{}, sources: map[sigTerm][]int64{}}
		rows, err := e.QueryMission(ctx, "s_periods", c.historyFrom, c.windowTo)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var k sigTerm
			var month string
			var n, sources int64
			if err := rows.Scan(&k.scheme, &k.term, &month, &n, &sources); err != nil {
				return nil, fmt.Errorf("metrics: s_periods: %w", err)
			}
			i := slices.Index(c.months, month)
			if i < 0 {
				continue
			}
			if k.scheme == "" {
				p.total[i] = n
				continue
			}
			if _, ok := p.n[k]; !ok {
				p.n[k] = make([]int64, signalHistory)
				p.sources[k] = make([]int64, signalHistory)
			}
			p.n[k][i], p.sources[k][i] = n, sources
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: s_periods: %w", err)
		}
		return p, nil
	})
}

// signalTerms lists the terms the per-term signal metrics report on, in
// document order: the terms of every scheme stored in signal_term (those
// applying to signals, but for the level and observer actor type kept in
// columns), restricted to Params.Scheme when one is chosen. Inactive terms
// are listed only when the data still uses them.
func signalTerms(e *Env, used func(sigTerm) bool) []sigTerm {
	var out []sigTerm
	for _, s := range e.Mission.Schemes {
		if !s.AppliesToKind(portfolio.KindSignal) || s.Code == signalLevelScheme || s.Code == signalActorScheme {
			continue
		}
		out = append(out, sigSchemeTerms(e, &s, used)...)
	}
	return out
}

// sigSharedTerms lists the terms of the schemes that classify both
// projects and signals (S10, S11), level included: a signal's level is its
// level_observed.
func sigSharedTerms(e *Env, used func(sigTerm) bool) []sigTerm {
	var out []sigTerm
	for _, s := range e.Mission.Schemes {
		if s.AppliesToKind(portfolio.KindSignal) && s.AppliesToKind(portfolio.KindProject) {
			out = append(out, sigSchemeTerms(e, &s, used)...)
		}
	}
	return out
}

func sigSchemeTerms(e *Env, s *portfolio.Scheme, used func(sigTerm) bool) []sigTerm {
	if e.Params.Scheme != "" && e.Params.Scheme != s.Code {
		return nil
	}
	var out []sigTerm
	for _, t := range s.Terms {
		k := sigTerm{s.Code, t.Code}
		if !t.Inactive || (used != nil && used(k)) {
			out = append(out, k)
		}
	}
	return out
}

// sigDims are the dims of a per-term figure followed by extra pairs.
func sigDims(k sigTerm, extra ...string) []string {
	return append([]string{"scheme", k.scheme, "term", k.term}, extra...)
}

func sigSum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}
