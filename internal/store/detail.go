package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// The detail pages' reads. The rows come from the tables the store reads
// (a snapshot's frozen copies through AsOf); import batches, archives and
// snapshot states are never frozen, and the caller keeps those up to the
// snapshot's time.

// ProjectDetail returns one project with its linked signals, the committed
// import batches that wrote a version of it (from the archives, which keep
// every version an import displaced) and its state in every snapshot.
func (s *Store) ProjectDetail(ctx context.Context, m *portfolio.Mission, ref string) (*portfolio.ProjectDetail, error) {
	p, err := s.ProjectByRef(ctx, m, ref)
	if err != nil {
		return nil, err
	}
	d := &portfolio.ProjectDetail{Project: *p, Signals: []portfolio.LinkedSignal{}, Snapshots: []portfolio.ProjectAsOf{}}
	rows, err := s.db.QueryContext(ctx, `
		SELECT g.ext_ref, g.headline, g.status, g.observed_at, sp.relation
		FROM signal_project sp JOIN signal g ON g.id = sp.signal_id
		WHERE sp.project_id = ? ORDER BY g.observed_at DESC NULLS LAST, g.ext_ref`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("store: project %s signals: %w", ref, err)
	}
	defer rows.Close()
	for rows.Next() {
		var g portfolio.LinkedSignal
		var observed sql.NullTime
		if err := rows.Scan(&g.ExtRef, &g.Headline, &g.Status, &observed, &g.Relation); err != nil {
			return nil, fmt.Errorf("store: project %s signals: %w", ref, err)
		}
		g.ObservedAt = date(observed)
		d.Signals = append(d.Signals, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if d.Batches, err = s.versions(ctx, "project", m.ID, ref); err != nil {
		return nil, err
	}
	srows, err := s.db.QueryContext(ctx, `
		SELECT s.id, s.label, s.taken_at, coalesce(sp.stage, ''), sp.status, sp.budget_total_eur
		FROM main.snapshot s JOIN main.snapshot_project sp ON sp.snapshot_id = s.id
		WHERE s.mission_id = ? AND sp.ext_ref = ? ORDER BY s.taken_at, s.id`, m.ID, ref)
	if err != nil {
		return nil, fmt.Errorf("store: project %s snapshots: %w", ref, err)
	}
	defer srows.Close()
	for srows.Next() {
		var a portfolio.ProjectAsOf
		var budget sql.NullFloat64
		if err := srows.Scan(&a.SnapshotID, &a.Label, &a.TakenAt, &a.Stage, &a.Status, &budget); err != nil {
			return nil, fmt.Errorf("store: project %s snapshots: %w", ref, err)
		}
		a.Budget = float(budget)
		d.Snapshots = append(d.Snapshots, a)
	}
	return d, srows.Err()
}

// versions lists the committed batches that wrote a version of the row
// ext_ref of table (project or signal), oldest first, with the row's
// status in each: the archived versions, then the current one.
func (s *Store) versions(ctx context.Context, table string, missionID int64, ref string) ([]portfolio.BatchRef, error) {
	// table is one of two constants, never request text.
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`
		WITH v AS (
			SELECT batch_id, status FROM main.%[1]s_archive WHERE mission_id = $1 AND ext_ref = $2
			UNION ALL
			SELECT batch_id, status FROM %[1]s WHERE mission_id = $1 AND ext_ref = $2)
		SELECT b.id, b.filename, b.mode, b.committed_at, any_value(v.status)
		FROM v JOIN main.import_batch b ON b.id = v.batch_id
		WHERE b.status = 'committed'
		GROUP BY ALL ORDER BY b.committed_at NULLS LAST, b.id`, table), missionID, ref)
	if err != nil {
		return nil, fmt.Errorf("store: %s %s versions: %w", table, ref, err)
	}
	defer rows.Close()
	out := []portfolio.BatchRef{}
	for rows.Next() {
		var b portfolio.BatchRef
		var at sql.NullTime
		if err := rows.Scan(&b.ID, &b.Filename, &b.Mode, &at, &b.Status); err != nil {
			return nil, fmt.Errorf("store: %s %s versions: %w", table, ref, err)
		}
		if at.Valid {
			t := at.Time.UTC()
			b.CommittedAt = &t
		}
		b.Created = len(out) == 0
		out = append(out, b)
	}
	return out, rows.Err()
}

// SignalDetail returns one signal with its linked projects and its status
// in every version the imports wrote.
func (s *Store) SignalDetail(ctx context.Context, m *portfolio.Mission, ref string) (*portfolio.SignalDetail, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM signal WHERE mission_id = ? AND ext_ref = ?`, m.ID, ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no signal %q in this view of mission %q", ref, m.Slug)
	}
	if err != nil {
		return nil, fmt.Errorf("store: signal %s: %w", ref, err)
	}
	rows, err := s.db.QueryContext(ctx, signalColumns+` FROM signal g WHERE g.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("store: signal %s: %w", ref, err)
	}
	gs, err := scanSignals(rows)
	if err != nil || len(gs) != 1 {
		return nil, fmt.Errorf("store: signal %s: %w", ref, err)
	}
	d := &portfolio.SignalDetail{Signal: gs[0], Linked: []portfolio.LinkedProject{}}
	if d.Linked, err = s.linkedProjects(ctx, `
		SELECT p.ext_ref, p.title, p.status, sp.relation, p.budget_total_eur, `+levelsOf+`
		FROM signal_project sp JOIN project p ON p.id = sp.project_id
		WHERE sp.signal_id = ? ORDER BY p.ext_ref`, id); err != nil {
		return nil, fmt.Errorf("store: signal %s projects: %w", ref, err)
	}
	if d.History, err = s.versions(ctx, "signal", m.ID, ref); err != nil {
		return nil, err
	}
	return d, nil
}

// levelsOf selects the level terms of project p.
const levelsOf = `(SELECT string_agg(term_code, chr(31) ORDER BY term_code) FROM project_term WHERE project_id = p.id AND scheme_code = 'level')`

func (s *Store) linkedProjects(ctx context.Context, q string, args ...any) ([]portfolio.LinkedProject, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []portfolio.LinkedProject{}
	for rows.Next() {
		var p portfolio.LinkedProject
		var budget sql.NullFloat64
		var levels sql.NullString
		if err := rows.Scan(&p.ExtRef, &p.Title, &p.Status, &p.Relation, &budget, &levels); err != nil {
			return nil, err
		}
		p.Budget, p.Levels = float(budget), splitList(levels)
		out = append(out, p)
	}
	return out, rows.Err()
}

// OrganisationDetail returns one organisation of a mission by id with
// every project it takes part in (any status, with its role), the levels
// of action of those in scope and its degree in the network of
// organisations sharing a project in scope.
func (s *Store) OrganisationDetail(ctx context.Context, m *portfolio.Mission, id int64, sc portfolio.Scope) (*portfolio.OrganisationDetail, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT o.id, coalesce(o.ext_ref, ''), o.name, coalesce(o.actor_type, ''), coalesce(o.size_class, ''),
		       o.founded_year, coalesce(o.geo_code, ''), 0
		FROM organisation o WHERE o.mission_id = ? AND o.id = ?`, m.ID, id)
	if err != nil {
		return nil, fmt.Errorf("store: organisation %d: %w", id, err)
	}
	os, err := scanOrganisations(rows)
	if err != nil {
		return nil, fmt.Errorf("store: organisation %d: %w", id, err)
	}
	if len(os) == 0 {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no organisation %d in this view of mission %q", id, m.Slug)
	}
	d := &portfolio.OrganisationDetail{Organisation: os[0], Levels: map[string]int{}}
	if d.All, err = s.linkedProjects(ctx, `
		SELECT p.ext_ref, p.title, p.status, string_agg(DISTINCT po.role, ', ' ORDER BY po.role), p.budget_total_eur, `+levelsOf+`
		FROM project_org po JOIN project p ON p.id = po.project_id
		WHERE po.org_id = ? GROUP BY ALL ORDER BY p.ext_ref`, id); err != nil {
		return nil, fmt.Errorf("store: organisation %d projects: %w", id, err)
	}
	args := append(scopeArgs(m.ID, sc), id)
	lrows, err := s.db.QueryContext(ctx, `
		SELECT pt.term_code, count(DISTINCT p.id)
		FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE) p
		JOIN project_org po ON po.project_id = p.id AND po.org_id = $11
		JOIN project_term pt ON pt.project_id = p.id AND pt.scheme_code = 'level'
		GROUP BY pt.term_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: organisation %d levels: %w", id, err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var term string
		var n int
		if err := lrows.Scan(&term, &n); err != nil {
			return nil, fmt.Errorf("store: organisation %d levels: %w", id, err)
		}
		d.Levels[term] = n
	}
	if err := lrows.Err(); err != nil {
		return nil, err
	}
	// The degree of every organisation of the scope, to place this one:
	// rank 1 is the most connected (ties share a rank).
	err = s.db.QueryRowContext(ctx, `
		WITH p AS (SELECT id FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE)),
		     po AS (SELECT DISTINCT po.project_id, po.org_id FROM project_org po JOIN p ON p.id = po.project_id),
		     deg AS (SELECT a.org_id, count(DISTINCT b.org_id) FILTER (WHERE b.org_id <> a.org_id) AS degree
		             FROM po a JOIN po b ON a.project_id = b.project_id GROUP BY a.org_id),
		     ranked AS (SELECT org_id, degree, rank() OVER (ORDER BY degree DESC) AS r, count(*) OVER () AS n FROM deg)
		SELECT coalesce(max(degree) FILTER (WHERE org_id = $11), 0), coalesce(max(r) FILTER (WHERE org_id = $11), 0),
		       coalesce(max(n), 0)
		FROM ranked`, args...).Scan(&d.Degree, &d.Rank, &d.Connected)
	if err != nil {
		return nil, fmt.Errorf("store: organisation %d degree: %w", id, err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(DISTINCT p.id) FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE) p
		JOIN project_org po ON po.project_id = p.id AND po.org_id = $11`, args...).Scan(&d.Projects); err != nil {
		return nil, fmt.Errorf("store: organisation %d projects in scope: %w", id, err)
	}
	return d, nil
}
