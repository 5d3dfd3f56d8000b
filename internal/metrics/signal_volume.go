package metrics

import "context"

// sigBurstThreshold is S5's z from which a month is a burst.
const sigBurstThreshold = 2

// computeS1 reports, per term and month of W, the count n_{k,t}, its 3-month
// moving average (the two months before the window's first one come from
// the history of the table) and its share of the month's approved signals.
// n is the month's approved signals.
func computeS1(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		s := p.series(k)
		for i := signalBaseline; i < signalHistory; i++ {
			dims := func(m string) []string { return sigDims(k, "period", p.clock.months[i], "measure", m) }
			if p.empty() {
				out = append(out, null("S1", 0, dims("count")...), null("S1", 0, dims("ma3")...), null("S1", 0, dims("period_share")...))
				continue
			}
			total := p.total[i]
			out = append(out,
				val("S1", float64(s[i]), total, dims("count")...),
				val("S1", float64(s[i]+s[i-1]+s[i-2])/3, total, dims("ma3")...),
				sigRatio("S1", s[i], total, dims("period_share")...))
		}
	}
	return out, nil
}

// computeS2 compares the last complete month t with t−1: growth g (n is the
// term's signals in both months) and the change of the term's share of the
// month's signals (n is all signals of both months).
func computeS2(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	t, u := signalLast, signalLast-1
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		s := p.series(k)
		g, share := sigDims(k, "measure", "growth"), sigDims(k, "measure", "share_change")
		if p.total[t]+p.total[u] == 0 {
			out = append(out, null("S2", 0, g...), null("S2", 0, share...))
			continue
		}
		out = append(out, val("S2", sigMomentum(s[t], s[u]), s[t]+s[u], g...))
		if p.total[t] == 0 || p.total[u] == 0 {
			out = append(out, null("S2", p.total[t]+p.total[u], share...))
			continue
		}
		change := float64(s[t])/float64(p.total[t]) - float64(s[u])/float64(p.total[u])
		out = append(out, val("S2", change, p.total[t]+p.total[u], share...))
	}
	return out, nil
}

// computeS5 reports the burst z of the last complete month and whether it
// is a burst, then z for every month of W so a time chart can mark bursts.
// n is the term's signals in the month and its 6-month baseline.
func computeS5(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		s := p.series(k)
		z, burst := sigDims(k, "measure", "z"), sigDims(k, "measure", "burst")
		if p.empty() {
			out = append(out, null("S5", 0, z...), null("S5", 0, burst...))
		} else {
			zt := sigBurstZ(s, signalLast, signalBaseline)
			n := sigSum(s[signalLast-signalBaseline : signalLast+1])
			out = append(out, val("S5", zt, n, z...), val("S5", sigFlag(zt >= sigBurstThreshold), n, burst...))
		}
		for i := signalBaseline; i < signalHistory; i++ {
			d := sigDims(k, "period", p.clock.months[i], "measure", "z")
			if p.empty() {
				out = append(out, null("S5", 0, d...))
				continue
			}
			out = append(out, val("S5", sigBurstZ(s, i, signalBaseline), sigSum(s[i-signalBaseline:i+1]), d...))
		}
	}
	return out, nil
}

// computeS7 counts the months among the last 6 complete ones with at least
// one approved signal on the term; n is the term's signals in those months.
func computeS7(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		d := sigDims(k, "measure", "persistence")
		if p.empty() {
			out = append(out, null("S7", 0, d...))
			continue
		}
		recent := p.series(k)[signalHistory-signalBaseline:]
		var months int
		for _, x := range recent {
			if x > 0 {
				months++
			}
		}
		out = append(out, val("S7", float64(months), sigSum(recent), d...))
	}
	return out, nil
}

// sigRatio is num/den as a Value with n = den, null when den is 0.
func sigRatio(code string, num, den int64, dims ...string) Value {
	if den == 0 {
		return null(code, 0, dims...)
	}
	return val(code, float64(num)/float64(den), den, dims...)
}

// sigFlag is 1 for true and 0 for false: the 0/1 figures of the catalogue.
func sigFlag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
