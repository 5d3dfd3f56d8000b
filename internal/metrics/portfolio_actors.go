package metrics

import (
	"context"
	"database/sql"
	"fmt"
)

// portfolioTopOrgs is how many organisations C13's top share counts.
const portfolioTopOrgs = 5

// portfolioC13 computes the actor mix over participations: the distinct
// (project, organisation) pairs of the projects in scope, whatever the role.
//
//   - {actor_type, measure: share}: pairs whose organisation has the type /
//     pairs whose organisation has a type (n = the latter), for every active
//     term of the actor_type scheme (empty ones too) and any other type met;
//   - {measure: untagged}: pairs whose organisation has no type (n = pairs);
//   - {measure: top5_share}: pairs of the 5 organisations with most pairs /
//     pairs (ties broken by organisation id; n = pairs);
//   - {measure: hhi_orgs}: Σ over organisations of (their pairs / pairs)².
//
// With no participation every share is null with n = 0.
func portfolioC13(ctx context.Context, e *Env) ([]Value, error) {
	rows, err := e.Query(ctx, "c13_actors")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var counts []int64 // per organisation, most active first
	byType := map[string]int64{}
	var types []string
	var total, typed int64
	for rows.Next() {
		var id, n int64
		var actorType sql.NullString
		if err := rows.Scan(&id, &actorType, &n); err != nil {
			return nil, fmt.Errorf("metrics: c13_actors: %w", err)
		}
		counts = append(counts, n)
		total += n
		if actorType.Valid && actorType.String != "" {
			if _, seen := byType[actorType.String]; !seen {
				types = append(types, actorType.String)
			}
			byType[actorType.String] += n
			typed += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: c13_actors: %w", err)
	}

	// Categories: the scheme's active terms in document order, then types
	// met that the scheme does not list (an inactive term) so shares sum to 1.
	var cats []string
	listed := map[string]bool{}
	if sc := e.Mission.Scheme("actor_type"); sc != nil {
		for _, t := range sc.ActiveTerms() {
			cats = append(cats, t.Code)
			listed[t.Code] = true
		}
	}
	for _, t := range types {
		if !listed[t] {
			cats = append(cats, t)
		}
	}

	var out []Value
	for _, c := range cats {
		if typed == 0 {
			out = append(out, null("C13", 0, "actor_type", c, "measure", "share"))
		} else {
			out = append(out, val("C13", float64(byType[c])/float64(typed), typed, "actor_type", c, "measure", "share"))
		}
	}
	out = append(out, val("C13", float64(total-typed), total, "measure", "untagged"))
	if total == 0 {
		return append(out, null("C13", 0, "measure", "top5_share"), null("C13", 0, "measure", "hhi_orgs")), nil
	}
	var top int64
	hhi := 0.0
	for i, n := range counts {
		if i < portfolioTopOrgs {
			top += n
		}
		s := float64(n) / float64(total)
		hhi += s * s
	}
	return append(out,
		val("C13", float64(top)/float64(total), total, "measure", "top5_share"),
		val("C13", hhi, total, "measure", "hhi_orgs")), nil
}
