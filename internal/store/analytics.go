package store

import (
	"context"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// Coverage returns the C1 matrix of schemes a × b over the projects in scope,
// one cell for every pair of active terms, empty cells included.
func (s *Store) Coverage(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.CoverageCell, error) {
	for _, code := range []string{a, b} {
		if _, err := m.SchemeOrError(code); err != nil {
			return nil, err
		}
	}
	args := append(scopeArgs(m.ID, sc), a, b)
	rows, err := s.db.QueryContext(ctx, query("coverage"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: coverage: %w", err)
	}
	defer rows.Close()
	cells := []portfolio.CoverageCell{}
	for rows.Next() {
		var c portfolio.CoverageCell
		if err := rows.Scan(&c.A, &c.B, &c.NFull, &c.NFrac, &c.BudgetFrac); err != nil {
			return nil, fmt.Errorf("store: coverage: %w", err)
		}
		cells = append(cells, c)
	}
	return cells, rows.Err()
}

// Shares returns per-term counts and budgets of one scheme, every active term
// included, followed by the untagged row.
func (s *Store) Shares(ctx context.Context, m *portfolio.Mission, scheme string, sc portfolio.Scope) ([]portfolio.Share, error) {
	if _, err := m.SchemeOrError(scheme); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, query("shares"), append(scopeArgs(m.ID, sc), scheme)...)
	if err != nil {
		return nil, fmt.Errorf("store: shares: %w", err)
	}
	defer rows.Close()
	var out []portfolio.Share
	for rows.Next() {
		var sh portfolio.Share
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

// BudgetTree returns the budget split by scheme a then scheme b.
func (s *Store) BudgetTree(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.BudgetLeaf, error) {
	for _, code := range []string{a, b} {
		if _, err := m.SchemeOrError(code); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, query("budget_tree"), append(scopeArgs(m.ID, sc), a, b)...)
	if err != nil {
		return nil, fmt.Errorf("store: budget tree: %w", err)
	}
	defer rows.Close()
	var out []portfolio.BudgetLeaf
	for rows.Next() {
		var l portfolio.BudgetLeaf
		if err := rows.Scan(&l.A, &l.B, &l.Budget, &l.Projects); err != nil {
			return nil, fmt.Errorf("store: budget tree: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// KPIs computes the headline figures over the projects in scope.
func (s *Store) KPIs(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope) (portfolio.KPIs, error) {
	var k portfolio.KPIs
	err := s.db.QueryRowContext(ctx, query("kpis"), scopeArgs(m.ID, sc)...).
		Scan(&k.Projects, &k.Budget, &k.BudgetNull, &k.Organisations, &k.Signals)
	if err != nil {
		return k, fmt.Errorf("store: kpis: %w", err)
	}
	return k, nil
}

// ProjectTags lists the terms of scheme carried by the projects in scope.
func (s *Store) ProjectTags(ctx context.Context, m *portfolio.Mission, scheme string, sc portfolio.Scope) ([]portfolio.ProjectTag, error) {
	if _, err := m.SchemeOrError(scheme); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT p.ext_ref, p.title, pt.term_code, p.budget_total_eur
		FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE) p
		JOIN project_term pt ON pt.project_id = p.id AND pt.scheme_code = $11
		ORDER BY p.ext_ref, pt.term_code`, append(scopeArgs(m.ID, sc), scheme)...)
	if err != nil {
		return nil, fmt.Errorf("store: project tags: %w", err)
	}
	defer rows.Close()
	var out []portfolio.ProjectTag
	for rows.Next() {
		var t portfolio.ProjectTag
		if err := rows.Scan(&t.ExtRef, &t.Title, &t.Term, &t.Budget); err != nil {
			return nil, fmt.Errorf("store: project tags: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
