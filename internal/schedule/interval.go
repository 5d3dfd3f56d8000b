package schedule

import (
	"fmt"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// DefaultMinSnapshotInterval is the shortest time allowed between two
// scheduled snapshots unless the instance administrator says otherwise
// (--min-snapshot-interval): every snapshot is a frozen copy of a
// mission's figures, and "@every 1s" filled 83 MB in 30 s.
const DefaultMinSnapshotInterval = time.Hour

// Interval is the shortest time between two runs of spec: the smallest gap
// among its runs over eight days from a fixed start (a cron spec repeats
// at most weekly, but for its day-of-month fields; those gaps are longer),
// or the first 2,000 runs, whichever comes first.
func Interval(spec string) (time.Duration, error) {
	sched, err := ParseSpec("", "", spec)
	if err != nil {
		return 0, err
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 8)
	shortest := time.Duration(-1)
	prev := sched.Next(start)
	for i := 0; i < 2000 && !prev.IsZero() && prev.Before(end); i++ {
		next := sched.Next(prev)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(prev); shortest < 0 || gap < shortest {
			shortest = gap
		}
		prev = next
	}
	if shortest < 0 {
		shortest = end.Sub(start) // runs at most once in eight days
	}
	return shortest, nil
}

// CheckSnapshotSpec refuses a snapshot schedule that runs more often than
// min; where names the setting for the message.
func CheckSnapshotSpec(where, spec string, min time.Duration) error {
	if spec == "" || spec == Off || min <= 0 {
		return nil
	}
	d, err := Interval(spec)
	if err != nil {
		return err
	}
	if d < min {
		return portfolio.Errorf(portfolio.EINVALID,
			"%s %q takes a snapshot every %s; this server allows one every %s at most often (the administrator's --min-snapshot-interval)",
			where, spec, d, min)
	}
	return nil
}

// DropFrequentSnapshots removes from plan the snapshot jobs that run more
// often than min (documents stored before the limit), returning one line
// per job dropped for the log.
func DropFrequentSnapshots(plan []Planned, min time.Duration) ([]Planned, []string) {
	var kept []Planned
	var dropped []string
	for _, p := range plan {
		if p.Job == JobSnapshot {
			if err := CheckSnapshotSpec(fmt.Sprintf("mission %q: schedules.snapshot", p.Mission), p.Spec, min); err != nil {
				dropped = append(dropped, portfolio.ErrorMessage(err))
				continue
			}
		}
		kept = append(kept, p)
	}
	return kept, dropped
}
