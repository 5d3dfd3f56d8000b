package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// plausibilityCheck is one check: rows that import, but that an analyst
// should look at before committing (where is SQL over the staging view).
type plausibilityCheck struct {
	code, column, where, what string
}

// maxFlagLines bounds the lines a warning lists; its count has them all.
const maxFlagLines = 10

// plausibility warns of rows that are valid but unlikely: a year outside
// 1950–2100, a negative amount, public funding above the total budget, an
// end before the start. Each warning names the column, counts the rows and
// lists the first lines; the batch counts the rows flagged. Rejected rows
// are left out: they are already named.
func (s *Service) plausibility(ctx context.Context, b *portfolio.ImportBatch, st *staged, r *reading) error {
	var flags []plausibilityCheck
	for _, f := range Fields(b.Kind) {
		if !st.has(f.Name) {
			continue
		}
		c := ident(f.Name)
		switch f.Type {
		case typeDate:
			flags = append(flags, plausibilityCheck{WarnYearRange, f.Name, fmt.Sprintf(`NOT (year(%s) BETWEEN 1950 AND 2100)`, r.date(f.Name, c)),
				"a year outside 1950–2100"})
		case typeNumber:
			if strings.HasSuffix(f.Name, "_eur") {
				flags = append(flags, plausibilityCheck{WarnNegativeBudget, f.Name, fmt.Sprintf(`%s < 0`, r.number(f.Name, c)), "an amount below zero"})
			}
		}
	}
	if st.has("budget_total_eur") && st.has("public_funding_eur") {
		// A negative total is flagged on its own.
		total := r.number("budget_total_eur", ident("budget_total_eur"))
		flags = append(flags, plausibilityCheck{WarnFundingAboveTotal, "public_funding_eur", fmt.Sprintf(`%s > %s AND %s >= 0`,
			r.number("public_funding_eur", ident("public_funding_eur")), total, total),
			"public funding above the total budget"})
	}
	if st.has("start_date") && st.has("end_date") {
		flags = append(flags, plausibilityCheck{WarnEndBeforeStart, "end_date", fmt.Sprintf(`%s < %s`,
			r.date("end_date", ident("end_date")), r.date("start_date", ident("start_date"))), "an end date before the start date"})
	}
	if len(flags) == 0 {
		return nil
	}
	var sel, either []string
	for _, f := range flags {
		sel = append(sel, fmt.Sprintf(`count(*) FILTER (WHERE %[1]s), coalesce((list(line ORDER BY line) FILTER (WHERE %[1]s))[1:%[2]d], [])`, f.where, maxFlagLines))
		either = append(either, "coalesce("+f.where+", false)")
	}
	sel = append(sel, fmt.Sprintf(`count(*) FILTER (WHERE %s)`, strings.Join(either, " OR ")))
	counts := make([]int64, len(flags))
	lines := make([][]any, len(flags))
	var dst []any
	for i := range flags {
		dst = append(dst, &counts[i], &lines[i])
	}
	dst = append(dst, &b.RowsFlagged)
	q := fmt.Sprintf(`SELECT %s FROM %s WHERE line NOT IN (SELECT line FROM import_reject WHERE batch_id = ?)`, strings.Join(sel, ", "), st.table)
	if err := s.st.DB().QueryRowContext(ctx, q, b.ID).Scan(dst...); err != nil {
		return fmt.Errorf("ingest: plausibility: %w", err)
	}
	for i, f := range flags {
		if counts[i] == 0 {
			continue
		}
		w := portfolio.ImportWarning{Code: f.code, Column: st.header[f.column], Count: counts[i]}
		var shown []string
		for _, l := range lines[i] {
			if n, ok := l.(int64); ok {
				w.Lines = append(w.Lines, n)
				shown = append(shown, fmt.Sprint(n))
			}
		}
		more := ""
		if counts[i] > int64(len(shown)) {
			more = fmt.Sprintf(" and %d more", counts[i]-int64(len(shown)))
		}
		w.Message = fmt.Sprintf("%d row(s) have %s in column %q (line %s%s): they import as written; check them",
			counts[i], f.what, w.Column, strings.Join(shown, ", "), more)
		b.Warnings = append(b.Warnings, w)
	}
	return nil
}

// replaceWarning says how many stored rows a replace deletes: the
// mission's rows of the kind whose key no valid row of the file holds
// (organisations still linked to projects stay).
func (s *Service) replaceWarning(ctx context.Context, b *portfolio.ImportBatch, st *staged, missionID int64) error {
	if b.Mode != ModeReplace {
		return nil
	}
	ok := fmt.Sprintf(`SELECT %%s FROM %s WHERE line NOT IN (SELECT line FROM import_reject WHERE batch_id = ?)`, st.table)
	var q, noun string
	switch b.Kind {
	case KindProjects:
		q = `SELECT count(*) FROM project WHERE mission_id = ? AND ext_ref NOT IN (` + fmt.Sprintf(ok, "ext_ref") + `)`
		noun = "projects"
	case KindSignals:
		q = `SELECT count(*) FROM signal WHERE mission_id = ? AND ext_ref NOT IN (` + fmt.Sprintf(ok, "ext_ref") + `)`
		noun = "signals"
	default:
		q = `SELECT count(*) FROM organisation WHERE mission_id = ? AND name_key NOT IN (` + fmt.Sprintf(ok, "begira_name_key(name)") +
			`) AND id NOT IN (SELECT org_id FROM project_org)`
		noun = "organisations"
	}
	var n int64
	if err := s.st.DB().QueryRowContext(ctx, q, missionID, b.ID).Scan(&n); err != nil {
		return fmt.Errorf("ingest: replace count: %w", err)
	}
	if n == 0 {
		return nil
	}
	msg := fmt.Sprintf("replace deletes %d stored %s of the mission that the file does not hold", n, noun)
	if b.RowsRejected > 0 {
		msg += fmt.Sprintf(" (with skip_invalid; the %d rejected rows are not imported, so stored rows they would have replaced are deleted too)", b.RowsRejected)
	}
	b.Warnings = append(b.Warnings, portfolio.ImportWarning{Code: WarnReplaceDeletes, Count: n, Message: msg})
	return nil
}
