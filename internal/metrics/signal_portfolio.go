package metrics

import (
	"context"
	"fmt"
)

const (
	// sigBlindShare is the signal share from which an untouched term is a
	// blind spot (S10).
	sigBlindShare = 0.05
	// sigOverInvestShare is S11's θ: a portfolio share from which a term
	// with no signal hints at over-investment.
	sigOverInvestShare = 0.15
	// sigEps absorbs the rounding of fractional shares at a threshold
	// (1/20 summed from fractions may land a hair under 0.05).
	sigEps = 1e-9
)

// sigSide is one side of s_vs_portfolio.sql: fractional weight and full
// count per term, and per scheme the entities tagged with any of its terms.
type sigSide struct {
	weight map[sigTerm]float64
	n      map[sigTerm]int64
	tagged map[string]int64
}

// sigVsPortfolio holds the signal and project sides for the schemes that
// classify both.
type sigVsPortfolio struct{ signal, project sigSide }

// share is term k's fractional share of the side's tagged entities of its
// scheme, with the denominator; ok is false when nothing is tagged.
func (s sigSide) share(k sigTerm) (share float64, den int64, ok bool) {
	den = s.tagged[k.scheme]
	if den == 0 {
		return 0, 0, false
	}
	return s.weight[k] / float64(den), den, true
}

func loadSigVsPortfolio(ctx context.Context, e *Env) (*sigVsPortfolio, error) {
	return once(e, "signal-vs-portfolio", func() (*sigVsPortfolio, error) {
		var schemes []string
		for _, k := range sigSharedTerms(e, nil) {
			if len(schemes) == 0 || schemes[len(schemes)-1] != k.scheme {
				schemes = append(schemes, k.scheme)
			}
		}
		v := &sigVsPortfolio{}
		for _, s := range []*sigSide{&v.signal, &v.project} {
			*s = sigSide{weight: map[sigTerm]float64{}, n: map[sigTerm]int64{}, tagged: map[string]int64{}}
		}
		if len(schemes) == 0 {
			return v, nil
		}
		c := newSignalClock(e)
		rows, err := e.Query(ctx, "s_vs_portfolio", c.windowFrom, c.windowTo, schemes)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var side string
			var k sigTerm
			var w float64
			var n int64
			if err := rows.Scan(&side, &k.scheme, &k.term, &w, &n); err != nil {
				return nil, fmt.Errorf("metrics: s_vs_portfolio: %w", err)
			}
			s := &v.signal
			if side == "project" {
				s = &v.project
			}
			if k.term == "" {
				s.tagged[k.scheme] = n
				continue
			}
			s.weight[k], s.n[k] = w, n
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: s_vs_portfolio: %w", err)
		}
		return v, nil
	})
}

// used reports whether k is tagged on either side.
func (v *sigVsPortfolio) used(k sigTerm) bool { return v.signal.n[k] > 0 || v.project.n[k] > 0 }

// computeS10 sets, for every term of the schemes classifying both projects
// and signals, the fractional signal share s_k of W (n: signals tagged in
// the scheme) against the fractional portfolio share p_k of the projects
// in scope (n: projects tagged in the scheme); gap = s − p; a blind spot
// when s ≥ 5 % and no project in scope carries the term. Then the orphan
// rate: approved signals of W linked to no project at all (any project of
// the mission: a link records that someone answered the signal).
func computeS10(ctx context.Context, e *Env) ([]Value, error) {
	v, err := loadSigVsPortfolio(ctx, e)
	if err != nil {
		return nil, err
	}
	t, err := loadSigTotals(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range sigSharedTerms(e, v.used) {
		s, sn, sok := v.signal.share(k)
		p, pn, pok := v.project.share(k)
		out = append(out, sigOptional("S10", s, sok, sn, sigDims(k, "measure", "s_share")...),
			sigOptional("S10", p, pok, pn, sigDims(k, "measure", "p_share")...),
			sigOptional("S10", s-p, sok && pok, sn, sigDims(k, "measure", "gap")...),
			sigOptional("S10", sigFlag(s >= sigBlindShare-sigEps && v.project.n[k] == 0), sok, sn, sigDims(k, "measure", "blind_spot")...))
	}
	return append(out, sigRatio("S10", t.orphans, t.approved, "measure", "orphan_rate")), nil
}

// computeS11 flags terms holding at least θ = 15 % of the portfolio in
// scope with no approved signal in W. n is the projects tagged in the
// scheme. It is null when the portfolio has no project in the scheme, and
// when no signal of W carries the scheme at all: a mission that does not
// collect signals on a scheme is not told it over-invests everywhere.
func computeS11(ctx context.Context, e *Env) ([]Value, error) {
	v, err := loadSigVsPortfolio(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range sigSharedTerms(e, v.used) {
		dims := sigDims(k, "measure", "over_investment")
		p, pn, pok := v.project.share(k)
		if !pok || v.signal.tagged[k.scheme] == 0 {
			out = append(out, null("S11", pn, dims...))
			continue
		}
		out = append(out, val("S11", sigFlag(p >= sigOverInvestShare-sigEps && v.signal.n[k] == 0), pn, dims...))
	}
	return out, nil
}
