package store

import (
	"fmt"
	"sort"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// A list's search and order. Search is one placeholder compared with
// contains() on text folded by fold (lower case, accents stripped), so
// "ZARAUTZ" finds "Zarautz" and "energia" finds "Energía"; a user's '%' or
// '_' is plain text there, unlike in LIKE. The order is a column picked
// from a fixed table by name, never text from the request.

// fold is the SQL folding both sides of a search go through.
func fold(expr string) string { return "strip_accents(lower(" + expr + "))" }

// sortColumns maps the names a list sorts by to their SQL expressions.
type sortColumns map[string]string

// orderBy is the ORDER BY clause for pg.Sort over cols, falling back to
// def (the list's own order) and ending with tie, a unique key, so pages
// never overlap. An unknown column is EINVALID, naming those there are.
func (cols sortColumns) orderBy(pg portfolio.Page, def, tie string) (string, error) {
	name, desc := pg.SortKey()
	if name == "" {
		return "ORDER BY " + def + ", " + tie, nil
	}
	expr, ok := cols[name]
	if !ok {
		names := make([]string, 0, len(cols))
		for n := range cols {
			names = append(names, n)
		}
		sort.Strings(names)
		return "", portfolio.Errorf(portfolio.EINVALID, "sort=%q: this list sorts by %s (a leading - for descending)", pg.Sort, strings.Join(names, ", "))
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	return fmt.Sprintf("ORDER BY %s %s NULLS LAST, %s", expr, dir, tie), nil
}

// projectSort are the project list's columns. A scheme's code (level,
// stage, pillar …) sorts by the position of the project's first term of
// it in the mission document, the code being bound where the clause says
// $scheme (bindScheme).
func projectSort(m *portfolio.Mission, scheme string) sortColumns {
	cols := sortColumns{
		"ext_ref":        "p.ext_ref",
		"title":          fold("p.title"),
		"status":         "p.status",
		"budget":         "p.budget_total_eur",
		"public_funding": "p.public_funding_eur",
		"instrument":     "p.funding_instrument",
		"lead":           fold("o.name"),
		"municipality":   fold("coalesce(gm.name_es, p.geo_code)"),
		"comarca":        fold("gc.name_es"),
		"start":          "p.start_date",
		"end":            "p.end_date",
		"updated":        "p.updated_at",
	}
	for _, s := range m.Schemes {
		if s.Code == scheme && s.AppliesToKind(portfolio.KindProject) {
			cols[s.Code] = `(SELECT min(t.position) FROM project_term pt JOIN term t
				ON t.mission_id = p.mission_id AND t.scheme_code = pt.scheme_code AND t.code = pt.term_code
				WHERE pt.project_id = p.id AND pt.scheme_code = $scheme)`
		}
	}
	return cols
}

var signalSort = sortColumns{
	"ext_ref":  "g.ext_ref",
	"observed": "g.observed_at",
	"headline": fold("g.headline"),
	"status":   "g.status",
	"level":    "g.level_observed",
	"source":   "g.source_type",
	"novelty":  "g.novelty",
	"projects": "(SELECT count(*) FROM signal_project sp WHERE sp.signal_id = g.id)",
}

var organisationSort = sortColumns{
	"name":       "o.name_key",
	"actor_type": "o.actor_type",
	"size":       "o.size_class",
	"founded":    "o.founded_year",
	"projects":   "m.n",
}

// bindScheme binds the $scheme of an ORDER BY clause as the next
// parameter after args, when the clause has one.
func bindScheme(order string, args []any, scheme string) (string, []any) {
	if !strings.Contains(order, "$scheme") {
		return order, args
	}
	args = append(args, scheme)
	return strings.ReplaceAll(order, "$scheme", fmt.Sprintf("$%d", len(args))), args
}
