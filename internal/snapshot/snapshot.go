package snapshot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// maxLabel bounds a snapshot label, in characters.
const maxLabel = 200

// Service takes and reads snapshots of the missions of one store.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New returns a Service over st; now is the clock (time.Now in production).
func New(st *store.Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// Take freezes the mission's portfolio now: its tables, every metric of
// the catalogue over the default scope and parameters (computed with the
// clock at the snapshot's instant), and every project's state, in one
// transaction. trigger is TriggerManual or TriggerSchedule.
func (s *Service) Take(ctx context.Context, mission, label, trigger string) (*portfolio.Snapshot, error) {
	if trigger != portfolio.TriggerManual && trigger != portfolio.TriggerSchedule {
		return nil, portfolio.Errorf(portfolio.EINVALID, "trigger must be %s or %s, not %q", portfolio.TriggerManual, portfolio.TriggerSchedule, trigger)
	}
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > maxLabel {
		return nil, portfolio.Refusef(portfolio.EINVALID, "refusal.label_long", "label is longer than %d characters", maxLabel)
	}
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	// DuckDB keeps microseconds: the instant stored is the one computed with.
	at := s.now().UTC().Truncate(time.Microsecond)
	sn, err := s.st.TakeSnapshot(ctx, store.SnapshotRequest{
		Mission: m, TakenAt: at, Trigger: trigger, Label: label,
		Compute: func(ctx context.Context, frozen *store.Store, fm *portfolio.Mission) ([]portfolio.SnapshotMetric, error) {
			env, err := metrics.NewEnv(frozen, fm, portfolio.Scope{}, defaultParams(fm), at)
			if err != nil {
				return nil, err
			}
			res, err := metrics.Compute(ctx, env, nil)
			if err != nil {
				return nil, err
			}
			out := make([]portfolio.SnapshotMetric, len(res.Values))
			for i, v := range res.Values {
				out[i] = portfolio.SnapshotMetric{Code: v.Code, Dims: v.Dims, Value: v.Value, N: v.N}
			}
			return out, nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("snapshot: take %s: %w", mission, err)
	}
	return sn, nil
}

// defaultParams are the parameters frozen figures are computed with: the
// catalogue's defaults (pillar × level), or the mission's first project
// schemes when it has no such scheme.
func defaultParams(m *portfolio.Mission) metrics.Params {
	var p metrics.Params
	var project []string
	for _, sc := range m.Schemes {
		if sc.AppliesToKind(portfolio.KindProject) {
			project = append(project, sc.Code)
		}
	}
	pick := func(want string, i int) string {
		if m.Scheme(want) != nil || len(project) == 0 {
			return want
		}
		return project[min(i, len(project)-1)]
	}
	p.A, p.B = pick("pillar", 0), pick("level", 1)
	return p
}

// List returns a mission's snapshots, newest first.
func (s *Service) List(ctx context.Context, mission string) ([]portfolio.Snapshot, error) {
	m, err := s.st.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	return s.st.Snapshots(ctx, m.ID)
}

// Get returns one snapshot (ENOTFOUND when there is none).
func (s *Service) Get(ctx context.Context, id int64) (*portfolio.Snapshot, error) {
	return s.st.Snapshot(ctx, id)
}

// Delete removes a whole snapshot, its decisions included, audited
// (store.DeleteSnapshot).
func (s *Service) Delete(ctx context.Context, id int64) (*portfolio.Snapshot, error) {
	return s.st.DeleteSnapshot(ctx, id)
}

// Projects returns the frozen state of every project of a snapshot.
func (s *Service) Projects(ctx context.Context, id int64) ([]portfolio.SnapshotProject, error) {
	if _, err := s.st.Snapshot(ctx, id); err != nil {
		return nil, err
	}
	return s.st.SnapshotProjects(ctx, id)
}

// Metrics returns the figures frozen with a snapshot, in catalogue order;
// only those of codes when codes is not empty.
func (s *Service) Metrics(ctx context.Context, id int64, codes []string) ([]metrics.Value, error) {
	for _, c := range codes {
		if metrics.Lookup(c) == nil {
			return nil, portfolio.Errorf(portfolio.EINVALID, "unknown metric code %q (known: %s)", c, strings.Join(metrics.Codes(), ", "))
		}
	}
	if _, err := s.st.Snapshot(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.st.SnapshotMetrics(ctx, id, codes)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.Value, len(rows))
	for i, r := range rows {
		out[i] = metrics.Value{Code: r.Code, Dims: r.Dims, Value: r.Value, N: r.N}
	}
	return out, nil
}

// AsOf returns a store reading the snapshot's frozen tables and the mission
// as frozen (taxonomy included). Call release when done. Dashboards with
// ?snapshot=ID are drawn from it.
func (s *Service) AsOf(ctx context.Context, id int64) (st *store.Store, m *portfolio.Mission, release func(), err error) {
	sn, err := s.st.Snapshot(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	as, release, err := s.st.AsOf(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err = as.Mission(ctx, sn.Mission)
	if err != nil {
		release()
		return nil, nil, nil, err
	}
	return as, m, release, nil
}

// Compute returns the figures of a snapshot for any scope and parameters:
// the frozen values when they are the defaults the snapshot was taken
// with, otherwise a computation over the frozen tables with the clock at
// the snapshot's instant. Either way the answer never changes, so callers
// may cache it for good (ETag: the snapshot id and the query).
func (s *Service) Compute(ctx context.Context, id int64, sc portfolio.Scope, p metrics.Params, codes []string) (*metrics.Result, error) {
	sn, err := s.st.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	as, m, release, err := s.AsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	d := defaultParams(m)
	if sc.Filters().IsZero() && p.Scheme == "" && p.Basis == "" && (p.A == "" || p.A == d.A) && (p.B == "" || p.B == d.B) {
		vs, err := s.Metrics(ctx, id, codes)
		if err != nil {
			return nil, err
		}
		return &metrics.Result{ComputedAt: sn.TakenAt, Values: vs}, nil
	}
	if p.A == "" && p.B == "" {
		p.A, p.B = d.A, d.B
	}
	env, err := metrics.NewEnv(as, m, sc, p, sn.TakenAt)
	if err != nil {
		return nil, err
	}
	return metrics.Compute(ctx, env, codes)
}
