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
		return nil, portfolio.Refusef(portfolio.ECONFLICT, "refusal.commit_status", "import %d is %s; only a previewed import can be committed",
			id, portfolio.Coded{Kind: "import_status", Value: b.Status})
	}
	if cols := unresolved(b); len(cols) > 0 {
		e := portfolio.Refusef(EAmbiguous, "refusal.commit_ambiguous",
			"import %d was not committed: the numbers of column(s) %s read both ways (see the warnings). Preview the file again choosing each one's decimal separator",
			id, strings.Join(cols, ", "))
		e.Details = cols
		return nil, e
	}
	if b.RowsOK == 0 {
		return nil, portfolio.Refusef(ERejected, "refusal.commit_all_rejected", "import %d was not committed: all %d rows were rejected", id, b.RowsTotal)
	}
	if b.RowsRejected > 0 && !skipInvalid {
		return nil, portfolio.Refusef(ERejected, "refusal.commit_rejected",
			"import %d was not committed: %d of %d rows were rejected. Fix them, or commit with skip_invalid to import the %d valid rows",
			id, b.RowsRejected, b.RowsTotal, b.RowsOK)
	}
	if ok, err := hasStaging(ctx, s.st.DB(), id); err != nil {
		return nil, fmt.Errorf("ingest: commit %d: %w", id, err)
	} else if !ok {
		return nil, portfolio.Refusef(portfolio.ECONFLICT, "refusal.commit_staging_gone",
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
	st := &stagedTables{id: id, catalog: s.st.Catalog(), mission: m.ID, now: s.now(), mode: b.Mode, dialect: b.Dialect, read: r,
		fields: map[string]bool{}, log: s.Log, trace: s.traceSQL}
	for _, c := range b.Columns {
		if c.Field != "" {
			st.fields[c.Field] = true
		}
	}
	s.progress.set(id, "committing", b.RowsOK, b.RowsOK)
	defer s.progress.done(id)
	// The mark outlives a process killed mid-commit (the transaction does
	// not): Recover discards such a preview at the next start. A commit
	// that fails here clears it, and the preview can be committed again.
	if err := s.st.MarkCommitStarted(ctx, id, s.now()); err != nil {
		return nil, err
	}
	heavy := s.st.Heavy() // readers out of memory wait for the commit (store.Heavy)
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
	heavy()
	if err != nil {
		s.st.ClearCommitStarted(context.WithoutCancel(ctx), id)
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

// stagedTables names the staging tables of a batch for the commit's
// statements (sql/commit.sql) and fills their holes.
type stagedTables struct {
	id      int64
	catalog string // the main database, where the commit's own tables go
	mission int64
	now     time.Time
	mode    string
	dialect portfolio.Dialect
	read    *reading
	fields  map[string]bool
	log     *slog.Logger
	trace   func(what, q string) // sees every statement run (tests)
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

// run fills the holes of statement name and runs it with the batch's
// parameters.
func (st *stagedTables) run(ctx context.Context, tx *sql.Tx, what, name string, h holes) error {
	return st.exec(ctx, tx, what, render(name, h))
}

func (st *stagedTables) exec(ctx context.Context, tx *sql.Tx, what, q string) error {
	start := time.Now()
	if st.trace != nil {
		st.trace(what, q)
	}
	if _, err := tx.ExecContext(ctx, q, params(q, st.id, st.mission, st.now)...); err != nil {
		return fmt.Errorf("ingest: commit %s: %w", what, err)
	}
	if st.log != nil {
		st.log.Debug("import step", "batch", st.id, "step", "commit "+what, "ms", time.Since(start).Milliseconds())
	}
	return nil
}

// term returns the matched code of a single-valued term field of a row.
func (st *stagedTables) term(field string) string {
	return render("term", holes{"terms": st.t("_terms"), "field": sqlString(field), "cell": st.col(field)})
}

// termRows selects the terms of every committed line (statement
// term-rows) of the term fields given.
func (st *stagedTables) termRows(fields []string) string {
	var cols []string
	for _, f := range fields {
		cols = append(cols, ident(f))
	}
	return render("term-rows", holes{"fields": strings.Join(cols, ", "), "staged": st.t(""), "ids": st.t("_ids"), "terms": st.t("_terms")})
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

// assignIDs maps each valid line to the id its row will have. displaced
// lists the existing rows the commit removes: the matched ones, and for
// replace every other row of the mission (except, for organisations, those
// still linked to projects).
func (st *stagedTables) assignIDs(ctx context.Context, tx *sql.Tx, table, seq, keyExpr, existingKey string) error {
	err := st.run(ctx, tx, "ids", "ids", holes{"ids": st.t("_ids"), "seq": seq, "staged": st.t(""), "table": table,
		"key": existingKey, "key_expr": keyExpr, "ok_lines": render("ok-lines", holes{"staged": st.t("")})})
	if err != nil {
		return err
	}
	gone := holes{"gone": st.t("_gone"), "ids": st.t("_ids")}
	name := "gone-matched"
	if st.mode == ModeReplace {
		name, gone = "gone-mission", holes{"gone": st.t("_gone"), "table": table}
		if table == "organisation" {
			name, gone = "gone-mission-organisations", holes{"gone": st.t("_gone"), "ids": st.t("_ids")}
		}
	}
	if err := st.run(ctx, tx, "displaced rows", name, gone); err != nil {
		return err
	}
	q := render("count-gone", holes{"gone": st.t("_gone")})
	if st.trace != nil {
		st.trace("count displaced", q)
	}
	if err := tx.QueryRowContext(ctx, q).Scan(&st.displaced); err != nil {
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
	h := holes{"table": table, "col": col, "gone": st.t("_gone")}
	if err := st.run(ctx, tx, "archive "+table, "archive", h); err != nil {
		return err
	}
	return st.run(ctx, tx, "delete "+table, "delete-archived", h)
}

func (st *stagedTables) commitProjects(ctx context.Context, tx *sql.Tx) error {
	if err := st.assignIDs(ctx, tx, "project", "project_id_seq", "s.ext_ref", "ext_ref"); err != nil {
		return err
	}
	for _, a := range [][2]string{{"project_term_link", "project_id"}, {"project_org", "project_id"}, {"project", "id"}} {
		if err := st.archive(ctx, tx, a[0], a[1]); err != nil {
			return err
		}
	}
	links := holes{"gone": st.t("_gone"), "ids": st.t("_ids")}
	if st.displaced > 0 {
		if err := st.run(ctx, tx, "archive signal links", "archive-signal-links", links); err != nil {
			return err
		}
		if err := st.run(ctx, tx, "delete signal links", "delete-signal-links", links); err != nil {
			return err
		}
	}
	hasOrgs := st.fields["lead_org"] || st.fields["partners"]
	if hasOrgs {
		if err := st.run(ctx, tx, "organisation names", "names", holes{"names": st.t("_names"), "mentions": st.orgMentions()}); err != nil {
			return err
		}
		if err := st.run(ctx, tx, "organisations", "new-organisations", holes{"names": st.t("_names")}); err != nil {
			return err
		}
	}
	leads := render("no-leads", nil)
	if st.fields["lead_org"] {
		leads = render("leads", holes{"names": st.t("_names")})
	}
	old := ""
	if st.mode == ModeUpsert {
		old = render("old-projects", nil)
	}
	err := st.run(ctx, tx, "projects", "projects", holes{
		"summary":            st.keep("summary", st.col("summary"), "summary"),
		"status":             st.keep("status", fmt.Sprintf("coalesce(%s, 'active')", st.enum(KindProjects, "status")), "status"),
		"lead_org_id":        st.keep("lead_org", "lead.id", "lead_org_id"),
		"budget_total_eur":   st.keep("budget_total_eur", st.number("budget_total_eur"), "budget_total_eur"),
		"public_funding_eur": st.keep("public_funding_eur", st.number("public_funding_eur"), "public_funding_eur"),
		"funding_instrument": st.keep("funding_instrument", st.col("funding_instrument"), "funding_instrument"),
		"start_date":         st.keep("start_date", st.date("start_date"), "start_date"),
		"end_date":           st.keep("end_date", st.date("end_date"), "end_date"),
		"stage_entered_at":   st.keep("start_date", st.date("start_date"), "stage_entered_at"),
		"geo_code":           st.keep("municipality_code", st.geo(), "geo_code"),
		"lat":                st.keep("lat", st.number("lat"), "lat"),
		"lon":                st.keep("lon", st.number("lon"), "lon"),
		"intent":             st.keep("intent", st.col("intent"), "intent"),
		"updated_at":         st.keep("updated_at", st.date("updated_at"), "updated_at"),
		"staged":             st.t(""), "ids": st.t("_ids"), "leads": leads, "lead_org": st.col("lead_org"), "old": old,
	})
	if err != nil {
		return err
	}
	if fields := st.termFields(KindProjects, "lead_org_type"); len(fields) > 0 {
		if err := st.run(ctx, tx, "term keys", "term-keys", holes{"terms": st.t("_terms")}); err != nil {
			return err
		}
		var cols []string
		for _, f := range fields {
			cols = append(cols, ident(f))
		}
		err := st.run(ctx, tx, "project terms", "project-terms", holes{"fields": strings.Join(cols, ", "), "staged": st.t(""),
			"ids": st.t("_ids"), "terms": st.t("_terms")})
		if err != nil {
			return err
		}
	}
	if hasOrgs {
		err := st.run(ctx, tx, "project organisations", "project-organisations", holes{"mentions": st.orgMentions(), "names": st.t("_names")})
		if err != nil {
			return err
		}
	}
	if st.mode != ModeUpsert {
		return nil
	}
	return st.keepLinks(ctx, tx)
}

// orgMentions selects every organisation a committed line names
// (statement org-mentions).
func (st *stagedTables) orgMentions() string {
	leadType, leadTypeJoin := "NULL::VARCHAR", ""
	if st.fields["lead_org_type"] {
		leadType = "lt.code"
		leadTypeJoin = render("lead-type-join", holes{"terms": st.t("_terms")})
	}
	partners := "NULL::VARCHAR"
	if st.fields["partners"] {
		partners = ident("partners")
	}
	return render("org-mentions", holes{"lead_org": st.col("lead_org"), "lead_type": leadType, "staged": st.t(""), "ids": st.t("_ids"),
		"lead_type_join": leadTypeJoin, "partner_lines": splitLines(st.t(""), partners, listSeparator(st.dialect))})
}

// keep returns expr when the file has the field; in an upsert without the
// column it keeps the updated row's stored value (old.col; new rows get
// expr), so a file of a few columns updates those and leaves the rest.
func (st *stagedTables) keep(field, expr, col string) string {
	if st.fields[field] || st.mode != ModeUpsert {
		return expr
	}
	return render("keep", holes{"col": col, "expr": expr})
}

// keepLinks restores, for the rows an upsert updated, the classifications
// and organisations of the columns the file did not have, from the archive
// the commit just wrote.
func (st *stagedTables) keepLinks(ctx context.Context, tx *sql.Tx) error {
	var missing []string
	for _, f := range Fields(KindProjects) {
		if (f.Type == typeTerm || f.Type == typeTerms) && f.Name != "lead_org_type" && !st.fields[f.Name] {
			missing = append(missing, sqlString(f.Scheme))
		}
	}
	if len(missing) > 0 {
		if err := st.run(ctx, tx, "kept terms", "kept-terms", holes{"ids": st.t("_ids"), "schemes": strings.Join(missing, ", ")}); err != nil {
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
	return st.run(ctx, tx, "kept organisations", "kept-organisations", holes{"ids": st.t("_ids"), "roles": strings.Join(roles, ", ")})
}

func (st *stagedTables) commitOrganisations(ctx context.Context, tx *sql.Tx) error {
	if err := st.assignIDs(ctx, tx, "organisation", "organisation_id_seq", "begira_name_key(s.name)", "name_key"); err != nil {
		return err
	}
	if err := st.archive(ctx, tx, "organisation", "id"); err != nil {
		return err
	}
	return st.run(ctx, tx, "organisations", "organisations", holes{
		"ext_ref": st.col("ext_ref"), "actor_type": st.term("actor_type"), "size_class": st.enum(KindOrganisations, "size_class"),
		"founded_year": intExpr(st.col("founded_year")), "geo_code": st.geo(), "staged": st.t(""), "ids": st.t("_ids"),
	})
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
	err := st.run(ctx, tx, "signals", "signals", holes{
		"description": st.col("description"), "url": st.col("url"), "source_type": st.enum(KindSignals, "source_type"),
		"observed_at": st.date("observed_at"), "status": st.enum(KindSignals, "status"), "novelty": intExpr(st.col("novelty")),
		"level_observed": st.term("level_observed"), "observer_actor_type": st.term("observer_actor_type"),
		"signal_type": st.enum(KindSignals, "signal_type"), "sentiment": st.enum(KindSignals, "sentiment"), "geo_code": st.geo(),
		"staged": st.t(""), "ids": st.t("_ids"),
	})
	if err != nil {
		return err
	}
	if fields := st.termFields(KindSignals, "level_observed", "observer_actor_type"); len(fields) > 0 {
		if err := st.run(ctx, tx, "signal terms", "signal-terms", holes{"term_rows": st.termRows(fields)}); err != nil {
			return err
		}
	}
	return st.run(ctx, tx, "signal projects", "signal-projects", holes{"refs": st.t("_refs"), "ids": st.t("_ids")})
}
