package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// SnapshotRequest says what to freeze.
type SnapshotRequest struct {
	Mission *portfolio.Mission
	TakenAt time.Time // stored in UTC, to the microsecond
	Trigger string    // TriggerManual | TriggerSchedule
	Label   string
	// Compute returns the figures to freeze. It runs inside the snapshot's
	// transaction on frozen, a store reading the snapshot's copied tables,
	// with the mission as frozen: the figures are those of the copies.
	Compute func(ctx context.Context, frozen *Store, m *portfolio.Mission) ([]portfolio.SnapshotMetric, error)
}

// inScope are the statuses of DOMAIN.md §5's P.
var inScope = []string{portfolio.StatusPlanned, portfolio.StatusActive}

// TakeSnapshot freezes the mission in one transaction: a schema snap_<id>
// with copies of its portfolio tables (geo_area whole), the state of every
// project, the organisations in scope, the figures req.Compute returns and
// the snapshot row with its hashes. Nothing here or anywhere else updates
// or deletes what it writes.
func (s *Store) TakeSnapshot(ctx context.Context, req SnapshotRequest) (*portfolio.Snapshot, error) {
	if req.Mission == nil || req.Compute == nil {
		return nil, errors.New("store: take snapshot: mission and compute are required")
	}
	conn, err := s.pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	// The search path set below is the connection's: releaseConn resets it
	// whatever happens to the transaction.
	defer releaseConn(conn)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	defer tx.Rollback()
	id, err := freeze(ctx, tx, req.Mission.ID)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	projects, err := snapshotProjects(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}

	if err := setSearchPath(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	frozen := &Store{db: tx, pool: s.pool, path: s.path, catalog: s.catalog, now: s.now, heavy: s.heavy}
	fm, err := frozen.Mission(ctx, req.Mission.Slug)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	figures, err := req.Compute(ctx, frozen, fm)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: compute: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `RESET search_path`); err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}

	if err := insertSnapshotMetrics(ctx, tx, id, figures); err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	taxonomy, err := json.Marshal(fm.Schemes)
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: %w", err)
	}
	schema := snapSchema(id)
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`
		INSERT INTO snapshot (id, mission_id, taken_at, trigger, label, taxonomy_hash, data_hash, batch_ids,
		                      projects, organisations, signals, metrics)
		SELECT $1, $2, $3, $4, $5, $6, $7,
		       (SELECT coalesce(list(id ORDER BY id), []::BIGINT[]) FROM import_batch
		         WHERE mission_id = $2 AND status = 'committed'),
		       (SELECT count(*) FROM %[1]s.project),
		       (SELECT count(*) FROM %[1]s.organisation),
		       (SELECT count(*) FROM %[1]s.signal),
		       $8`, schema),
		id, req.Mission.ID, req.TakenAt.UTC(), req.Trigger, req.Label, hash(taxonomy),
		SnapshotDataHash(projects), len(figures))
	if err != nil {
		return nil, fmt.Errorf("store: take snapshot: insert: %w", err)
	}
	if err := s.Audit(ctx, tx, AuditEntry{Action: "snapshot.take", Mission: req.Mission.Slug, Target: fmt.Sprintf("snapshot:%d", id),
		After: Summary(map[string]any{"label": req.Label, "trigger": req.Trigger, "projects": len(projects), "metrics": len(figures)})}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: take snapshot: commit: %w", err)
	}
	return s.Snapshot(ctx, id)
}

// freeze draws the snapshot id, creates its schema with copies of the
// mission's tables, and records the project states and organisations in
// scope. It returns the id.
func freeze(ctx context.Context, tx *sql.Tx, missionID int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT nextval('snapshot_id_seq')`).Scan(&id); err != nil {
		return 0, err
	}
	schema := snapSchema(id)
	if _, err := tx.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return 0, err
	}
	// The mission's rows of every frozen table; link tables through the
	// copied parents, so that a link and its ends are copied together.
	copies := map[string]string{
		"mission":        `SELECT * FROM mission WHERE id = $1`,
		"scheme":         `SELECT * FROM scheme WHERE mission_id = $1`,
		"term":           `SELECT * FROM term WHERE mission_id = $1`,
		"geo_area":       `SELECT * FROM geo_area`,
		"organisation":   `SELECT * FROM organisation WHERE mission_id = $1`,
		"project":        `SELECT * FROM project WHERE mission_id = $1`,
		"project_term":   `SELECT * FROM project_term WHERE project_id IN (SELECT id FROM %[1]s.project)`,
		"project_org":    `SELECT * FROM project_org WHERE project_id IN (SELECT id FROM %[1]s.project)`,
		"signal":         `SELECT * FROM signal WHERE mission_id = $1`,
		"signal_term":    `SELECT * FROM signal_term WHERE signal_id IN (SELECT id FROM %[1]s.signal)`,
		"signal_project": `SELECT * FROM signal_project WHERE signal_id IN (SELECT id FROM %[1]s.signal)`,
	}
	for _, table := range frozenTables {
		sel := copies[table]
		var args []any
		if strings.Contains(sel, "$1") {
			args = append(args, missionID)
		}
		if strings.Contains(sel, "%[1]s") {
			sel = fmt.Sprintf(sel, schema)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE %s.%s AS `, schema, table)+sel, args...); err != nil {
			return 0, fmt.Errorf("copy %s: %w", table, err)
		}
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`
		INSERT INTO snapshot_project (snapshot_id, project_id, ext_ref, title, stage, status, level, budget_total_eur, geo_code)
		SELECT $1, p.id, p.ext_ref, p.title,
		       (SELECT min(term_code) FROM %[1]s.project_term WHERE project_id = p.id AND scheme_code = 'stage'),
		       p.status,
		       (SELECT min(term_code) FROM %[1]s.project_term WHERE project_id = p.id AND scheme_code = 'level'),
		       p.budget_total_eur, p.geo_code
		FROM %[1]s.project p`, schema), id)
	if err != nil {
		return 0, fmt.Errorf("project states: %w", err)
	}
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`
		INSERT INTO snapshot_org (snapshot_id, org_id, name_key, name, actor_type, projects)
		SELECT $1, o.id, o.name_key, o.name, o.actor_type, count(DISTINCT p.id)
		FROM %[1]s.project p
		JOIN %[1]s.project_org po ON po.project_id = p.id
		JOIN %[1]s.organisation o ON o.id = po.org_id
		WHERE list_contains($2::VARCHAR[], p.status)
		GROUP BY ALL`, schema), id, inScope)
	if err != nil {
		return 0, fmt.Errorf("organisations: %w", err)
	}
	return id, nil
}

// insertSnapshotMetrics writes the figures in one statement (lists
// unnested side by side), keeping their order.
func insertSnapshotMetrics(ctx context.Context, tx *sql.Tx, id int64, figures []portfolio.SnapshotMetric) error {
	n := len(figures)
	ords, codes, dims := make([]int64, n), make([]string, n), make([]string, n)
	values, nulls, ns := make([]float64, n), make([]bool, n), make([]int64, n)
	for i, f := range figures {
		d := f.Dims
		if d == nil {
			d = map[string]string{}
		}
		b, err := json.Marshal(d) // encoding/json sorts map keys
		if err != nil {
			return err
		}
		ords[i], codes[i], dims[i], ns[i] = int64(i), f.Code, string(b), f.N
		if f.Value == nil {
			nulls[i] = true
		} else {
			values[i] = *f.Value
		}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO snapshot_metric (snapshot_id, ord, metric_code, dims, value, n)
		SELECT $1, ord, code, dims, CASE WHEN is_null THEN NULL ELSE v END, n
		FROM (SELECT unnest($2::BIGINT[]) AS ord, unnest($3::VARCHAR[]) AS code, unnest($4::VARCHAR[]) AS dims,
		             unnest($5::DOUBLE[]) AS v, unnest($6::BOOLEAN[]) AS is_null, unnest($7::BIGINT[]) AS n)`,
		id, ords, codes, dims, values, nulls, ns)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	return nil
}

func hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// SnapshotDataHash is the data_hash of a snapshot: sha256 over its project
// states (ext_ref, stage, status, level, budget), sorted by ext_ref, one
// line each with unit-separated fields; a missing budget is empty.
func SnapshotDataHash(projects []portfolio.SnapshotProject) string {
	ps := append([]portfolio.SnapshotProject(nil), projects...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].ExtRef < ps[j].ExtRef })
	var b strings.Builder
	for _, p := range ps {
		budget := ""
		if p.Budget != nil {
			budget = strconv.FormatFloat(*p.Budget, 'g', -1, 64)
		}
		b.WriteString(strings.Join([]string{p.ExtRef, p.Stage, p.Status, p.Level, budget}, "\x1f"))
		b.WriteByte('\n')
	}
	return hash([]byte(b.String()))
}

const snapshotSelect = `
	SELECT s.id, s.mission_id, m.slug, s.taken_at, s.trigger, s.label, s.taxonomy_hash, s.data_hash,
	       array_to_string(s.batch_ids, ','), s.projects, s.organisations, s.signals, s.metrics
	FROM snapshot s JOIN mission m ON m.id = s.mission_id`

func scanSnapshot(sc interface{ Scan(...any) error }) (*portfolio.Snapshot, error) {
	var sn portfolio.Snapshot
	var batches string
	if err := sc.Scan(&sn.ID, &sn.MissionID, &sn.Mission, &sn.TakenAt, &sn.Trigger, &sn.Label, &sn.TaxonomyHash,
		&sn.DataHash, &batches, &sn.Projects, &sn.Organisations, &sn.Signals, &sn.Metrics); err != nil {
		return nil, err
	}
	sn.TakenAt = sn.TakenAt.UTC()
	sn.BatchIDs = []int64{}
	for _, f := range strings.Split(batches, ",") {
		if f == "" {
			continue
		}
		b, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("batch id %q: %w", f, err)
		}
		sn.BatchIDs = append(sn.BatchIDs, b)
	}
	return &sn, nil
}

// Snapshot loads one snapshot.
func (s *Store) Snapshot(ctx context.Context, id int64) (*portfolio.Snapshot, error) {
	sn, err := scanSnapshot(s.db.QueryRowContext(ctx, snapshotSelect+` WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: snapshot %d: %w", id, err)
	}
	return sn, nil
}

// Snapshots lists a mission's snapshots, newest first.
func (s *Store) Snapshots(ctx context.Context, missionID int64) ([]portfolio.Snapshot, error) {
	rows, err := s.db.QueryContext(ctx, snapshotSelect+` WHERE s.mission_id = ? ORDER BY s.taken_at DESC, s.id DESC`, missionID)
	if err != nil {
		return nil, fmt.Errorf("store: snapshots: %w", err)
	}
	defer rows.Close()
	out := []portfolio.Snapshot{}
	for rows.Next() {
		sn, err := scanSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("store: snapshots: %w", err)
		}
		out = append(out, *sn)
	}
	return out, rows.Err()
}

// SnapshotMetrics returns a snapshot's frozen figures in catalogue order,
// only those of the given metric codes when codes is not empty.
func (s *Store) SnapshotMetrics(ctx context.Context, id int64, codes []string) ([]portfolio.SnapshotMetric, error) {
	if codes == nil {
		codes = []string{}
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT metric_code, dims, value, n FROM snapshot_metric
		WHERE snapshot_id = $1 AND (len($2::VARCHAR[]) = 0 OR list_contains($2::VARCHAR[], metric_code))
		ORDER BY ord`, id, codes)
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d metrics: %w", id, err)
	}
	defer rows.Close()
	out := []portfolio.SnapshotMetric{}
	for rows.Next() {
		var m portfolio.SnapshotMetric
		var dims string
		var v sql.NullFloat64
		if err := rows.Scan(&m.Code, &dims, &v, &m.N); err != nil {
			return nil, fmt.Errorf("store: snapshot %d metrics: %w", id, err)
		}
		if err := json.Unmarshal([]byte(dims), &m.Dims); err != nil {
			return nil, fmt.Errorf("store: snapshot %d metrics: dims %s: %w", id, dims, err)
		}
		m.Value = float(v)
		out = append(out, m)
	}
	return out, rows.Err()
}

// snapshotProjects reads the project states of snapshot id through q.
func snapshotProjects(ctx context.Context, q Querier, id int64) ([]portfolio.SnapshotProject, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT project_id, ext_ref, title, coalesce(stage, ''), status, coalesce(level, ''),
		       budget_total_eur, coalesce(geo_code, '')
		FROM snapshot_project WHERE snapshot_id = ? ORDER BY ext_ref, project_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []portfolio.SnapshotProject{}
	for rows.Next() {
		var p portfolio.SnapshotProject
		var budget sql.NullFloat64
		if err := rows.Scan(&p.ProjectID, &p.ExtRef, &p.Title, &p.Stage, &p.Status, &p.Level, &budget, &p.GeoCode); err != nil {
			return nil, err
		}
		p.Budget = float(budget)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SnapshotProjects returns the state of every project of a snapshot, by
// ext_ref.
func (s *Store) SnapshotProjects(ctx context.Context, id int64) ([]portfolio.SnapshotProject, error) {
	out, err := snapshotProjects(ctx, s.db, id)
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d projects: %w", id, err)
	}
	return out, nil
}

// SnapshotOrgs returns the organisations taking part in a snapshot's
// projects in scope, by normalised name.
func (s *Store) SnapshotOrgs(ctx context.Context, id int64) ([]portfolio.SnapshotOrg, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT org_id, name_key, name, coalesce(actor_type, ''), projects
		FROM snapshot_org WHERE snapshot_id = ? ORDER BY name_key, org_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: snapshot %d organisations: %w", id, err)
	}
	defer rows.Close()
	out := []portfolio.SnapshotOrg{}
	for rows.Next() {
		var o portfolio.SnapshotOrg
		if err := rows.Scan(&o.OrgID, &o.NameKey, &o.Name, &o.ActorType, &o.Projects); err != nil {
			return nil, fmt.Errorf("store: snapshot %d organisations: %w", id, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ProjectStates returns the state of every project of a mission in the
// tables the store reads (today's, or a snapshot's through AsOf), shaped
// as a snapshot records them: what a diff against today compares.
func (s *Store) ProjectStates(ctx context.Context, m *portfolio.Mission) ([]portfolio.SnapshotProject, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT p.id, p.ext_ref, p.title,
		       coalesce((SELECT min(term_code) FROM project_term WHERE project_id = p.id AND scheme_code = 'stage'), ''),
		       p.status,
		       coalesce((SELECT min(term_code) FROM project_term WHERE project_id = p.id AND scheme_code = 'level'), ''),
		       p.budget_total_eur, coalesce(p.geo_code, '')
		FROM project p WHERE p.mission_id = ? ORDER BY p.ext_ref, p.id`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("store: project states: %w", err)
	}
	defer rows.Close()
	out := []portfolio.SnapshotProject{}
	for rows.Next() {
		var p portfolio.SnapshotProject
		var budget sql.NullFloat64
		if err := rows.Scan(&p.ProjectID, &p.ExtRef, &p.Title, &p.Stage, &p.Status, &p.Level, &budget, &p.GeoCode); err != nil {
			return nil, fmt.Errorf("store: project states: %w", err)
		}
		p.Budget = float(budget)
		out = append(out, p)
	}
	return out, rows.Err()
}

// CellMember is a project in scope in one cell of a coverage matrix.
type CellMember struct {
	A, B   string
	ExtRef string
	Title  string
}

// CellMembers lists, for every cell of the matrix of schemes a × b, the
// projects in scope tagged with both terms: the rows behind C1's n_full.
func (s *Store) CellMembers(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]CellMember, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH p AS (SELECT id, ext_ref, title FROM begira_scope($1::BIGINT, $2::VARCHAR[], $3::VARCHAR[], $4::VARCHAR[], $5::VARCHAR[], $6::VARCHAR[], $7::VARCHAR[], $8::VARCHAR[], $9::DATE, $10::DATE))
		SELECT ta.term_code, tb.term_code, p.ext_ref, p.title
		FROM p
		JOIN project_term ta ON ta.project_id = p.id AND ta.scheme_code = $11
		JOIN project_term tb ON tb.project_id = p.id AND tb.scheme_code = $12
		ORDER BY 1, 2, 3`, append(scopeArgs(m.ID, sc), a, b)...)
	if err != nil {
		return nil, fmt.Errorf("store: cell members: %w", err)
	}
	defer rows.Close()
	var out []CellMember
	for rows.Next() {
		var c CellMember
		if err := rows.Scan(&c.A, &c.B, &c.ExtRef, &c.Title); err != nil {
			return nil, fmt.Errorf("store: cell members: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
