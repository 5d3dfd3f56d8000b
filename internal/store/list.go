package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// listSep separates the items of string_agg lists: a control character no
// CSV cell that reached the store can hold as data.
const listSep = "\x1f"

func splitList(s sql.NullString) []string {
	if !s.Valid || s.String == "" {
		return nil
	}
	return strings.Split(s.String, listSep)
}

func termMap(s sql.NullString) map[string][]string {
	out := map[string][]string{}
	for _, st := range splitList(s) {
		scheme, term, _ := strings.Cut(st, ":")
		out[scheme] = append(out[scheme], term)
	}
	return out
}

func date(t sql.NullTime) *portfolio.Date {
	if !t.Valid {
		return nil
	}
	return &portfolio.Date{Time: t.Time}
}

func float(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	return &f.Float64
}

// Projects lists the projects in scope matching pg.Search, in pg.Sort's
// order (ext_ref by default), one page at a time, with the number of them:
// without a search, the same projects the figures of that scope count.
func (s *Store) Projects(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, pg portfolio.Page) ([]portfolio.Project, int64, error) {
	pg = pg.Normalize()
	col, _ := pg.SortKey()
	order, err := projectSort(m, col).orderBy(pg, "p.ext_ref", "p.id")
	if err != nil {
		return nil, 0, err
	}
	args := scopeArgs(m.ID, sc)
	from := `
		FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE) p` + projectJoins
	if pg.Search != "" {
		// Only a search pays for the search: DuckDB plans the partners'
		// EXISTS as a join over every membership even when $11 is empty.
		args = append(args, pg.Search)
		from += projectSearch
	}
	var total int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count projects: %w", err)
	}
	order, args = bindScheme(order, args, col)
	n := len(args)
	page := fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2)
	args = append(args, pg.Limit, pg.Offset)
	if pg.All {
		// An export wants every row's terms and partners: one pass.
		return s.scanProjects(ctx, total, projectColumns+from+"\n"+order+page, args...)
	}
	// A page is chosen first, by id, and only its rows gather their terms
	// and partners: the aggregates in projectColumns cost a pass over
	// project_term and project_org, which the whole scope would pay
	// before LIMIT trimmed it (most of a list request's time, and seconds
	// on a large portfolio).
	ids, err := s.ids(ctx, `SELECT p.id`+from+"\n"+order+page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: projects: %w", err)
	}
	return s.scanProjects(ctx, total, projectColumns+`
		FROM project p`+projectJoins+`
		WHERE p.id IN (SELECT unnest($1::BIGINT[]))
		ORDER BY list_position($1::BIGINT[], p.id)`, ids)
}

// ids runs a query of ids and returns them in its order.
func (s *Store) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// scanProjects runs a query of projectColumns and returns its rows with
// total.
func (s *Store) scanProjects(ctx context.Context, total int64, query string, args ...any) ([]portfolio.Project, int64, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: projects: %w", err)
	}
	defer rows.Close()
	items := []portfolio.Project{}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: projects: %w", err)
		}
		items = append(items, p)
	}
	return items, total, rows.Err()
}

// projectSearch keeps the projects whose text (projectText) or one of whose
// partners' names holds the search $11, folded.
const projectSearch = `
		WHERE contains(` + projectText + `, strip_accents(lower($11)))
		   OR EXISTS (SELECT 1 FROM project_org po JOIN organisation o3 ON o3.id = po.org_id
		              WHERE po.project_id = p.id AND contains(strip_accents(lower(o3.name)), strip_accents(lower($11))))`

// projectText is the text a project search looks in (besides the names of
// its partners): reference, title, summary and lead, folded.
const projectText = `strip_accents(lower(p.ext_ref || ' ' || p.title || ' ' || coalesce(p.summary, '') || ' ' || coalesce(o.name, '')))`

// projectJoins joins a project row (p) to its lead (o), its municipality
// (gm) and that municipality's comarca (gc).
const projectJoins = `
		LEFT JOIN organisation o ON o.id = p.lead_org_id
		LEFT JOIN geo_area gm ON gm.code = p.geo_code AND gm.level = 'municipality'
		LEFT JOIN geo_area gc ON gc.code = gm.parent_code`

// projectColumns selects a project row (p) with its lead (o), terms,
// partners and place (gm, gc: projectJoins), as scanProject reads them.
const projectColumns = `
		SELECT p.id, p.ext_ref, p.title, coalesce(p.summary, ''), p.status, coalesce(o.name, ''),
		       p.budget_total_eur, p.public_funding_eur, coalesce(p.funding_instrument, ''),
		       p.start_date, p.end_date, coalesce(p.geo_code, ''), p.lat, p.lon, coalesce(p.intent, ''),
		       p.updated_at, p.batch_id,
		       (SELECT string_agg(scheme_code || ':' || term_code, chr(31) ORDER BY scheme_code, NOT is_primary, term_code)
		          FROM project_term WHERE project_id = p.id),
		       (SELECT string_agg(o2.name, chr(31) ORDER BY o2.name)
		          FROM project_org po JOIN organisation o2 ON o2.id = po.org_id
		          WHERE po.project_id = p.id AND po.role <> 'lead'),
		       gm.name_eu, gm.name_es, gc.code, gc.name_eu, gc.name_es`

func scanProject(rows interface{ Scan(...any) error }) (portfolio.Project, error) {
	var p portfolio.Project
	var budget, public, lat, lon sql.NullFloat64
	var start, end, updated sql.NullTime
	var terms, partners sql.NullString
	var mEU, mES, cCode, cEU, cES sql.NullString
	if err := rows.Scan(&p.ID, &p.ExtRef, &p.Title, &p.Summary, &p.Status, &p.LeadOrg, &budget, &public,
		&p.FundingInstrument, &start, &end, &p.GeoCode, &lat, &lon, &p.Intent, &updated, &p.BatchID,
		&terms, &partners, &mEU, &mES, &cCode, &cEU, &cES); err != nil {
		return p, err
	}
	p.BudgetTotalEUR, p.PublicFundingEUR, p.Lat, p.Lon = float(budget), float(public), float(lat), float(lon)
	p.StartDate, p.EndDate, p.UpdatedAt = date(start), date(end), date(updated)
	p.Terms, p.Partners = termMap(terms), splitList(partners)
	if mEU.Valid {
		p.Place = &portfolio.Place{Code: p.GeoCode, NameEU: mEU.String, NameES: mES.String,
			ComarcaCode: cCode.String, ComarcaEU: cEU.String, ComarcaES: cES.String}
	}
	return p, nil
}

// ProjectByRef returns one project of a mission by its ext_ref, whatever its
// status, from the tables the store reads (a snapshot's through AsOf).
func (s *Store) ProjectByRef(ctx context.Context, m *portfolio.Mission, ref string) (*portfolio.Project, error) {
	row := s.db.QueryRowContext(ctx, projectColumns+`
		FROM project p`+projectJoins+`
		WHERE p.mission_id = ? AND p.ext_ref = ?`, m.ID, ref)
	p, err := scanProject(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no project %q in this view of mission %q", ref, m.Slug)
	}
	if err != nil {
		return nil, fmt.Errorf("store: project %s: %w", ref, err)
	}
	return &p, nil
}

// Organisations lists a mission's organisations by name with the number of
// projects each takes part in.
func (s *Store) Organisations(ctx context.Context, m *portfolio.Mission, pg portfolio.Page) ([]portfolio.Organisation, int64, error) {
	pg = pg.Normalize()
	var total int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM organisation WHERE mission_id = ?`, m.ID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count organisations: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT o.id, coalesce(o.ext_ref, ''), o.name, coalesce(o.actor_type, ''), coalesce(o.size_class, ''),
		       o.founded_year, coalesce(o.geo_code, ''),
		       (SELECT count(DISTINCT project_id) FROM project_org po WHERE po.org_id = o.id)
		FROM organisation o WHERE o.mission_id = ?
		ORDER BY o.name_key LIMIT ? OFFSET ?`, m.ID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: organisations: %w", err)
	}
	items, err := scanOrganisations(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: organisations: %w", err)
	}
	return items, total, nil
}

// scanOrganisations reads organisation rows (id, ext_ref, name, actor
// type, size class, founded year, geo code, projects) and closes them.
func scanOrganisations(rows *sql.Rows) ([]portfolio.Organisation, error) {
	defer rows.Close()
	items := []portfolio.Organisation{}
	for rows.Next() {
		var o portfolio.Organisation
		var founded sql.NullInt64
		if err := rows.Scan(&o.ID, &o.ExtRef, &o.Name, &o.ActorType, &o.SizeClass, &founded, &o.GeoCode, &o.Projects); err != nil {
			return nil, err
		}
		if founded.Valid {
			y := int(founded.Int64)
			o.FoundedYear = &y
		}
		items = append(items, o)
	}
	return items, rows.Err()
}

// Signals lists a mission's signals matching f and pg.Search (reference,
// headline, description), newest first unless pg.Sort says otherwise.
func (s *Store) Signals(ctx context.Context, m *portfolio.Mission, f portfolio.SignalFilter, pg portfolio.Page) ([]portfolio.Signal, int64, error) {
	pg = pg.Normalize()
	if f.Term != "" {
		sc, err := m.SchemeOrError(f.Scheme)
		if err != nil {
			return nil, 0, err
		}
		if sc.Term(f.Term) == nil {
			return nil, 0, portfolio.Errorf(portfolio.EINVALID, "%q is not a term of %s", f.Term, f.Scheme)
		}
	}
	// One filter clause, shared by the count and the page: the signal scope
	// of the page (as the signal charts count) and the list's own filters.
	const where = `g.mission_id = $1
		AND g.id IN (SELECT id FROM begira_signals($1::BIGINT, $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::VARCHAR[], $10::VARCHAR[]))
		AND ($2 = '' OR g.id IN (SELECT signal_id FROM signal_term WHERE scheme_code = $2 AND term_code = $3))
		AND ($4 = '' OR g.level_observed = $4)
		AND ($5 = '' OR g.status = $5)
		AND ($11::DATE IS NULL OR g.observed_at >= $11::DATE)
		AND ($12::DATE IS NULL OR g.observed_at < $12::DATE)
		AND ($13 = '' OR contains(strip_accents(lower(g.ext_ref || ' ' || g.headline || ' ' || coalesce(g.description, ''))), strip_accents(lower($13))))
		AND ($14 = '' OR ($14 = 'yes') = EXISTS (SELECT 1 FROM signal_project sp WHERE sp.signal_id = g.id))`
	sa := scopeArgs(m.ID, f.Scope) // $3 levels, $4 pillars, $5 challenges, $6 levers, $8 comarcas
	day := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(time.DateOnly)
	}
	switch f.Answered {
	case "", "yes", "no":
	default:
		return nil, 0, portfolio.Errorf(portfolio.EINVALID, "answered=%q: yes (linked to a project) or no (linked to none)", f.Answered)
	}
	order, err := signalSort.orderBy(pg, "g.observed_at DESC, g.ext_ref", "g.id")
	if err != nil {
		return nil, 0, err
	}
	fargs := []any{m.ID, f.Scheme, f.Term, f.Level, f.Status, sa[2], sa[3], sa[4], sa[5], sa[7], day(f.From), day(f.To), pg.Search, f.Answered}
	if f.Term == "" {
		fargs[1] = ""
	}
	var total int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM signal g WHERE `+where, fargs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count signals: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, signalColumns+`
		FROM signal g WHERE `+where+`
		`+order+` LIMIT $15 OFFSET $16`, append(fargs, pg.Limit, pg.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: signals: %w", err)
	}
	items, err := scanSignals(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: signals: %w", err)
	}
	return items, total, nil
}

// signalColumns selects a signal row (g) with its terms and linked
// projects, as scanSignals reads them.
const signalColumns = `
		SELECT g.id, g.ext_ref, g.headline, coalesce(g.description, ''), coalesce(g.url, ''), coalesce(g.source_type, ''),
		       g.observed_at, g.status, g.novelty, coalesce(g.level_observed, ''), coalesce(g.observer_actor_type, ''),
		       coalesce(g.signal_type, ''), coalesce(g.sentiment, ''), coalesce(g.geo_code, ''),
		       (SELECT string_agg(scheme_code || ':' || term_code, chr(31) ORDER BY scheme_code, term_code)
		          FROM signal_term WHERE signal_id = g.id),
		       (SELECT string_agg(p.ext_ref, chr(31) ORDER BY p.ext_ref)
		          FROM signal_project sp JOIN project p ON p.id = sp.project_id WHERE sp.signal_id = g.id)`

// scanSignals reads signalColumns rows and closes them.
func scanSignals(rows *sql.Rows) ([]portfolio.Signal, error) {
	defer rows.Close()
	items := []portfolio.Signal{}
	for rows.Next() {
		var g portfolio.Signal
		var observed sql.NullTime
		var novelty sql.NullInt64
		var terms, projects sql.NullString
		if err := rows.Scan(&g.ID, &g.ExtRef, &g.Headline, &g.Description, &g.URL, &g.SourceType, &observed, &g.Status,
			&novelty, &g.LevelObserved, &g.ObserverActorType, &g.SignalType, &g.Sentiment, &g.GeoCode,
			&terms, &projects); err != nil {
			return nil, err
		}
		g.ObservedAt = date(observed)
		if novelty.Valid {
			n := int(novelty.Int64)
			g.Novelty = &n
		}
		g.Terms, g.Projects = termMap(terms), splitList(projects)
		items = append(items, g)
	}
	return items, rows.Err()
}

// ProjectTotals adds up the projects in scope the way the charts count
// them: count, budget and, when frac names one or two schemes, the
// fractional count and budget of a chart drawn over those schemes. A list
// shows these next to its rows, so its header matches the mark that opened it.
func (s *Store) ProjectTotals(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, frac []string) (portfolio.ListTotals, error) {
	t := portfolio.ListTotals{Frac: frac}
	if len(frac) > 2 {
		return t, portfolio.Errorf(portfolio.EINVALID, "frac names at most two schemes")
	}
	a, b := "", ""
	if len(frac) > 0 {
		a = frac[0]
	}
	if len(frac) > 1 {
		b = frac[1]
	}
	for _, code := range frac {
		if _, err := m.SchemeOrError(code); err != nil {
			return t, err
		}
	}
	keep := func(scheme string) []string {
		terms, _ := sc.SchemeFilter(scheme)
		if terms == nil {
			return []string{}
		}
		return terms
	}
	args := append(scopeArgs(m.ID, sc), a, b, keep(a), keep(b))
	err := s.db.QueryRowContext(ctx, query("list_totals"), args...).Scan(&t.Projects, &t.Budget, &t.BudgetNull, &t.NFrac, &t.BudgetFrac)
	if err != nil {
		return t, fmt.Errorf("store: project totals: %w", err)
	}
	return t, nil
}

// OrganisationsInScope lists the organisations taking part (in any role) in
// the projects in scope, by name (or pg.Sort), each with its number of
// those projects: the rows behind the organisations KPI of the same scope,
// narrowed by pg.Search on the name.
func (s *Store) OrganisationsInScope(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, pg portfolio.Page) ([]portfolio.Organisation, int64, error) {
	pg = pg.Normalize()
	args := scopeArgs(m.ID, sc)
	order, err := organisationSort.orderBy(pg, "o.name_key", "o.id")
	if err != nil {
		return nil, 0, err
	}
	args = append(args, pg.Search)
	const members = `WITH p AS (SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)),
		m AS (SELECT po.org_id, count(DISTINCT po.project_id) AS n FROM project_org po JOIN p ON p.id = po.project_id GROUP BY po.org_id)`
	const from = `
		FROM m JOIN organisation o ON o.id = m.org_id
		WHERE ($11 = '' OR contains(strip_accents(lower(o.name || ' ' || coalesce(o.ext_ref, ''))), strip_accents(lower($11))))`
	var total int64
	if err := s.db.QueryRowContext(ctx, members+` SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count organisations in scope: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, members+`
		SELECT o.id, coalesce(o.ext_ref, ''), o.name, coalesce(o.actor_type, ''), coalesce(o.size_class, ''),
		       o.founded_year, coalesce(o.geo_code, ''), m.n`+from+`
		`+order+` LIMIT $12 OFFSET $13`, append(args, pg.Limit, pg.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: organisations in scope: %w", err)
	}
	items, err := scanOrganisations(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: organisations in scope: %w", err)
	}
	return items, total, nil
}
