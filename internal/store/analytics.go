package store

import (
	"context"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// CoverageCell is one cell of a coverage matrix (metric C1).
type CoverageCell struct {
	A          string  `json:"a"`
	B          string  `json:"b"`
	NFull      int64   `json:"n_full"`
	NFrac      float64 `json:"n_frac"`
	BudgetFrac float64 `json:"budget_frac"`
}

// Coverage returns the C1 matrix of schemes a × b over the projects in scope,
// one cell for every pair of active terms, empty cells included.
func (s *Store) Coverage(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]CoverageCell, error) {
	for _, code := range []string{a, b} {
		if _, err := m.SchemeOrError(code); err != nil {
			return nil, err
		}
	}
	args := append(scopeArgs(m.ID, sc), a, b)
	rows, err := s.db.QueryContext(ctx, withScopeTypes(query("coverage")), args...)
	if err != nil {
		return nil, fmt.Errorf("store: coverage: %w", err)
	}
	defer rows.Close()
	cells := []CoverageCell{}
	for rows.Next() {
		var c CoverageCell
		if err := rows.Scan(&c.A, &c.B, &c.NFull, &c.NFrac, &c.BudgetFrac); err != nil {
			return nil, fmt.Errorf("store: coverage: %w", err)
		}
		cells = append(cells, c)
	}
	return cells, rows.Err()
}

// Share is the count and budget of one term of a scheme. Term "" holds the
// projects in scope with no term in the scheme ("untagged").
type Share struct {
	Term       string  `json:"term"`
	NFull      int64   `json:"n_full"`
	NFrac      float64 `json:"n_frac"`
	BudgetFrac float64 `json:"budget_frac"`
	BudgetNull int64   `json:"budget_null"`
}

// Shares returns per-term counts and budgets of one scheme, every active term
// included, followed by the untagged row.
func (s *Store) Shares(ctx context.Context, m *portfolio.Mission, scheme string, sc portfolio.Scope) ([]Share, error) {
	if _, err := m.SchemeOrError(scheme); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, withScopeTypes(query("shares")), append(scopeArgs(m.ID, sc), scheme)...)
	if err != nil {
		return nil, fmt.Errorf("store: shares: %w", err)
	}
	defer rows.Close()
	var out []Share
	for rows.Next() {
		var sh Share
		var term *string
		if err := rows.Scan(&term, &sh.NFull, &sh.NFrac, &sh.BudgetFrac, &sh.BudgetNull); err != nil {
			return nil, fmt.Errorf("store: shares: %w", err)
		}
		if term != nil {
			sh.Term = *term
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// BudgetLeaf is the fractional budget of one (a, b) term pair.
type BudgetLeaf struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	Budget   float64 `json:"budget"`
	Projects int64   `json:"projects"`
}

// BudgetTree returns the budget split by scheme a then scheme b.
func (s *Store) BudgetTree(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]BudgetLeaf, error) {
	for _, code := range []string{a, b} {
		if _, err := m.SchemeOrError(code); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, withScopeTypes(query("budget_tree")), append(scopeArgs(m.ID, sc), a, b)...)
	if err != nil {
		return nil, fmt.Errorf("store: budget tree: %w", err)
	}
	defer rows.Close()
	var out []BudgetLeaf
	for rows.Next() {
		var l BudgetLeaf
		if err := rows.Scan(&l.A, &l.B, &l.Budget, &l.Projects); err != nil {
			return nil, fmt.Errorf("store: budget tree: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// KPIs are the headline figures of a mission overview.
type KPIs struct {
	Projects      int64   `json:"projects"`
	Budget        float64 `json:"budget_total_eur"`
	BudgetNull    int64   `json:"budget_null"`
	Organisations int64   `json:"organisations"`
	Signals       int64   `json:"signals"`
}

// KPIs computes the headline figures over the projects in scope.
func (s *Store) KPIs(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope) (KPIs, error) {
	var k KPIs
	err := s.db.QueryRowContext(ctx, withScopeTypes(query("kpis")), scopeArgs(m.ID, sc)...).
		Scan(&k.Projects, &k.Budget, &k.BudgetNull, &k.Organisations, &k.Signals)
	if err != nil {
		return k, fmt.Errorf("store: kpis: %w", err)
	}
	return k, nil
}
