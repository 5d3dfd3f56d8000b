package metrics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// portfolioTermShare is one active term's count and budget over the projects
// in scope (queries/c3_shares.sql).
type portfolioTermShare struct {
	Code          string
	Ordinal       int     // the term's ordinal (0 in nominal schemes)
	NFull         int64   // projects tagged with the term
	NFrac         float64 // fractional count: Σ 1/t over those projects
	BudgetFrac    float64 // Σ budget/t, NULL budgets ignored
	NFullBudgeted int64   // tagged projects with a budget
	NFracBudgeted float64 // their fractional count
}

// portfolioShares is one scheme's distribution over the projects in scope:
// the intermediate C3, C4, C5, C6, C7, C8, C10 and C11 share, memoised per
// scheme under "shares:"+code.
type portfolioShares struct {
	Scheme         *portfolio.Scheme
	Terms          []portfolioTermShare // the K active terms, in document order
	InScope        int64                // projects in scope
	Tagged         int64                // of which with ≥1 active term of the scheme
	TaggedBudgeted int64                // of which with a budget
}

// K is the number of defined, active terms: empty categories count.
func (s *portfolioShares) K() int { return len(s.Terms) }

// Untagged is the number of projects in scope with no term of the scheme:
// left out of the shares and reported apart (docs/METRICS.md).
func (s *portfolioShares) Untagged() int64 { return s.InScope - s.Tagged }

// BudgetNull is the number of tagged projects whose budget is NULL: left out
// of the budget shares and reported apart.
func (s *portfolioShares) BudgetNull() int64 { return s.Tagged - s.TaggedBudgeted }

// P returns the shares p_i = x_i / Σx on a basis ("count": fractional
// counts; "budget": fractional budgets) and n, the number of projects behind
// them. P is nil when Σx = 0: an empty portfolio, or every budget NULL or 0.
func (s *portfolioShares) P(basis string) ([]float64, int64) {
	x := make([]float64, len(s.Terms))
	n := s.Tagged
	for i, t := range s.Terms {
		x[i] = t.NFrac
		if basis == "budget" {
			x[i] = t.BudgetFrac
		}
	}
	if basis == "budget" {
		n = s.TaggedBudgeted
	}
	total := 0.0
	for _, v := range x {
		total += v
	}
	if total <= 0 || n == 0 {
		return nil, n
	}
	for i := range x {
		x[i] /= total
	}
	return x, n
}

// portfolioSharesOf loads (once per Env) the distribution of one scheme.
func portfolioSharesOf(ctx context.Context, e *Env, scheme string) (*portfolioShares, error) {
	return once(e, "shares:"+scheme, func() (*portfolioShares, error) {
		sc, err := e.Mission.SchemeOrError(scheme)
		if err != nil {
			return nil, err
		}
		out := &portfolioShares{Scheme: sc}
		rows, err := e.Query(ctx, "c3_shares", scheme)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var t portfolioTermShare
			if err := rows.Scan(&t.Code, &t.NFull, &t.NFrac, &t.BudgetFrac, &t.NFullBudgeted, &t.NFracBudgeted); err != nil {
				return nil, fmt.Errorf("metrics: c3_shares: %w", err)
			}
			if term := sc.Term(t.Code); term != nil {
				t.Ordinal = term.Ordinal
			}
			out.Terms = append(out.Terms, t)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: c3_shares: %w", err)
		}
		err = portfolioQueryRow(ctx, e, "c3_totals", []any{scheme}, &out.InScope, &out.Tagged, &out.TaggedBudgeted)
		return out, err
	})
}

// portfolioQueryRow runs a one-row named query and scans it into dest.
func portfolioQueryRow(ctx context.Context, e *Env, name string, args []any, dest ...any) error {
	rows, err := e.Query(ctx, name, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("metrics: %s: %w", name, err)
		}
		return fmt.Errorf("metrics: %s: no row", name)
	}
	if err := rows.Scan(dest...); err != nil {
		return fmt.Errorf("metrics: %s: %w", name, err)
	}
	return rows.Close()
}

// portfolioShareRows are C3's rows (also C10's and C11's, under their own
// code) for the given schemes: per term and basis the share, under the
// budget basis the average budget, then the untagged and NULL-budget counts.
//
// avg_budget = budget_frac / n_frac over the term's projects WITH a budget
// (a NULL budget would otherwise pull the average down); it does not depend
// on the basis and is reported once, under basis "budget", whose question it
// answers ("is money concentrated differently from activity?").
func portfolioShareRows(ctx context.Context, e *Env, code string, schemes []string) ([]Value, error) {
	var out []Value
	for _, scheme := range schemes {
		sh, err := portfolioSharesOf(ctx, e, scheme)
		if err != nil {
			return nil, err
		}
		for _, basis := range e.Bases() {
			p, n := sh.P(basis)
			for i, t := range sh.Terms {
				dims := []string{"scheme", scheme, "term", t.Code, "basis", basis, "measure", "share"}
				if p == nil {
					out = append(out, null(code, n, dims...))
				} else {
					out = append(out, val(code, p[i], n, dims...))
				}
			}
			if basis != "budget" {
				continue
			}
			for _, t := range sh.Terms {
				dims := []string{"scheme", scheme, "term", t.Code, "basis", basis, "measure", "avg_budget"}
				if t.NFracBudgeted > 0 {
					out = append(out, val(code, t.BudgetFrac/t.NFracBudgeted, t.NFullBudgeted, dims...))
				} else {
					out = append(out, null(code, t.NFullBudgeted, dims...))
				}
			}
		}
		out = append(out,
			val(code, float64(sh.Untagged()), sh.InScope, "scheme", scheme, "measure", "untagged"),
			val(code, float64(sh.BudgetNull()), sh.Tagged, "scheme", scheme, "measure", "budget_null"))
	}
	return out, nil
}

// portfolioC3 computes the shares of every project scheme chosen by Params.
func portfolioC3(ctx context.Context, e *Env) ([]Value, error) {
	return portfolioShareRows(ctx, e, "C3", e.ProjectSchemes())
}

// portfolioC10 computes C3 over facet and horizon, skipping a scheme the
// mission lacks.
func portfolioC10(ctx context.Context, e *Env) ([]Value, error) {
	return portfolioShareRows(ctx, e, "C10", portfolioExisting(e, "facet", "horizon"))
}

// portfolioC11 computes C3 over level and C1 for level × pillar and level ×
// lever, for the schemes the mission has.
func portfolioC11(ctx context.Context, e *Env) ([]Value, error) {
	out, err := portfolioShareRows(ctx, e, "C11", portfolioExisting(e, "level"))
	if err != nil || e.Mission.Scheme("level") == nil {
		return out, err
	}
	for _, b := range portfolioExisting(e, "pillar", "lever") {
		cov, err := portfolioCoverageOf(ctx, e, "level", b)
		if err != nil {
			return nil, err
		}
		out = append(out, cov.rows("C11")...)
	}
	return out, nil
}

// portfolioExisting keeps the scheme codes the mission declares.
func portfolioExisting(e *Env, codes ...string) []string {
	var out []string
	for _, c := range codes {
		if e.Mission.Scheme(c) != nil {
			out = append(out, c)
		}
	}
	return out
}

// portfolioIndexRows runs f over every (project scheme, basis) with its
// shares. f is called only when the shares are defined (Σx > 0) and K ≥ 2;
// otherwise every measure is null with n (docs/METRICS.md).
func portfolioIndexRows(ctx context.Context, e *Env, code string, measures []string,
	f func(sh *portfolioShares, p []float64) ([]float64, error)) ([]Value, error) {
	var out []Value
	for _, scheme := range e.ProjectSchemes() {
		sh, err := portfolioSharesOf(ctx, e, scheme)
		if err != nil {
			return nil, err
		}
		for _, basis := range e.Bases() {
			p, n := sh.P(basis)
			var xs []float64
			if p != nil && sh.K() >= 2 {
				if xs, err = f(sh, p); err != nil {
					return nil, err
				}
			}
			for i, m := range measures {
				dims := []string{"scheme", scheme, "basis", basis, "measure", m}
				if xs == nil {
					out = append(out, null(code, n, dims...))
				} else {
					out = append(out, val(code, xs[i], n, dims...))
				}
			}
		}
	}
	return out, nil
}

// portfolioC4 computes Shannon's H = −Σ_{p>0} p ln p and Pielou's J = H/ln K.
func portfolioC4(ctx context.Context, e *Env) ([]Value, error) {
	return portfolioIndexRows(ctx, e, "C4", []string{"shannon_h", "pielou_j"},
		func(sh *portfolioShares, p []float64) ([]float64, error) {
			h := portfolioShannon(p)
			return []float64{h, h / math.Log(float64(sh.K()))}, nil
		})
}

// portfolioC5 computes HHI = Σp², HHI* = (HHI − 1/K)/(1 − 1/K), N_eff = 1/HHI.
func portfolioC5(ctx context.Context, e *Env) ([]Value, error) {
	return portfolioIndexRows(ctx, e, "C5", []string{"hhi", "hhi_norm", "n_eff"},
		func(sh *portfolioShares, p []float64) ([]float64, error) {
			hhi := portfolioHHI(p)
			k := float64(sh.K())
			return []float64{hhi, (hhi - 1/k) / (1 - 1/k), 1 / hhi}, nil
		})
}

// portfolioC6 computes Rao–Stirling diversity D = Σ_{i≠j} d_ij p_i p_j.
func portfolioC6(ctx context.Context, e *Env) ([]Value, error) {
	return portfolioIndexRows(ctx, e, "C6", []string{"rao_stirling"},
		func(sh *portfolioShares, p []float64) ([]float64, error) {
			d, err := portfolioDistancesOf(ctx, e, sh)
			if err != nil {
				return nil, err
			}
			return []float64{portfolioRaoStirling(p, d)}, nil
		})
}

// portfolioC7 computes the total variation distance to the committee's
// target mix, for the chosen project schemes that have one, with the actual
// and target profiles per term (the radar draws both). Target and actual
// rows carry the basis so that one basis gives a complete radar; terms the
// target leaves out have target 0.
func portfolioC7(ctx context.Context, e *Env) ([]Value, error) {
	var out []Value
	for _, scheme := range e.ProjectSchemes() {
		target := e.Mission.Target(scheme)
		if target == nil {
			continue
		}
		sh, err := portfolioSharesOf(ctx, e, scheme)
		if err != nil {
			return nil, err
		}
		for _, basis := range e.Bases() {
			p, n := sh.P(basis)
			active := map[string]bool{}
			tvd := 0.0
			for i, t := range sh.Terms {
				active[t.Code] = true
				dims := []string{"scheme", scheme, "term", t.Code, "basis", basis}
				out = append(out, val("C7", target[t.Code], n, append(dims, "measure", "target")...))
				if p == nil {
					out = append(out, null("C7", n, append(dims, "measure", "actual")...))
					continue
				}
				out = append(out, val("C7", p[i], n, append(dims, "measure", "actual")...))
				tvd += math.Abs(p[i] - target[t.Code])
			}
			// A target on a term no longer active has no actual share.
			for term, t := range target {
				if !active[term] {
					tvd += t
				}
			}
			dims := []string{"scheme", scheme, "basis", basis, "measure", "tvd"}
			if p == nil || sh.K() < 2 {
				out = append(out, null("C7", n, dims...))
			} else {
				out = append(out, val("C7", tvd/2, n, dims...))
			}
		}
	}
	return out, nil
}

// portfolioShannon is H = −Σ_{p>0} p ln p.
func portfolioShannon(p []float64) float64 {
	h := 0.0
	for _, x := range p {
		if x > 0 {
			h -= x * math.Log(x)
		}
	}
	return h
}

// portfolioHHI is Σ p².
func portfolioHHI(p []float64) float64 {
	s := 0.0
	for _, x := range p {
		s += x * x
	}
	return s
}

// portfolioRaoStirling is D = Σ_{i≠j} d_ij p_i p_j: every unordered pair
// counted twice, as in Stirling (2007).
func portfolioRaoStirling(p []float64, d [][]float64) float64 {
	s := 0.0
	for i := range p {
		for j := range p {
			if i != j {
				s += d[i][j] * p[i] * p[j]
			}
		}
	}
	return s
}

// portfolioDistancesOf returns the K×K distance matrix d_ij of C6 between
// the active terms of a scheme (in the order of sh.Terms), memoised.
//
// Ordered schemes: d_ij = |r_i − r_j| / (K − 1), where r is the term's rank
// (1…K) among the active terms sorted by ordinal; it equals |ord_i − ord_j|
// / (K − 1) when the ordinals are 1…K, and stays within [0, 1] when an
// inactive term leaves a hole in the ordinals.
//
// Nominal schemes: d_ij = 1 − cos(v_i, v_j), where v_i is term i's co-tag
// vector: one component per active term j' of every OTHER scheme that
// classifies projects, equal to the number of projects in scope tagged with
// both i and j' (queries/c6_cotag.sql). Two terms used by the same kind of
// projects (same levels, levers, stages…) are close; when either vector is
// zero (a term never co-tagged) their similarity is unknown and d_ij = 1,
// the most cautious choice: diversity is not discounted without evidence.
func portfolioDistancesOf(ctx context.Context, e *Env, sh *portfolioShares) ([][]float64, error) {
	return once(e, "distances:"+sh.Scheme.Code, func() ([][]float64, error) {
		if sh.Scheme.Ordered {
			return portfolioOrdinalDistances(sh.Terms), nil
		}
		vec, err := portfolioCotagsOf(ctx, e, sh.Scheme.Code)
		if err != nil {
			return nil, err
		}
		d := make([][]float64, len(sh.Terms))
		for i, a := range sh.Terms {
			d[i] = make([]float64, len(sh.Terms))
			for j, b := range sh.Terms {
				if i != j {
					d[i][j] = portfolioCosineDistance(vec[a.Code], vec[b.Code])
				}
			}
		}
		return d, nil
	})
}

// portfolioCotags maps a nominal scheme's term to its co-tag vector: other
// scheme + "/" + other term → projects tagged with both.
type portfolioCotags map[string]map[string]map[string]float64

// portfolioCotagsOf returns the co-tag vectors of the terms of scheme. They
// are loaded once per Env for every nominal scheme C6 is computed on, in a
// single query: one self-join of the tags serves them all.
func portfolioCotagsOf(ctx context.Context, e *Env, scheme string) (map[string]map[string]float64, error) {
	var schemes []string
	for _, code := range e.ProjectSchemes() {
		if sc := e.Mission.Scheme(code); sc != nil && !sc.Ordered {
			schemes = append(schemes, code)
		}
	}
	if !slices.Contains(schemes, scheme) {
		schemes = []string{scheme}
	}
	all, err := once(e, "cotags:"+strings.Join(schemes, ","), func() (portfolioCotags, error) {
		out := portfolioCotags{}
		rows, err := e.Query(ctx, "c6_cotag", schemes)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var sc, term, otherScheme, otherTerm string
			var n float64
			if err := rows.Scan(&sc, &term, &otherScheme, &otherTerm, &n); err != nil {
				return nil, fmt.Errorf("metrics: c6_cotag: %w", err)
			}
			if out[sc] == nil {
				out[sc] = map[string]map[string]float64{}
			}
			if out[sc][term] == nil {
				out[sc][term] = map[string]float64{}
			}
			out[sc][term][otherScheme+"/"+otherTerm] = n
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("metrics: c6_cotag: %w", err)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return all[scheme], nil
}

// portfolioOrdinalDistances is the ordered-scheme distance matrix.
func portfolioOrdinalDistances(terms []portfolioTermShare) [][]float64 {
	k := len(terms)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return terms[idx[a]].Ordinal < terms[idx[b]].Ordinal })
	rank := make([]float64, k)
	for r, i := range idx {
		rank[i] = float64(r + 1)
	}
	d := make([][]float64, k)
	for i := range d {
		d[i] = make([]float64, k)
		for j := range d[i] {
			if k > 1 {
				d[i][j] = math.Abs(rank[i]-rank[j]) / float64(k-1)
			}
		}
	}
	return d
}

// portfolioCosineDistance is 1 − cos(a, b) of two sparse vectors, and 1 when
// either is zero.
func portfolioCosineDistance(a, b map[string]float64) float64 {
	dot, na, nb := 0.0, 0.0, 0.0
	for k, x := range a {
		na += x * x
		dot += x * b[k]
	}
	for _, y := range b {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 1
	}
	d := 1 - dot/math.Sqrt(na*nb)
	if d < 0 { // rounding of identical vectors
		d = 0
	}
	return d
}
