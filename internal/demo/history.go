package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// The demo arrives with a history, so that a visitor sees what a steering
// committee sees: the portfolio as the October committee found it (projects
// as they stood in September, signals observed before October), frozen by
// that meeting's snapshot with the decisions it took; then October's
// exports, frozen by November's snapshot. The November snapshot's diff is
// "what changed since the last meeting".
const cutoff = "2026-10-01" // the October committee: files exported before this day

var (
	october  = meeting{at: time.Date(2026, 10, 1, 7, 0, 0, 0, time.UTC), label: "Steering committee, October 2026"}
	november = meeting{at: time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC), label: "Steering committee, November 2026"}
)

type meeting struct {
	at    time.Time
	label string
}

// take freezes the mission as the meeting saw it, with the clock at the
// meeting's instant.
func (mt meeting) take(ctx context.Context, snaps func(time.Time) *snapshot.Service) (*portfolio.Snapshot, error) {
	sn, err := snaps(mt.at).Take(ctx, Slug, mt.label, portfolio.TriggerSchedule)
	if err != nil {
		return nil, fmt.Errorf("demo: snapshot %q: %w", mt.label, err)
	}
	return sn, nil
}

// stages in pipeline order: September's version of a project updated in
// October stood one stage earlier.
var stages = []string{"explore", "design", "pilot", "demonstrate", "scale", "embed"}

// september rewrites projects.csv as it was exported in September: the
// projects started since the cutoff are not there yet, and those updated
// since stood one stage earlier (every third with a fifth less budget).
// It returns the file and the ext_ref of a pilot that has moved on since.
func september(projects []byte) ([]byte, string, error) {
	var moved string
	out, err := rewriteCSV(projects, func(row int, get func(string) string, set func(string, string)) bool {
		if get("start_date") >= cutoff {
			return false
		}
		updated := get("updated_at")
		if updated < cutoff {
			return true
		}
		if i := slices.Index(stages, get("stage")); i > 0 {
			if stages[i-1] == "pilot" && moved == "" && get("status") == "active" {
				moved = get("ext_ref")
			}
			set("stage", stages[i-1])
		}
		day, _ := strconv.Atoi(updated[8:10])
		set("updated_at", fmt.Sprintf("2026-09-%02d", min(day, 30)))
		if b, err := strconv.ParseFloat(get("budget_total_eur"), 64); err == nil && row%3 == 0 {
			set("budget_total_eur", strconv.FormatFloat(math.Round(b*0.8), 'f', -1, 64))
		}
		return true
	})
	if err == nil && moved == "" {
		err = fmt.Errorf("demo: no pilot updated in October to follow")
	}
	return out, moved, err
}

// signalsBefore keeps the signals observed before the cutoff, without their
// links to projects that September's file does not have yet.
func signalsBefore(signals, projects []byte) ([]byte, error) {
	known := map[string]bool{}
	if _, err := rewriteCSV(projects, func(_ int, get func(string) string, _ func(string, string)) bool {
		known[get("ext_ref")] = true
		return false
	}); err != nil {
		return nil, err
	}
	return rewriteCSV(signals, func(_ int, get func(string) string, set func(string, string)) bool {
		if get("observed_at") >= cutoff {
			return false
		}
		var refs []string
		for r := range strings.SplitSeq(get("projects"), "|") {
			if known[r] {
				refs = append(refs, r)
			}
		}
		set("projects", strings.Join(refs, "|"))
		return true
	})
}

// rewriteCSV passes every data row of a CSV file to keep, which reads and
// sets cells by header and says whether the row stays.
func rewriteCSV(body []byte, keep func(row int, get func(string) string, set func(string, string)) bool) ([]byte, error) {
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("demo: read csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(rows[0])
	for i, r := range rows[1:] {
		get := func(h string) string { return r[col[h]] }
		set := func(h, v string) { r[col[h]] = v }
		if keep(i, get, set) {
			w.Write(r)
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// decide records what the October committee decided, and where the
// decisions stood by November.
func decide(ctx context.Context, snaps func(time.Time) *snapshot.Service, sn *portfolio.Snapshot, pilot string) error {
	due := portfolio.Date{Time: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}
	book := snaps(october.at.Add(2 * time.Hour)).Decisions()
	gap, err := book.Create(ctx, portfolio.Decision{SnapshotID: sn.ID, Scope: "cell", Ref: "adaptation/regulation", Type: "start_new",
		Owner: "Mission office", DueDate: &due,
		Rationale: "No initiative works on social and climate adaptation through policy and regulation. " +
			"Ask the territorial planning department for a proposal before the next committee."})
	if err != nil {
		return fmt.Errorf("demo: decision: %w", err)
	}
	scale, err := book.Create(ctx, portfolio.Decision{SnapshotID: sn.ID, Scope: "project", Ref: pilot, Type: "scale",
		Owner: "Programme lead", DueDate: &due,
		Rationale: "The pilot reports good first results: prepare its demonstration with its partners."})
	if err != nil {
		return fmt.Errorf("demo: decision: %w", err)
	}
	later := snaps(november.at.Add(-24 * time.Hour)).Decisions()
	if _, err := later.UpdateStatus(ctx, gap.ID, "in_progress", "A draft ordinance on heat and drought is being written with three municipalities."); err != nil {
		return fmt.Errorf("demo: decision: %w", err)
	}
	if _, err := later.UpdateStatus(ctx, scale.ID, "done", "Moved to demonstration in October."); err != nil {
		return fmt.Errorf("demo: decision: %w", err)
	}
	return nil
}
