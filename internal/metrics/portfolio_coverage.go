package metrics

import (
	"context"

	"github.com/begira/begira/internal/portfolio"
)

// portfolioGapTau is C2's τ: a cell is a gap when fewer than τ projects
// (full count) are tagged in it.
const portfolioGapTau = 1

// portfolioCoverage is the A × B coverage matrix over the projects in scope:
// one cell per pair of active terms, empty cells included (store.Coverage,
// queries coverage.sql), and n, the projects tagged in both schemes.
type portfolioCoverage struct {
	A, B  string
	Cells []portfolio.CoverageCell
	N     int64
}

// portfolioCoverageOf loads (once per Env) the matrix of schemes a × b.
func portfolioCoverageOf(ctx context.Context, e *Env, a, b string) (*portfolioCoverage, error) {
	return once(e, "coverage:"+a+"×"+b, func() (*portfolioCoverage, error) {
		cells, err := e.Store.Coverage(ctx, e.Mission, a, b, e.Scope)
		if err != nil {
			return nil, err
		}
		c := &portfolioCoverage{A: a, B: b, Cells: cells}
		err = portfolioQueryRow(ctx, e, "c1_tagged_both", []any{a, b}, &c.N)
		return c, err
	})
}

// rows are C1's rows (or C11's): n_full, n_frac and budget_frac per cell.
// Over an empty portfolio they are zeros with n = 0: a count of nothing is
// zero, not undefined.
func (c *portfolioCoverage) rows(code string) []Value {
	out := make([]Value, 0, 3*len(c.Cells))
	for _, cell := range c.Cells {
		dims := []string{"a_scheme", c.A, "a", cell.A, "b_scheme", c.B, "b", cell.B}
		out = append(out,
			val(code, float64(cell.NFull), c.N, append(dims, "measure", "n_full")...),
			val(code, cell.NFrac, c.N, append(dims, "measure", "n_frac")...),
			val(code, cell.BudgetFrac, c.N, append(dims, "measure", "budget_frac")...))
	}
	return out
}

// portfolioC1 computes the coverage matrix Params.A × Params.B.
func portfolioC1(ctx context.Context, e *Env) ([]Value, error) {
	c, err := portfolioCoverageOf(ctx, e, e.Params.A, e.Params.B)
	if err != nil {
		return nil, err
	}
	return c.rows("C1"), nil
}

// portfolioC2 computes the gaps of the Params.A × Params.B matrix: the
// count, gap_ratio = #gaps / (K_A·K_B), relevant_gap_ratio = gaps among the
// committee's relevant cells / #relevant cells (only when the mission has a
// relevance mask for A × B), and a 0/1 gap figure per cell. Every figure's n
// is the number of projects tagged in both schemes; with none (an empty
// portfolio) every figure is null: "everything is a gap" says nothing.
func portfolioC2(ctx context.Context, e *Env) ([]Value, error) {
	c, err := portfolioCoverageOf(ctx, e, e.Params.A, e.Params.B)
	if err != nil {
		return nil, err
	}
	mask := e.Mission.RelevantCells(c.A, c.B)
	var out []Value
	gaps, relevant, relevantGaps := 0, 0, 0
	for _, cell := range c.Cells {
		gap := cell.NFull < portfolioGapTau
		isRelevant := mask[cell.A+"/"+cell.B]
		if isRelevant {
			relevant++
		}
		x := 0.0
		if gap {
			x = 1
			gaps++
			if isRelevant {
				relevantGaps++
			}
		}
		dims := []string{"a_scheme", c.A, "a", cell.A, "b_scheme", c.B, "b", cell.B, "measure", "gap"}
		if c.N == 0 {
			out = append(out, null("C2", 0, dims...))
		} else {
			out = append(out, val("C2", x, c.N, dims...))
		}
	}
	summary := func(measure string, x float64, defined bool) {
		dims := []string{"a_scheme", c.A, "b_scheme", c.B, "measure", measure}
		if c.N == 0 || !defined {
			out = append(out, null("C2", c.N, dims...))
		} else {
			out = append(out, val("C2", x, c.N, dims...))
		}
	}
	summary("gap_count", float64(gaps), true)
	summary("gap_ratio", float64(gaps)/float64(len(c.Cells)), len(c.Cells) > 0)
	if mask != nil {
		summary("relevant_gap_ratio", float64(relevantGaps)/float64(relevant), relevant > 0)
	}
	return out, nil
}
