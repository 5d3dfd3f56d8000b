package alert

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// JobFinished is told of every finished job run: a failed pull is an
// import_failed event, and a second failure in a row of any job a
// job_failed_twice event. A job of the whole server (mission "": backup,
// prune) is raised in every mission, whose rules then decide.
func (a *Alerter) JobFinished(job, mission, status, errText string) {
	if a == nil {
		return
	}
	key := job + "|" + mission
	a.mu.Lock()
	if a.failures == nil {
		a.failures = map[string]int{}
	}
	if status == "failed" {
		a.failures[key]++
	} else if status == "ok" {
		a.failures[key] = 0
	}
	n := a.failures[key]
	a.mu.Unlock()
	if status != "failed" {
		return
	}
	details := map[string]any{"job": job, "error": errText, "failures_in_a_row": n}
	if strings.HasPrefix(job, portfolio.JobPullPrefix) {
		a.raiseIn(mission, Event{Kind: portfolio.AlertImportFailed, Details: details,
			Summary: fmt.Sprintf("The scheduled pull %s failed: %s", strings.TrimPrefix(job, portfolio.JobPullPrefix), errText)})
	}
	if n == 2 {
		a.raiseIn(mission, Event{Kind: portfolio.AlertJobFailedTwice, Details: details,
			Summary: fmt.Sprintf("The job %s failed twice in a row; last error: %s", job, errText)})
	}
}

// ImportFailed is told of an import whose commit failed.
func (a *Alerter) ImportFailed(mission string, batch int64, errText string) {
	if a == nil {
		return
	}
	a.Raise(Event{Kind: portfolio.AlertImportFailed, Mission: mission, Details: map[string]any{"batch": batch, "error": errText},
		Summary: fmt.Sprintf("Import %d failed: %s", batch, errText)})
}

func (a *Alerter) raiseIn(mission string, ev Event) {
	if mission != "" {
		ev.Mission = mission
		a.Raise(ev)
		return
	}
	ms, err := a.Store.Missions(context.Background())
	if err != nil {
		a.log().Error("alert: missions", "error", err.Error())
		return
	}
	for _, m := range ms {
		e := ev
		e.Mission = m.Slug
		a.Raise(e)
	}
}

// Watch records the empty relevant cells of every mission, the baseline
// that Committed compares with.
func (a *Alerter) Watch(ctx context.Context) error {
	if a == nil {
		return nil
	}
	ms, err := a.Store.Missions(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := a.emptied(ctx, m.Slug); err != nil {
			return err
		}
	}
	return nil
}

// Committed is told after an import changed a mission: a cell of a
// relevance mask that was covered and is now empty raises
// coverage_emptied.
func (a *Alerter) Committed(mission string) {
	if a == nil {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		cells, err := a.emptied(context.Background(), mission)
		if err != nil {
			a.log().Error("alert: coverage", "mission", mission, "error", err.Error())
			return
		}
		if len(cells) > 0 {
			a.Raise(Event{Kind: portfolio.AlertCoverageEmptied, Mission: mission, Details: map[string]any{"cells": cells},
				Summary: fmt.Sprintf("%d relevant coverage cell(s) became empty: %s", len(cells), strings.Join(cells, ", "))})
		}
	}()
}

// emptied updates the mission's empty relevant cells and returns those
// that were not empty before (none on the first look).
func (a *Alerter) emptied(ctx context.Context, mission string) ([]string, error) {
	m, err := a.Store.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	now := map[string]bool{}
	for _, r := range m.Relevance {
		relevant := map[[2]string]bool{}
		for _, c := range r.Cells {
			relevant[c] = true
		}
		cells, err := a.Store.Coverage(ctx, m, r.A, r.B, portfolio.Scope{})
		if err != nil {
			return nil, err
		}
		for _, c := range cells {
			if relevant[[2]string{c.A, c.B}] && c.NFull == 0 {
				now[r.A+":"+c.A+" × "+r.B+":"+c.B] = true
			}
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.empty == nil {
		a.empty = map[string]map[string]bool{}
	}
	before, seen := a.empty[mission]
	a.empty[mission] = now
	var out []string
	for c := range now {
		if seen && !before[c] {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Snapshots is what SnapshotTaken reads.
type Snapshots interface {
	List(ctx context.Context, mission string) ([]portfolio.Snapshot, error)
	Diff(ctx context.Context, id, against int64) (*snapshot.Diff, error)
}

// SnapshotTaken raises blind_spot when the snapshot shows blind spots the
// previous one did not.
func (a *Alerter) SnapshotTaken(snaps Snapshots, mission string, id int64) {
	if a == nil {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ctx := context.Background()
		list, err := snaps.List(ctx, mission)
		if err != nil {
			a.log().Error("alert: snapshots", "mission", mission, "error", err.Error())
			return
		}
		var prev int64
		for _, s := range list {
			if s.ID < id && s.ID > prev {
				prev = s.ID
			}
		}
		if prev == 0 {
			return
		}
		d, err := snaps.Diff(ctx, id, prev)
		if err != nil {
			a.log().Error("alert: snapshot diff", "mission", mission, "error", err.Error())
			return
		}
		if len(d.NewBlindSpots) == 0 {
			return
		}
		var names []string
		for _, b := range d.NewBlindSpots {
			names = append(names, b.Scheme+":"+b.Term)
		}
		a.Raise(Event{Kind: portfolio.AlertBlindSpot, Mission: mission, Details: map[string]any{"snapshot": id, "blind_spots": names},
			Summary: fmt.Sprintf("Snapshot %d shows %d new blind spot(s): %s", id, len(names), strings.Join(names, ", "))})
	}()
}
