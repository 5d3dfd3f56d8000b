package metrics

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// portfolioEarlyStage is the last ordinal of an "early" stage (C8): explore
// and design in the default pipeline.
const portfolioEarlyStage = 2

// portfolioFreshDays is C20's freshness window.
const portfolioFreshDays = 180

// portfolioToday is e.Now's calendar date in the mission's time zone, as
// yyyy-mm-dd, shifted by days.
func portfolioToday(e *Env, days int) string {
	y, m, d := e.Now.In(e.Location()).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// portfolioC8 computes the stage pipeline: per stage term the count and the
// budget, the early share (projects in stages with ordinal ≤ 2 among the
// staged ones), the untagged and NULL-budget counts, and the median days in
// the current stage. Stage rows are skipped when the mission has no stage
// scheme; the median needs only stage_entered_at.
func portfolioC8(ctx context.Context, e *Env) ([]Value, error) {
	var out []Value
	if sc := e.Mission.Scheme("stage"); sc != nil {
		sh, err := portfolioSharesOf(ctx, e, "stage")
		if err != nil {
			return nil, err
		}
		early := 0.0
		for _, t := range sh.Terms {
			out = append(out,
				val("C8", float64(t.NFull), sh.Tagged, "stage", t.Code, "measure", "count"),
				val("C8", t.BudgetFrac, t.NFullBudgeted, "stage", t.Code, "measure", "budget"))
			ord := t.Ordinal
			if ord == 0 { // a nominal stage scheme: its document order
				for i := range sc.Terms {
					if sc.Terms[i].Code == t.Code {
						ord = i + 1
					}
				}
			}
			if ord <= portfolioEarlyStage {
				early += t.NFrac
			}
		}
		if sh.Tagged == 0 {
			out = append(out, null("C8", 0, "measure", "early_share"))
		} else {
			out = append(out, val("C8", early/float64(sh.Tagged), sh.Tagged, "measure", "early_share"))
		}
		out = append(out,
			val("C8", float64(sh.Untagged()), sh.InScope, "measure", "untagged"),
			val("C8", float64(sh.BudgetNull()), sh.Tagged, "measure", "budget_null"))
	}
	days, err := portfolioStageDays(ctx, e)
	if err != nil {
		return nil, err
	}
	n := int64(len(days))
	if n == 0 {
		return append(out, null("C8", 0, "measure", "median_days_in_stage")), nil
	}
	return append(out, val("C8", portfolioMedian(days), n, "measure", "median_days_in_stage")), nil
}

// portfolioStageDays lists now − stage_entered_at in whole days (today in
// the mission's time zone) for the projects in scope that have the date. A
// date in the future (a planned project not yet started) counts as 0 days:
// the project is in its stage, just not for long.
func portfolioStageDays(ctx context.Context, e *Env) ([]float64, error) {
	rows, err := e.Query(ctx, "c8_stage_days", portfolioToday(e, 0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var days []float64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("metrics: c8_stage_days: %w", err)
		}
		days = append(days, float64(max(d, 0)))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: c8_stage_days: %w", err)
	}
	return days, nil
}

// portfolioMedian is the median of xs (the mean of the middle two for an
// even count); xs must not be empty.
func portfolioMedian(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// portfolioC15 computes leverage = Σ budget(layer 2, 3) / Σ budget(layer 1),
// null when the base budget is 0; n = projects with a layer. The projects
// with a layer but a NULL budget are reported as budget_null.
func portfolioC15(ctx context.Context, e *Env) ([]Value, error) {
	var followOn, base float64
	var layered, budgetNull int64
	if err := portfolioQueryRow(ctx, e, "c15_leverage", nil, &followOn, &base, &layered, &budgetNull); err != nil {
		return nil, err
	}
	out := []Value{val("C15", float64(budgetNull), layered, "measure", "budget_null")}
	if base <= 0 {
		return append(out, null("C15", layered, "measure", "leverage")), nil
	}
	return append(out, val("C15", followOn/base, layered, "measure", "leverage")), nil
}

// portfolioRequired are C20's required fields; scheme fields count only
// when the mission has the scheme (otherwise they could never be filled).
var portfolioRequired = []struct{ field, scheme string }{
	{"title", ""}, {"level", "level"}, {"stage", "stage"}, {"pillars", "pillar"},
	{"budget_total_eur", ""}, {"municipality_code", ""}, {"lead_org", ""}, {"start_date", ""},
}

// portfolioC20 computes data health: fresh_share = projects updated on or
// after today − 180 days / projects in scope (a missing updated_at is not
// fresh); completeness = the mean over projects of (required fields filled /
// required fields), which equals Σ_fields filled / (F · n) because every
// field weighs the same. Each field's filled share is reported too
// ({field, measure: filled_share}) so the data-health view can say which.
func portfolioC20(ctx context.Context, e *Env) ([]Value, error) {
	var n, fresh int64
	filled := make([]int64, len(portfolioRequired))
	dest := []any{&n, &fresh}
	for i := range filled {
		dest = append(dest, &filled[i])
	}
	if err := portfolioQueryRow(ctx, e, "c20_health", []any{portfolioToday(e, -portfolioFreshDays)}, dest...); err != nil {
		return nil, err
	}
	if n == 0 {
		out := []Value{null("C20", 0, "measure", "fresh_share"), null("C20", 0, "measure", "completeness")}
		for _, f := range portfolioRequired {
			if f.scheme == "" || e.Mission.Scheme(f.scheme) != nil {
				out = append(out, null("C20", 0, "field", f.field, "measure", "filled_share"))
			}
		}
		return out, nil
	}
	out := []Value{val("C20", float64(fresh)/float64(n), n, "measure", "fresh_share")}
	var sum, fields int64
	var perField []Value
	for i, f := range portfolioRequired {
		if f.scheme != "" && e.Mission.Scheme(f.scheme) == nil {
			continue
		}
		sum += filled[i]
		fields++
		perField = append(perField, val("C20", float64(filled[i])/float64(n), n, "field", f.field, "measure", "filled_share"))
	}
	out = append(out, val("C20", float64(sum)/float64(fields*n), n, "measure", "completeness"))
	return append(out, perField...), nil
}
