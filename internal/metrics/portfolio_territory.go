package metrics

import (
	"context"
	"fmt"
	"math"
)

// portfolioComarca is one comarca's row of queries/c12_comarcas.sql.
type portfolioComarca struct {
	Code       string
	Population int64
	Projects   int64
	Budget     float64
	Budgeted   int64
}

// portfolioC12 computes territorial coverage over the projects in scope. A
// project is located where its municipality (geo_code) is; the mission's
// territory is every loaded municipality with a population.
//
//   - comarca_share: comarcas with ≥1 located project / comarcas (n = comarcas);
//   - municipality_share: likewise for municipalities (n = municipalities);
//   - projects_per_10k, eur_per_10k: projects located in the territory and
//     their budget (NULL budgets ignored) per 10,000 inhabitants (n = those
//     projects, with a budget for euros);
//   - gini_eur_per_capita: G = ΣΣ|y_i − y_j| / (2n²ȳ) over the comarcas with
//     a population, y = located budget / population (n = those comarcas;
//     null when fewer than 2, or when ȳ = 0);
//   - per comarca: projects, budget and eur_per_capita, for the map (n =
//     projects located there, with a budget for euros).
//
// Without geography every figure is null with n = 0.
func portfolioC12(ctx context.Context, e *Env) ([]Value, error) {
	var municipalities, covered, population, projects, budgeted int64
	var budget float64
	err := portfolioQueryRow(ctx, e, "c12_territory", nil,
		&municipalities, &covered, &population, &projects, &budget, &budgeted)
	if err != nil {
		return nil, err
	}
	comarcas, err := portfolioComarcas(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	ratio := func(measure string, num, den float64, n int64) {
		if den <= 0 {
			out = append(out, null("C12", n, "measure", measure))
		} else {
			out = append(out, val("C12", num/den, n, "measure", measure))
		}
	}
	coveredComarcas := 0
	for _, c := range comarcas {
		if c.Projects > 0 {
			coveredComarcas++
		}
	}
	ratio("comarca_share", float64(coveredComarcas), float64(len(comarcas)), int64(len(comarcas)))
	ratio("municipality_share", float64(covered), float64(municipalities), municipalities)
	ratio("projects_per_10k", 1e4*float64(projects), float64(population), projects)
	ratio("eur_per_10k", 1e4*budget, float64(population), budgeted)

	var y []float64
	for _, c := range comarcas {
		if c.Population > 0 {
			y = append(y, c.Budget/float64(c.Population))
		}
	}
	if g, ok := portfolioGini(y); ok {
		out = append(out, val("C12", g, int64(len(y)), "measure", "gini_eur_per_capita"))
	} else {
		out = append(out, null("C12", int64(len(y)), "measure", "gini_eur_per_capita"))
	}

	for _, c := range comarcas {
		out = append(out,
			val("C12", float64(c.Projects), c.Projects, "comarca", c.Code, "measure", "projects"),
			val("C12", c.Budget, c.Budgeted, "comarca", c.Code, "measure", "budget"))
		if c.Population > 0 {
			out = append(out, val("C12", c.Budget/float64(c.Population), c.Budgeted, "comarca", c.Code, "measure", "eur_per_capita"))
		} else {
			out = append(out, null("C12", c.Budgeted, "comarca", c.Code, "measure", "eur_per_capita"))
		}
	}
	return out, nil
}

// portfolioComarcas loads every comarca with its located projects.
func portfolioComarcas(ctx context.Context, e *Env) ([]portfolioComarca, error) {
	rows, err := e.Query(ctx, "c12_comarcas")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portfolioComarca
	for rows.Next() {
		var c portfolioComarca
		if err := rows.Scan(&c.Code, &c.Population, &c.Projects, &c.Budget, &c.Budgeted); err != nil {
			return nil, fmt.Errorf("metrics: c12_comarcas: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: c12_comarcas: %w", err)
	}
	return out, nil
}

// portfolioGini is G = ΣᵢΣⱼ |y_i − y_j| / (2n²ȳ); ok is false when it is
// undefined (fewer than 2 values, or a zero mean).
func portfolioGini(y []float64) (float64, bool) {
	n := float64(len(y))
	if len(y) < 2 {
		return 0, false
	}
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= n
	if mean <= 0 {
		return 0, false
	}
	s := 0.0
	for _, a := range y {
		for _, b := range y {
			s += math.Abs(a - b)
		}
	}
	return s / (2 * n * n * mean), true
}
