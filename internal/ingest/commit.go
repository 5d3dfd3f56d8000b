package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// ERejected is the code of a commit refused because rows were rejected.
const ERejected = "EREJECTED"

// Commit writes a previewed batch to the portfolio in one transaction. A batch
// with rejected rows is refused unless skipInvalid, in which case only the
// valid rows land and the rejects stay recorded with the batch.
//
// Modes: append adds rows (existing ext_refs were rejected in preview);
// upsert replaces the rows whose business key matches, keeping their ids so
// links from signals stay valid; replace does the same and deletes the
// mission's other rows of the kind. Every row a commit overwrites or deletes
// is archived with the batch first, so Rollback can restore it exactly.
func (s *Service) Commit(ctx context.Context, id int64, skipInvalid bool) (*Batch, error) {
	b, err := s.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != StatusPreviewed {
		return nil, portfolio.Errorf(portfolio.ECONFLICT, "import %d is %s; only a previewed import can be committed", id, b.Status)
	}
	if b.RowsOK == 0 {
		return nil, portfolio.Errorf(ERejected, "import %d was not committed: all %d rows were rejected", id, b.RowsTotal)
	}
	if b.RowsRejected > 0 && !skipInvalid {
		return nil, &portfolio.Error{Code: ERejected, Message: fmt.Sprintf(
			"import %d was not committed: %d of %d rows were rejected. Fix them, or commit with skip_invalid to import the %d valid rows",
			id, b.RowsRejected, b.RowsTotal, b.RowsOK)}
	}
	m, err := s.st.Mission(ctx, b.Mission)
	if err != nil {
		return nil, err
	}
	st := &stagedTables{id: id, mission: m.ID, mode: b.Mode, dialect: b.Dialect, fields: map[string]bool{}, log: s.Log}
	for _, c := range b.Columns {
		if c.Field != "" {
			st.fields[c.Field] = true
		}
	}
	s.progress.set(id, "committing", b.RowsOK, b.RowsOK)
	defer s.progress.done(id)
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		switch b.Kind {
		case KindProjects:
			err = st.commitProjects(ctx, tx)
		case KindOrganisations:
			err = st.commitOrganisations(ctx, tx)
		case KindSignals:
			err = st.commitSignals(ctx, tx)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE import_batch SET status = 'committed', committed_at = ? WHERE id = ?`, s.now().UTC(), id)
		if err != nil {
			return fmt.Errorf("ingest: mark committed: %w", err)
		}
		if err := s.st.Audit(ctx, tx, store.AuditEntry{Action: "import.commit", Mission: b.Mission, Target: fmt.Sprintf("import:%d", id),
			Before: store.Summary(map[string]string{"status": StatusPreviewed}),
			After: store.Summary(map[string]any{"status": StatusCommitted, "kind": b.Kind, "mode": b.Mode, "filename": b.Filename,
				"rows_ok": b.RowsOK, "rows_rejected": b.RowsRejected, "skip_invalid": skipInvalid})}); err != nil {
			return err
		}
		dropStaging(ctx, tx, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.notifyCommitted(b.Mission)
	return s.Batch(ctx, id)
}

// Import previews and, when the file is clean (or skipInvalid), commits.
// The returned batch says which happened.
func (s *Service) Import(ctx context.Context, req Request, skipInvalid bool) (*Batch, error) {
	b, err := s.Preview(ctx, req)
	if err != nil {
		return nil, err
	}
	return s.Commit(ctx, b.ID, skipInvalid)
}

// stagedTables names the staging tables of a batch for the commit queries.
type stagedTables struct {
	id      int64
	mission int64
	mode    string
	dialect Dialect
	fields  map[string]bool
	log     *slog.Logger
}

func (st *stagedTables) t(suffix string) string { return stagingTable(st.id, suffix) }

func (st *stagedTables) col(field string) string {
	if st.fields[field] {
		return "s." + ident(field)
	}
	return "NULL::VARCHAR"
}

// okRows selects the lines of the batch without a reject.
func (st *stagedTables) okRows() string {
	return fmt.Sprintf(`SELECT line FROM %s WHERE line NOT IN (SELECT line FROM import_reject WHERE batch_id = %d)`, st.t(""), st.id)
}

func (st *stagedTables) exec(ctx context.Context, tx *sql.Tx, what, q string, args ...any) error {
	start := time.Now()
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ingest: commit %s: %w", what, err)
	}
	if st.log != nil {
		st.log.Debug("import step", "batch", st.id, "step", "commit "+what, "ms", time.Since(start).Milliseconds())
	}
	return nil
}

// term returns the matched code of a single-valued term field of a row.
func (st *stagedTables) term(field string) string {
	return fmt.Sprintf(`(SELECT any_value(code) FROM %s x WHERE x.line = s.line AND x.field = '%s')`, st.t("_terms"), field)
}

// assignIDs maps each valid line to the id its row will have: the id of the
// row with the same business key when there is one (upsert, replace), a new
// one otherwise. displaced lists the existing rows the commit removes: the
// matched ones, and for replace every other row of the mission (except, for
// organisations, those still linked to projects).
func (st *stagedTables) assignIDs(ctx context.Context, tx *sql.Tx, table, seq, keyExpr, existingKey string) error {
	err := st.exec(ctx, tx, "ids", fmt.Sprintf(`
		CREATE TABLE %s AS
		SELECT s.line, coalesce(e.id, nextval('%s')) AS id, e.id IS NOT NULL AS existed
		FROM %s s LEFT JOIN %s e ON e.mission_id = ? AND e.%s = %s
		WHERE s.line IN (%s)`, st.t("_ids"), seq, st.t(""), table, existingKey, keyExpr, st.okRows()), st.mission)
	if err != nil {
		return err
	}
	displaced := fmt.Sprintf(`SELECT id FROM %s WHERE existed`, st.t("_ids"))
	if st.mode == ModeReplace {
		displaced = fmt.Sprintf(`SELECT id FROM %s WHERE mission_id = %d`, table, st.mission)
		if table == "organisation" {
			displaced += fmt.Sprintf(` AND (id IN (SELECT id FROM %s) OR id NOT IN (SELECT org_id FROM project_org))`, st.t("_ids"))
		}
	}
	return st.exec(ctx, tx, "displaced rows", fmt.Sprintf(`CREATE TABLE %s AS %s`, st.t("_gone"), displaced))
}

// archive copies the rows of table whose column col is among the displaced
// ids into its archive, then deletes them.
func (st *stagedTables) archive(ctx context.Context, tx *sql.Tx, table, col string) error {
	where := fmt.Sprintf(`%s IN (SELECT id FROM %s)`, col, st.t("_gone"))
	if err := st.exec(ctx, tx, "archive "+table, fmt.Sprintf(`INSERT INTO %s_archive SELECT %d, * FROM %s WHERE %s`, table, st.id, table, where)); err != nil {
		return err
	}
	return st.exec(ctx, tx, "delete "+table, fmt.Sprintf(`DELETE FROM %s WHERE %s`, table, where))
}

func (st *stagedTables) commitProjects(ctx context.Context, tx *sql.Tx) error {
	if err := st.assignIDs(ctx, tx, "project", "project_id_seq", "s.ext_ref", "ext_ref"); err != nil {
		return err
	}
	ids := st.t("_ids")
	for _, a := range [][2]string{{"project_term", "project_id"}, {"project_org", "project_id"}, {"project", "id"}} {
		if err := st.archive(ctx, tx, a[0], a[1]); err != nil {
			return err
		}
	}
	// Links from signals to projects that disappear (replace) go too; links
	// to projects that are only updated keep pointing at the same id.
	err := st.exec(ctx, tx, "archive signal links", fmt.Sprintf(`
		INSERT INTO signal_project_archive SELECT %d, * FROM signal_project
		WHERE project_id IN (SELECT id FROM %s) AND project_id NOT IN (SELECT id FROM %s)`, st.id, st.t("_gone"), ids))
	if err == nil {
		err = st.exec(ctx, tx, "delete signal links", fmt.Sprintf(`
			DELETE FROM signal_project WHERE project_id IN (SELECT id FROM %s) AND project_id NOT IN (SELECT id FROM %s)`, st.t("_gone"), ids))
	}
	if err != nil {
		return err
	}
	// Organisations named as lead or partner are matched by normalised name
	// and created when new; the lead's type comes from lead_org_type.
	err = st.exec(ctx, tx, "organisations", fmt.Sprintf(`
		INSERT INTO organisation (mission_id, name, name_key, actor_type, batch_id)
		SELECT ?, arg_min(o.name, o.line), o.name_key,
		       arg_min((SELECT any_value(code) FROM %s x WHERE x.line = o.line AND x.field = 'lead_org_type'), o.line)
		         FILTER (WHERE o.role = 'lead'),
		       ?
		FROM %s o JOIN %s i ON i.line = o.line
		WHERE o.name_key NOT IN (SELECT name_key FROM organisation WHERE mission_id = ?)
		GROUP BY o.name_key`, st.t("_terms"), st.t("_orgs"), ids), st.mission, st.id, st.mission)
	if err != nil {
		return err
	}
	d := st.dialect
	err = st.exec(ctx, tx, "projects", fmt.Sprintf(`
		INSERT INTO project (id, mission_id, ext_ref, title, summary, status, lead_org_id, budget_total_eur,
		                     public_funding_eur, funding_instrument, start_date, end_date, stage_entered_at, geo_code,
		                     lat, lon, intent, updated_at, batch_id)
		SELECT i.id, ?, s.ext_ref, s.title, %s, %s,
		       %s,
		       %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, ?
		FROM %s s JOIN %s i ON i.line = s.line
		LEFT JOIN (SELECT r.line, o.id FROM %s r JOIN organisation o ON o.mission_id = %d AND o.name_key = r.name_key
		           WHERE r.role = 'lead') lead ON lead.line = s.line
		LEFT JOIN project_archive old ON old.archived_by = %d AND old.id = i.id`,
		st.keep("summary", st.col("summary"), "summary"), st.keep("status", fmt.Sprintf("coalesce(lower(%s), 'active')", st.col("status")), "status"),
		st.keep("lead_org", "lead.id", "lead_org_id"),
		st.keep("budget_total_eur", numberExpr(st.col("budget_total_eur"), d), "budget_total_eur"),
		st.keep("public_funding_eur", numberExpr(st.col("public_funding_eur"), d), "public_funding_eur"),
		st.keep("funding_instrument", st.col("funding_instrument"), "funding_instrument"),
		st.keep("start_date", dateExpr(st.col("start_date"), d), "start_date"),
		st.keep("end_date", dateExpr(st.col("end_date"), d), "end_date"),
		st.keep("start_date", dateExpr(st.col("start_date"), d), "stage_entered_at"),
		st.keep("municipality_code", geoExpr(st.col("municipality_code")), "geo_code"),
		st.keep("lat", numberExpr(st.col("lat"), d), "lat"), st.keep("lon", numberExpr(st.col("lon"), d), "lon"),
		st.keep("intent", st.col("intent"), "intent"), st.keep("updated_at", dateExpr(st.col("updated_at"), d), "updated_at"),
		st.t(""), ids, st.t("_orgs"), st.mission, st.id), st.mission, st.id)
	if err != nil {
		return err
	}
	err = st.exec(ctx, tx, "project terms", fmt.Sprintf(`
		INSERT INTO project_term (project_id, scheme_code, term_code, is_primary)
		SELECT i.id, t.scheme, t.code, min(t.pos) = 1
		FROM %s t JOIN %s i ON i.line = t.line
		WHERE t.code IS NOT NULL AND t.field <> 'lead_org_type'
		GROUP BY i.id, t.scheme, t.code`, st.t("_terms"), ids))
	if err != nil {
		return err
	}
	err = st.exec(ctx, tx, "project organisations", fmt.Sprintf(`
		INSERT INTO project_org (project_id, org_id, role)
		SELECT i.id, o.id, min(r.role)  -- 'lead' sorts before 'partner': a lead listed as partner stays lead
		FROM %s r JOIN %s i ON i.line = r.line
		JOIN organisation o ON o.mission_id = ? AND o.name_key = r.name_key
		GROUP BY i.id, o.id`, st.t("_orgs"), ids), st.mission)
	if err != nil || st.mode != ModeUpsert {
		return err
	}
	return st.keepLinks(ctx, tx)
}

// keep returns expr when the file has the field; in an upsert without the
// column it keeps the updated row's stored value (old.col; new rows get
// expr), so a file of a few columns updates those and leaves the rest.
func (st *stagedTables) keep(field, expr, col string) string {
	if st.fields[field] || st.mode != ModeUpsert {
		return expr
	}
	return fmt.Sprintf("CASE WHEN old.id IS NOT NULL THEN old.%s ELSE %s END", col, expr)
}

// keepLinks restores, for the rows an upsert updated, the classifications
// and organisations of the columns the file did not have, from the archive
// the commit just wrote.
func (st *stagedTables) keepLinks(ctx context.Context, tx *sql.Tx) error {
	var missing []string
	for _, f := range Fields(KindProjects) {
		if (f.Type == typeTerm || f.Type == typeTerms) && f.Name != "lead_org_type" && !st.fields[f.Name] {
			missing = append(missing, "'"+f.Scheme+"'")
		}
	}
	if len(missing) > 0 {
		err := st.exec(ctx, tx, "kept terms", fmt.Sprintf(`
			INSERT INTO project_term SELECT * EXCLUDE (archived_by) FROM project_term_archive
			WHERE archived_by = %d AND project_id IN (SELECT id FROM %s) AND scheme_code IN (%s)`,
			st.id, st.t("_ids"), strings.Join(missing, ", ")))
		if err != nil {
			return err
		}
	}
	var roles []string
	if !st.fields["lead_org"] {
		roles = append(roles, "'lead'")
	}
	if !st.fields["partners"] {
		roles = append(roles, "'partner'")
	}
	if len(roles) == 0 {
		return nil
	}
	return st.exec(ctx, tx, "kept organisations", fmt.Sprintf(`
		INSERT INTO project_org SELECT * EXCLUDE (archived_by) FROM project_org_archive a
		WHERE archived_by = %d AND project_id IN (SELECT id FROM %s) AND role IN (%s)
		  AND NOT EXISTS (SELECT 1 FROM project_org p WHERE p.project_id = a.project_id AND p.org_id = a.org_id)`,
		st.id, st.t("_ids"), strings.Join(roles, ", ")))
}

func (st *stagedTables) commitOrganisations(ctx context.Context, tx *sql.Tx) error {
	if err := st.assignIDs(ctx, tx, "organisation", "organisation_id_seq", "begira_name_key(s.name)", "name_key"); err != nil {
		return err
	}
	if err := st.archive(ctx, tx, "organisation", "id"); err != nil {
		return err
	}
	return st.exec(ctx, tx, "organisations", fmt.Sprintf(`
		INSERT INTO organisation (id, mission_id, ext_ref, name, name_key, actor_type, size_class, founded_year, geo_code, batch_id)
		SELECT i.id, ?, %s, s.name, begira_name_key(s.name), %s, lower(%s), %s, %s, ?
		FROM %s s JOIN %s i ON i.line = s.line`,
		st.col("ext_ref"), st.term("actor_type"), st.col("size_class"), intExpr(st.col("founded_year")),
		geoExpr(st.col("municipality_code")), st.t(""), st.t("_ids")), st.mission, st.id)
}

func (st *stagedTables) commitSignals(ctx context.Context, tx *sql.Tx) error {
	if err := st.assignIDs(ctx, tx, "signal", "signal_id_seq", "s.ext_ref", "ext_ref"); err != nil {
		return err
	}
	for _, a := range [][2]string{{"signal_term", "signal_id"}, {"signal_project", "signal_id"}, {"signal", "id"}} {
		if err := st.archive(ctx, tx, a[0], a[1]); err != nil {
			return err
		}
	}
	ids := st.t("_ids")
	d := st.dialect
	err := st.exec(ctx, tx, "signals", fmt.Sprintf(`
		INSERT INTO signal (id, mission_id, ext_ref, headline, description, url, source_type, observed_at, status,
		                    novelty, level_observed, observer_actor_type, signal_type, sentiment, geo_code, batch_id)
		SELECT i.id, ?, s.ext_ref, s.headline, %s, %s, lower(%s), %s, coalesce(lower(%s), 'new'),
		       %s, %s, %s, lower(%s), lower(%s), %s, ?
		FROM %s s JOIN %s i ON i.line = s.line`,
		st.col("description"), st.col("url"), st.col("source_type"), dateExpr(st.col("observed_at"), d), st.col("status"),
		intExpr(st.col("novelty")), st.term("level_observed"), st.term("observer_actor_type"),
		st.col("signal_type"), st.col("sentiment"), geoExpr(st.col("municipality_code")),
		st.t(""), ids), st.mission, st.id)
	if err != nil {
		return err
	}
	err = st.exec(ctx, tx, "signal terms", fmt.Sprintf(`
		INSERT INTO signal_term (signal_id, scheme_code, term_code)
		SELECT DISTINCT i.id, t.scheme, t.code
		FROM %s t JOIN %s i ON i.line = t.line
		WHERE t.code IS NOT NULL AND t.field NOT IN ('level_observed', 'observer_actor_type')`, st.t("_terms"), ids))
	if err != nil {
		return err
	}
	return st.exec(ctx, tx, "signal projects", fmt.Sprintf(`
		INSERT INTO signal_project (signal_id, project_id, relation)
		SELECT DISTINCT i.id, r.project_id, 'informs'
		FROM %s r JOIN %s i ON i.line = r.line WHERE r.project_id IS NOT NULL`, st.t("_refs"), ids))
}
