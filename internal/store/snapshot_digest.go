package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// DigestSignals lists a mission's approved signals observed in [from, to)
// (local calendar dates, YYYY-MM-DD), one row per term they carry, newest
// first. observed_at is a date, so comparing it with the mission's local
// dates makes the window half-open in the mission's time zone.
func (s *Store) DigestSignals(ctx context.Context, missionID int64, from, to string) ([]portfolio.DigestSignal, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT coalesce(st.scheme_code, ''), coalesce(st.term_code, ''), g.ext_ref, g.headline,
		       coalesce(g.url, ''), g.observed_at
		FROM signal g LEFT JOIN signal_term st ON st.signal_id = g.id
		WHERE g.mission_id = $1 AND g.status = 'approved'
		  AND g.observed_at >= $2::DATE AND g.observed_at < $3::DATE
		ORDER BY g.observed_at DESC, g.ext_ref, st.scheme_code, st.term_code`, missionID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: digest signals: %w", err)
	}
	defer rows.Close()
	out := []portfolio.DigestSignal{}
	for rows.Next() {
		var d portfolio.DigestSignal
		var observed sql.NullTime
		if err := rows.Scan(&d.Scheme, &d.Term, &d.ExtRef, &d.Headline, &d.URL, &observed); err != nil {
			return nil, fmt.Errorf("store: digest signals: %w", err)
		}
		d.ObservedAt = observed.Time
		out = append(out, d)
	}
	return out, rows.Err()
}

// SignalWeeks counts a mission's approved signals per ISO week (DuckDB's
// weeks start on Monday) observed before the date before (YYYY-MM-DD), the
// latest week first.
func (s *Store) SignalWeeks(ctx context.Context, missionID int64, before string) ([]portfolio.SignalWeek, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT date_trunc('week', g.observed_at)::DATE AS monday, count(*)
		FROM signal g
		WHERE g.mission_id = $1 AND g.status = 'approved' AND g.observed_at < $2::DATE
		GROUP BY monday ORDER BY monday DESC`, missionID, before)
	if err != nil {
		return nil, fmt.Errorf("store: signal weeks: %w", err)
	}
	defer rows.Close()
	out := []portfolio.SignalWeek{}
	for rows.Next() {
		var w portfolio.SignalWeek
		if err := rows.Scan(&w.Monday, &w.Signals); err != nil {
			return nil, fmt.Errorf("store: signal weeks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
