package metrics

import (
	"context"
	"fmt"
	"sort"
)

const (
	// sigNewTermDays: a term first signalled at most this many days ago is new (S6).
	sigNewTermDays = 180
	// sigConvergingLevels is S8's L_k from which a growing term converges.
	sigConvergingLevels = 3
	// sigEchoShare is the share of one source type above which a term's
	// signals form an echo chamber (S13).
	sigEchoShare = 0.6
)

// sigMix holds, per signal term, the approved signals of W by facet
// (level, actor_type, comarca, source_type) and value (s_term_mix.sql).
type sigMix map[sigTerm]map[string]map[string]int64

func loadSigMix(ctx context.Context, e *Env) (sigMix, error) {
	return once(e, "signal-mix", func() (sigMix, error) {
		c := newSignalClock(e)
		rows, err := e.QueryMission(ctx, "s_term_mix", c.windowFrom, c.windowTo)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		m := sigMix{}
		for rows.Next() {
			var k sigTerm
			var facet, value string
			var n int64
			if err := rows.Scan(&k.scheme, &k.term, &facet, &value, &n); err != nil {
				return nil, fmt.Errorf("metrics: s_term_mix: %w", err)
			}
			if m[k] == nil {
				m[k] = map[string]map[string]int64{}
			}
			if m[k][facet] == nil {
				m[k][facet] = map[string]int64{}
			}
			m[k][facet][value] = n
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: s_term_mix: %w", err)
		}
		return m, nil
	})
}

// sigDates is one term's approved signals up to today (s_term_dates.sql).
type sigDates struct{ n, sinceFirst, sinceLast int64 }

func loadSigDates(ctx context.Context, e *Env) (map[sigTerm]sigDates, error) {
	return once(e, "signal-term-dates", func() (map[sigTerm]sigDates, error) {
		rows, err := e.QueryMission(ctx, "s_term_dates", newSignalClock(e).today)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		m := map[sigTerm]sigDates{}
		for rows.Next() {
			var k sigTerm
			var d sigDates
			if err := rows.Scan(&k.scheme, &k.term, &d.n, &d.sinceFirst, &d.sinceLast); err != nil {
				return nil, fmt.Errorf("metrics: s_term_dates: %w", err)
			}
			m[k] = d
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: s_term_dates: %w", err)
		}
		return m, nil
	})
}

// sigTotals are the mission-wide signal figures of s_totals.sql.
type sigTotals struct {
	signals, approved, withNovelty, noveltySum, highNovelty, orphans, newSignals, backlog int64
}

func loadSigTotals(ctx context.Context, e *Env) (sigTotals, error) {
	return once(e, "signal-totals", func() (sigTotals, error) {
		c := newSignalClock(e)
		var t sigTotals
		rows, err := e.QueryMission(ctx, "s_totals", c.windowFrom, c.windowTo, c.backlogTo)
		if err != nil {
			return t, err
		}
		defer rows.Close()
		if rows.Next() {
			if err := rows.Scan(&t.signals, &t.approved, &t.withNovelty, &t.noveltySum, &t.highNovelty,
				&t.orphans, &t.newSignals, &t.backlog); err != nil {
				return t, fmt.Errorf("metrics: s_totals: %w", err)
			}
		}
		if err := rows.Err(); err != nil {
			return t, fmt.Errorf("metrics: s_totals: %w", err)
		}
		return t, nil
	})
}

// computeS6 reports the mean novelty of W's approved signals and the share
// scoring 4 or more (n: signals with a novelty), then per term whether its
// first approved signal ever is at most 180 days old (n: the term's
// approved signals so far; null for a term never signalled).
func computeS6(ctx context.Context, e *Env) ([]Value, error) {
	t, err := loadSigTotals(ctx, e)
	if err != nil {
		return nil, err
	}
	dates, err := loadSigDates(ctx, e)
	if err != nil {
		return nil, err
	}
	out := []Value{sigRatio("S6", t.noveltySum, t.withNovelty, "measure", "mean_novelty"),
		sigRatio("S6", t.highNovelty, t.withNovelty, "measure", "high_novelty_share")}
	for _, k := range signalTerms(e, func(k sigTerm) bool { _, ok := dates[k]; return ok }) {
		d, ok := dates[k]
		dims := sigDims(k, "measure", "new_term")
		if !ok {
			out = append(out, null("S6", 0, dims...))
			continue
		}
		out = append(out, val("S6", sigFlag(d.sinceFirst <= sigNewTermDays), d.n, dims...))
	}
	return out, nil
}

// computeS8 reports per term the levels of action its approved signals of W
// were observed at. A share of L_k/5 would fit the default mission's
// five levels only; the share here divides by K, the number of active
// terms of the level scheme, so it stays in [0, 1] for any mission (and
// only active levels count in L_k). Evenness is Pielou's J over the K
// levels (null when K < 2). A term converges when L_k ≥ 3 and S2's growth
// g > 0. n is the term's signals with a level observed; a term without
// signals in W is null.
func computeS8(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	mix, err := loadSigMix(ctx, e)
	if err != nil {
		return nil, err
	}
	var levels []string
	if s := e.Mission.Scheme(signalLevelScheme); s != nil {
		for _, t := range s.ActiveTerms() {
			levels = append(levels, t.Code)
		}
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		dl, ds := sigDims(k, "measure", "levels"), sigDims(k, "measure", "levels_share")
		de, dc := sigDims(k, "measure", "levels_evenness"), sigDims(k, "measure", "converging")
		if p.windowCount(k) == 0 {
			out = append(out, null("S8", 0, dl...), null("S8", 0, ds...), null("S8", 0, de...), null("S8", 0, dc...))
			continue
		}
		counts := make([]int64, len(levels))
		var seen, n int64
		for i, l := range levels {
			counts[i] = mix[k]["level"][l]
			n += counts[i]
			if counts[i] > 0 {
				seen++
			}
		}
		s := p.series(k)
		growing := sigMomentum(s[signalLast], s[signalLast-1]) > 0
		out = append(out, val("S8", float64(seen), n, dl...))
		if len(levels) == 0 {
			out = append(out, null("S8", n, ds...))
		} else {
			out = append(out, val("S8", float64(seen)/float64(len(levels)), n, ds...))
		}
		out = append(out, val("S8", sigPielou(counts, len(levels)), n, de...),
			val("S8", sigFlag(seen >= sigConvergingLevels && growing), n, dc...))
	}
	return out, nil
}

// computeS9 reports per term the distinct observer actor types and the
// distinct comarcas (the parent area of each signal's municipality) among
// its approved signals of W. n is the term's signals in W.
func computeS9(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	mix, err := loadSigMix(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		da, dc := sigDims(k, "measure", "actor_types"), sigDims(k, "measure", "comarcas")
		n := p.windowCount(k)
		if n == 0 {
			out = append(out, null("S9", 0, da...), null("S9", 0, dc...))
			continue
		}
		out = append(out, val("S9", float64(len(mix[k]["actor_type"])), n, da...),
			val("S9", float64(len(mix[k]["comarca"])), n, dc...))
	}
	return out, nil
}

// computeS12 reports per term the days since its last approved signal
// (observed up to today, current month included: staleness is about now,
// not about W; null for a term never signalled), then the review backlog:
// signals still 'new' observed more than 14 days before today (n: all
// 'new' signals). The backlog is dated by observed_at, not captured_at:
// captured_at is the import's clock at commit, so it is neither
// the clock injected here nor, for back-filled imports, the day the signal
// entered the review queue.
func computeS12(ctx context.Context, e *Env) ([]Value, error) {
	t, err := loadSigTotals(ctx, e)
	if err != nil {
		return nil, err
	}
	dates, err := loadSigDates(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, func(k sigTerm) bool { _, ok := dates[k]; return ok }) {
		d, ok := dates[k]
		dims := sigDims(k, "measure", "days_since_last")
		if !ok {
			out = append(out, null("S12", 0, dims...))
			continue
		}
		out = append(out, val("S12", float64(d.sinceLast), d.n, dims...))
	}
	if t.signals == 0 {
		return append(out, null("S12", 0, "measure", "review_backlog")), nil
	}
	return append(out, val("S12", float64(t.backlog), t.newSignals, "measure", "review_backlog")), nil
}

// computeS13 reports per term the HHI of its approved signals of W over
// source types and whether one type gives more than 60 % of them. n is the
// term's signals with a source type.
func computeS13(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	mix, err := loadSigMix(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		dh, de := sigDims(k, "measure", "source_hhi"), sigDims(k, "measure", "echo_chamber")
		var counts []int64
		var n int64
		for _, c := range sigSortedCounts(mix[k]["source_type"]) {
			counts = append(counts, c)
			n += c
		}
		if n == 0 {
			out = append(out, null("S13", 0, dh...), null("S13", 0, de...))
			continue
		}
		hhi, top := sigConcentration(counts)
		out = append(out, val("S13", hhi, n, dh...), val("S13", sigFlag(top > sigEchoShare), n, de...))
	}
	return out, nil
}

// sigSortedCounts returns the counts of m in key order, so sums are
// reproducible bit for bit.
func sigSortedCounts(m map[string]int64) []int64 {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
