package snapshot

import (
	"context"
	"fmt"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// Week is an ISO 8601 week: Monday to Sunday, numbered within the year that
// holds its Thursday, written 2026-W44.
type Week struct{ Year, Num int }

// WeekOf is the ISO week of t's calendar date.
func WeekOf(t time.Time) Week {
	y, n := t.ISOWeek()
	return Week{y, n}
}

// ParseWeek reads "YYYY-Www" (2026-W44), refusing a week its year does not
// have.
func ParseWeek(s string) (Week, error) {
	var w Week
	if n, err := fmt.Sscanf(s, "%4d-W%2d", &w.Year, &w.Num); err != nil || n != 2 || len(s) != 8 ||
		w.Year < 1 || w.Num < 1 || w.Num > weeksIn(w.Year) {
		return Week{}, portfolio.Errorf(portfolio.EINVALID, "week=%q is not an ISO week such as 2026-W44", s)
	}
	return w, nil
}

// weeksIn is the number of ISO weeks of year: 28 December is always in
// its last.
func weeksIn(year int) int {
	_, n := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return n
}

func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Monday is the week's first day (a date at midnight UTC).
func (w Week) Monday() time.Time {
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC) // always in week 1
	week1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return week1.AddDate(0, 0, 7*(w.Num-1))
}

// Add is the week n weeks later (earlier when n < 0).
func (w Week) Add(n int) Week { return WeekOf(w.Monday().AddDate(0, 0, 7*n)) }

// Before says whether w comes before v.
func (w Week) Before(v Week) bool { return w.Year < v.Year || (w.Year == v.Year && w.Num < v.Num) }

// WeekCount is a week with the approved signals observed in it.
type WeekCount struct {
	Week    Week
	Signals int
}

// DigestWeek gathers the approved signals of the mission observed in ISO
// week w (Monday to Sunday on the mission's calendar), grouped as Digest
// groups them.
func (s *Service) DigestWeek(ctx context.Context, mission string, w Week) (*Digest, error) {
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	mon := w.Monday()
	return s.digest(ctx, m, mon.Format(time.DateOnly), mon.AddDate(0, 0, 7).Format(time.DateOnly))
}

// SignalWeeks counts the mission's approved signals per ISO week, for the
// weeks up to and including now's (in the mission's time zone) that have
// any, the latest first: the digest's default is the first.
func (s *Service) SignalWeeks(ctx context.Context, mission string, now time.Time) ([]WeekCount, error) {
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	next := WeekOf(s.today(m, now)).Add(1).Monday().Format(time.DateOnly)
	rows, err := s.st.SignalWeeks(ctx, m.ID, next)
	if err != nil {
		return nil, err
	}
	out := make([]WeekCount, len(rows))
	for i, r := range rows {
		out[i] = WeekCount{Week: WeekOf(r.Monday), Signals: r.Signals}
	}
	return out, nil
}

// today is now's calendar date in the mission's time zone, as a date at
// midnight UTC.
func (s *Service) today(m *portfolio.Mission, now time.Time) time.Time {
	d, _ := time.Parse(time.DateOnly, Today(now, m.Timezone))
	return d
}
