package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
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
func (s *Service) Commit(ctx context.Context, id int64, skipInvalid bool) (*portfolio.ImportBatch, error) {
	b, err := s.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != portfolio.ImportPreviewed {
		return nil, portfolio.Errorf(portfolio.ECONFLICT, "import %d is %s; only a previewed import can be committed", id, b.Status)
	}
	if cols := unresolved(b); len(cols) > 0 {
		return nil, &portfolio.Error{Code: EAmbiguous, Details: cols, Message: fmt.Sprintf(
			"import %d was not committed: the numbers of column(s) %s read both ways (see the warnings). Preview the file again choosing each one's decimal separator",
			id, strings.Join(cols, ", "))}
	}
	if b.RowsOK == 0 {
		return nil, portfolio.Errorf(ERejected, "import %d was not committed: all %d rows were rejected", id, b.RowsTotal)
	}
	if b.RowsRejected > 0 && !skipInvalid {
		return nil, &portfolio.Error{Code: ERejected, Message: fmt.Sprintf(
			"import %d was not committed: %d of %d rows were rejected. Fix them, or commit with skip_invalid to import the %d valid rows",
			id, b.RowsRejected, b.RowsTotal, b.RowsOK)}
	}
	if ok, err := hasStaging(ctx, s.st.DB(), id); err != nil {
		return nil, fmt.Errorf("ingest: commit %d: %w", id, err)
	} else if !ok {
		return nil, portfolio.Errorf(portfolio.ECONFLICT,
			"import %d can no longer be committed: its staged copy of the file is gone (it was previewed before an upgrade, or its staging was cleared). Upload the file again", id)
	}
	m, err := s.st.Mission(ctx, b.Mission)
	if err != nil {
		return nil, err
	}
	r, err := newReading(ctx, s.st.DB(), b)
	if err != nil {
		return nil, err
	}
	st := &stagedTables{id: id, catalog: s.st.Catalog(), mission: m.ID, mode: b.Mode, dialect: b.Dialect, read: r, fields: map[string]bool{}, log: s.Log}
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
		if err := s.st.MarkImportCommitted(ctx, tx, id, s.now()); err != nil {
			return err
		}
		if err := s.st.Audit(ctx, tx, store.AuditEntry{Action: "import.commit", Mission: b.Mission, Target: fmt.Sprintf("import:%d", id),
			Before: store.Summary(map[string]string{"status": portfolio.ImportPreviewed}),
			After: store.Summary(map[string]any{"status": portfolio.ImportCommitted, "kind": b.Kind, "mode": b.Mode, "filename": b.Filename,
				"sha256": b.SHA256, "rows_ok": b.RowsOK, "rows_rejected": b.RowsRejected, "skip_invalid": skipInvalid})}); err != nil {
			return err
		}
		dropCommitTables(ctx, tx, s.st.Catalog(), id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	dropStaging(ctx, s.st.DB(), s.st.Catalog(), id)
	s.notifyCommitted(b.Mission)
	return s.Batch(ctx, id)
}

// unresolved lists the headers of the number columns whose convention
// nothing settled: committing them would store whichever reading was
// guessed.
func unresolved(b *portfolio.ImportBatch) []string {
	var out []string
	for _, c := range b.Columns {
		if c.Decimal != "" && c.Decided == portfolio.DecidedAmbiguous {
			out = append(out, c.Header)
		}
	}
	return out
}

// Import previews and, when the file is clean (or skipInvalid), commits.
// The returned batch says which happened.
func (s *Service) Import(ctx context.Context, req Request, skipInvalid bool) (*portfolio.ImportBatch, error) {
	b, err := s.Preview(ctx, req)
	if err != nil {
		return nil, err
	}
	return s.Commit(ctx, b.ID, skipInvalid)
}

// stagedTables names the staging tables of a batch for the commit queries.
type stagedTables struct {
	id      int64
	catalog string // the main database, where the commit's own tables go
	mission int64
	mode    string
	dialect portfolio.Dialect
	read    *reading
	fields  map[string]bool
	log     *slog.Logger
	// displaced counts the existing rows the commit replaces or deletes
	// (set by assignIDs).
	displaced int64
}

func (st *stagedTables) t(suffix string) string {
	if slices.Contains(commitSuffixes, suffix) {
		return commitTable(st.catalog, st.id, suffix)
	}
	return stagingTable(st.id, suffix)
}

func (st *stagedTables) col(field string) string {
	if st.fields[field] {
		return "s." + ident(field)
	}
	return "NULL::VARCHAR"
}

// okRows selects the lines of the batch without a reject.
// number, date, geo and enum read a cell of the field as its column is
// written (NULL::VARCHAR's reading when the file lacks the field).
func (st *stagedTables) number(field string) string { return st.read.number(field, st.col(field)) }
func (st *stagedTables) date(field string) string   { return st.read.date(field, st.col(field)) }
func (st *stagedTables) geo() string                { return st.read.geo(st.col("municipality_code")) }
func (st *stagedTables) enum(kind, field string) string {
	for _, f := range Fields(kind) {
		if f.Name == field {
			return enumExpr(f, st.col(field))
		}
	}
	panic("ingest: no enum field " + field)
}

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

// term returns the matched code of a single-valued term field of a row,
// looked up in the batch's dictionary of term cells.
func (st *stagedTables) term(field string) string {
	return fmt.Sprintf(`(SELECT any_value(code) FROM %s x WHERE x.field = '%s' AND x.cell = %s)`, st.t("_terms"), field, st.col(field))
}

// termRows selects the terms of every committed line: id, scheme, code and
// is_primary (the cell's first value), one row per distinct code of a
// cell. fields are the term fields to read; each cell is looked up in the
// dictionary of term cells, where its values were matched in preview.
func (st *stagedTables) termRows(fields []string) string {
	var cols []string
	for _, f := range fields {
		cols = append(cols, ident(f))
	}
	return fmt.Sprintf(`
		SELECT c.id, t.scheme, t.code, t.is_primary
		FROM (UNPIVOT (SELECT i.id, %[1]s FROM %[2]s s JOIN %[3]s i ON i.line = s.line) ON %[1]s INTO NAME field VALUE cell) c
		JOIN (SELECT field, scheme, cell, code, min(pos) = 1 AS is_primary FROM %[4]s
		      WHERE code IS NOT NULL GROUP BY field, scheme, cell, code) t ON t.field = c.field AND t.cell = c.cell`,
		strings.Join(cols, ", "), st.t(""), st.t("_ids"), st.t("_terms"))
}

// termFields lists the mapped term fields of kind, but those in skip.
func (st *stagedTables) termFields(kind string, skip ...string) []string {
	var out []string
	for _, f := range Fields(kind) {
		if (f.Type == typeTerm || f.Type == typeTerms) && st.fields[f.Name] && !slices.Contains(skip, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
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
	if err := st.exec(ctx, tx, "displaced rows", fmt.Sprintf(`CREATE TABLE %s AS %s`, st.t("_gone"), displaced)); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+st.t("_gone")).Scan(&st.displaced); err != nil {
		return fmt.Errorf("ingest: commit displaced rows: %w", err)
	}
	return nil
}

// archive copies the rows of table whose column col is among the displaced
// ids into its archive, then deletes them.
func (st *stagedTables) archive(ctx context.Context, tx *sql.Tx, table, col string) error {
	if st.displaced == 0 {
		return nil // an append, or an upsert of new rows only: nothing to keep
	}
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
	var err error
	if st.displaced > 0 {
		err = st.exec(ctx, tx, "archive signal links", fmt.Sprintf(`
		INSERT INTO signal_project_archive SELECT %d, * FROM signal_project
		WHERE project_id IN (SELECT id FROM %s) AND project_id NOT IN (SELECT id FROM %s)`, st.id, st.t("_gone"), ids))
		if err == nil {
			err = st.exec(ctx, tx, "delete signal links", fmt.Sprintf(`
			DELETE FROM signal_project WHERE project_id IN (SELECT id FROM %s) AND project_id NOT IN (SELECT id FROM %s)`, st.t("_gone"), ids))
		}
		if err != nil {
			return err
		}
	}
	// Organisations named as lead or partner are matched by normalised name
	// and created when new; the lead's type comes from lead_org_type.
	hasOrgs := st.fields["lead_org"] || st.fields["partners"]
	if hasOrgs {
		if err := st.stageNames(ctx, tx); err != nil {
			return err
		}
		err = st.exec(ctx, tx, "organisations", fmt.Sprintf(`
			INSERT INTO organisation (mission_id, name, name_key, actor_type, batch_id)
			SELECT ?, arg_min(name, first_line), name_key, arg_min(lead_type, lead_type_line), ?
			FROM %s
			WHERE name_key NOT IN (SELECT name_key FROM organisation WHERE mission_id = ?)
			GROUP BY name_key`, st.t("_names")), st.mission, st.id, st.mission)
		if err != nil {
			return err
		}
	}
	lead := "SELECT NULL::VARCHAR AS name, NULL::BIGINT AS id WHERE false"
	if st.fields["lead_org"] {
		lead = fmt.Sprintf(`SELECT n.name, o.id FROM %s n JOIN organisation o ON o.mission_id = %d AND o.name_key = n.name_key`,
			st.t("_names"), st.mission)
	}
	// The archived row is read only by an upsert keeping the columns the
	// file lacks (see keep).
	old := ""
	if st.mode == ModeUpsert {
		old = fmt.Sprintf(`LEFT JOIN project_archive old ON old.archived_by = %d AND old.id = i.id`, st.id)
	}
	err = st.exec(ctx, tx, "projects", fmt.Sprintf(`
		INSERT INTO project (id, mission_id, ext_ref, title, summary, status, lead_org_id, budget_total_eur,
		                     public_funding_eur, funding_instrument, start_date, end_date, stage_entered_at, geo_code,
		                     lat, lon, intent, updated_at, batch_id)
		SELECT i.id, ?, s.ext_ref, s.title, %s, %s,
		       %s,
		       %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, ?
		FROM %s s JOIN %s i ON i.line = s.line
		LEFT JOIN (%s) lead ON lead.name = %s
		%s`,
		st.keep("summary", st.col("summary"), "summary"), st.keep("status", fmt.Sprintf("coalesce(%s, 'active')", st.enum(KindProjects, "status")), "status"),
		st.keep("lead_org", "lead.id", "lead_org_id"),
		st.keep("budget_total_eur", st.number("budget_total_eur"), "budget_total_eur"),
		st.keep("public_funding_eur", st.number("public_funding_eur"), "public_funding_eur"),
		st.keep("funding_instrument", st.col("funding_instrument"), "funding_instrument"),
		st.keep("start_date", st.date("start_date"), "start_date"),
		st.keep("end_date", st.date("end_date"), "end_date"),
		st.keep("start_date", st.date("start_date"), "stage_entered_at"),
		st.keep("municipality_code", st.geo(), "geo_code"),
		st.keep("lat", st.number("lat"), "lat"), st.keep("lon", st.number("lon"), "lon"),
		st.keep("intent", st.col("intent"), "intent"), st.keep("updated_at", st.date("updated_at"), "updated_at"),
		st.t(""), ids, lead, st.col("lead_org"), old), st.mission, st.id)
	if err != nil {
		return err
	}
	if fields := st.termFields(KindProjects, "lead_org_type"); len(fields) > 0 {
		err = st.exec(ctx, tx, "project terms", `INSERT INTO project_term (project_id, scheme_code, term_code, is_primary) `+st.termRows(fields))
		if err != nil {
			return err
		}
	}
	if hasOrgs {
		err = st.exec(ctx, tx, "project organisations", fmt.Sprintf(`
			INSERT INTO project_org (project_id, org_id, role)
			SELECT r.id, o.id, min(r.role)  -- 'lead' sorts before 'partner': a lead listed as partner stays lead
			FROM (%s) r JOIN %s n ON n.name = r.name
			JOIN organisation o ON o.mission_id = ? AND o.name_key = n.name_key
			GROUP BY r.id, o.id`, st.orgMentions(), st.t("_names")), st.mission)
		if err != nil {
			return err
		}
	}
	if st.mode != ModeUpsert {
		return nil
	}
	return st.keepLinks(ctx, tx)
}

// orgMentions selects every organisation a committed line names: i.id (the
// row's id), line, role (lead or partner), name and, for a lead, the code
// of the line's lead_org_type.
func (st *stagedTables) orgMentions() string {
	leadType, leadTypeJoin := "NULL::VARCHAR", ""
	if st.fields["lead_org_type"] {
		leadType = "lt.code"
		leadTypeJoin = fmt.Sprintf(`LEFT JOIN (SELECT cell, any_value(code) AS code FROM %s WHERE field = 'lead_org_type' GROUP BY cell) lt
			ON lt.cell = s.lead_org_type`, st.t("_terms"))
	}
	partners := "NULL::VARCHAR"
	if st.fields["partners"] {
		partners = ident("partners")
	}
	return fmt.Sprintf(`
		SELECT i.id, s.line, 'lead' AS role, %s AS name, %s AS lead_type
		FROM %s s JOIN %s i ON i.line = s.line %s
		WHERE %s IS NOT NULL
		UNION ALL
		SELECT i.id, p.line, 'partner', p.raw, NULL
		FROM (%s) p JOIN %s i ON i.line = p.line WHERE p.raw <> ''`,
		st.col("lead_org"), leadType, st.t(""), st.t("_ids"), leadTypeJoin, st.col("lead_org"),
		splitLines(st.t(""), partners, listSeparator(st.dialect)), st.t("_ids"))
}

// stageNames writes the batch's dictionary of organisation names (_names):
// every name its committed lines use, its key, the first line naming it,
// and the type given with it on the first line naming it as a lead with a
// type.
func (st *stagedTables) stageNames(ctx context.Context, tx *sql.Tx) error {
	return st.exec(ctx, tx, "organisation names", fmt.Sprintf(`
		CREATE TABLE %s AS
		SELECT name, begira_name_key(name) AS name_key, min(line) AS first_line,
		       arg_min(lead_type, line) FILTER (WHERE role = 'lead') AS lead_type,
		       min(line) FILTER (WHERE role = 'lead' AND lead_type IS NOT NULL) AS lead_type_line
		FROM (%s) GROUP BY name`, st.t("_names"), st.orgMentions()))
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
		SELECT i.id, ?, %s, s.name, begira_name_key(s.name), %s, %s, %s, %s, ?
		FROM %s s JOIN %s i ON i.line = s.line`,
		st.col("ext_ref"), st.term("actor_type"), st.enum(KindOrganisations, "size_class"), intExpr(st.col("founded_year")),
		st.geo(), st.t(""), st.t("_ids")), st.mission, st.id)
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
	err := st.exec(ctx, tx, "signals", fmt.Sprintf(`
		INSERT INTO signal (id, mission_id, ext_ref, headline, description, url, source_type, observed_at, status,
		                    novelty, level_observed, observer_actor_type, signal_type, sentiment, geo_code, batch_id)
		SELECT i.id, ?, s.ext_ref, s.headline, %s, %s, %s, %s, coalesce(%s, 'new'),
		       %s, %s, %s, %s, %s, %s, ?
		FROM %s s JOIN %s i ON i.line = s.line`,
		st.col("description"), st.col("url"), st.enum(KindSignals, "source_type"), st.date("observed_at"), st.enum(KindSignals, "status"),
		intExpr(st.col("novelty")), st.term("level_observed"), st.term("observer_actor_type"),
		st.enum(KindSignals, "signal_type"), st.enum(KindSignals, "sentiment"), st.geo(),
		st.t(""), ids), st.mission, st.id)
	if err != nil {
		return err
	}
	if fields := st.termFields(KindSignals, "level_observed", "observer_actor_type"); len(fields) > 0 {
		err = st.exec(ctx, tx, "signal terms", `INSERT INTO signal_term (signal_id, scheme_code, term_code)
			SELECT DISTINCT id, scheme, code FROM (`+st.termRows(fields)+`)`)
		if err != nil {
			return err
		}
	}
	return st.exec(ctx, tx, "signal projects", fmt.Sprintf(`
		INSERT INTO signal_project (signal_id, project_id, relation)
		SELECT DISTINCT i.id, r.project_id, 'informs'
		FROM %s r JOIN %s i ON i.line = r.line WHERE r.project_id IS NOT NULL`, st.t("_refs"), ids))
}
