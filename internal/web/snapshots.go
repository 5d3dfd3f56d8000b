package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
)

// Snapshots: the service the pages read through, the API that takes,
// lists and compares them, and the ETags that let clients keep what never
// changes.

// Snapshots is the snapshot service as the web layer uses it.
type Snapshots interface {
	Take(ctx context.Context, mission, label, trigger string) (*portfolio.Snapshot, error)
	List(ctx context.Context, mission string) ([]portfolio.Snapshot, error)
	Get(ctx context.Context, id int64) (*portfolio.Snapshot, error)
	Delete(ctx context.Context, id int64) (*portfolio.Snapshot, error)
	Projects(ctx context.Context, id int64) ([]portfolio.SnapshotProject, error)
	Compute(ctx context.Context, id int64, sc portfolio.Scope, p metrics.Params, codes []string) (*metrics.Result, error)
	AsOf(ctx context.Context, id int64) (*store.Store, *portfolio.Mission, func(), error)
	Diff(ctx context.Context, id, against int64) (*snapshot.Diff, error)
	DiffLive(ctx context.Context, id int64) (*snapshot.Diff, error)
	Digest(ctx context.Context, mission string, now time.Time) (*snapshot.Digest, error)
	DigestWeek(ctx context.Context, mission string, w snapshot.Week) (*snapshot.Digest, error)
	SignalWeeks(ctx context.Context, mission string, now time.Time) ([]snapshot.WeekCount, error)
	Decisions() *snapshot.Decisions
}

func snapshotID(c *fiber.Ctx, param string) (int64, error) {
	v := c.Params(param)
	if v == "" {
		v = c.Query(param)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %q not found", v)
	}
	return id, nil
}

// immutable marks a response about a snapshot as cacheable forever: a
// snapshot never changes, so its id (plus the query) is its version.
func immutable(c *fiber.Ctx, id int64) bool {
	etag := snapshotETag(c, id)
	cacheForever(c, etag)
	return notModified(c, etag)
}

// snapshotETag is the version of a response about snapshot id: the page
// names its reader (and carries their CSRF token), so the tag changes with
// the reader.
func snapshotETag(c *fiber.Ctx, id int64) string {
	p := principal(c)
	return fmt.Sprintf(`"s%d-%x"`, id, hashString(string(c.Request().URI().QueryString())+"|"+string(p.Actor())+"|"+p.CSRF))
}

func cacheForever(c *fiber.Ctx, etag string) {
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
}

// notModified answers 304 when the client already holds etag.
func notModified(c *fiber.Ctx, etag string) bool {
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		c.Status(fiber.StatusNotModified)
		return true
	}
	return false
}

func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (s *Server) apiSnapshots(c *fiber.Ctx) error {
	items, err := s.snapshots.List(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// apiTakeSnapshot takes a manual snapshot: JSON {label} → 201 {id, …}.
func (s *Server) apiTakeSnapshot(c *fiber.Ctx) error {
	var body struct {
		Label string `json:"label"`
	}
	if len(c.Body()) > 0 {
		if err := json.Unmarshal(c.Body(), &body); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, `the body must be JSON such as {"label": "Steering committee, March"}`)
		}
	}
	if len(body.Label) > 200 {
		return portfolio.Errorf(portfolio.EINVALID, "label is longer than 200 characters")
	}
	snap, err := s.snapshots.Take(c.UserContext(), c.Params("slug"), strings.TrimSpace(body.Label), portfolio.TriggerManual)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(snap)
}

func (s *Server) apiSnapshot(c *fiber.Ctx) error {
	id, err := snapshotID(c, "id")
	if err != nil {
		return err
	}
	snap, err := s.guardedSnapshotOf(c, id)
	if err != nil {
		return err
	}
	if immutable(c, id) {
		return nil
	}
	return c.JSON(snap)
}

// apiSnapshotDiff answers what changed from snapshot `against` to `id`, or
// from `id` to today with against=live.
func (s *Server) apiSnapshotDiff(c *fiber.Ctx) error {
	id, err := snapshotID(c, "id")
	if err != nil {
		return err
	}
	against := c.Query("against")
	if against == "" {
		return portfolio.Errorf(portfolio.EINVALID, "give the snapshot to compare with: ?against=ID, or ?against=live for today's data")
	}
	sn, err := s.guardedSnapshotOf(c, id)
	if err != nil {
		return err
	}
	d, err := diffAgainst(c, s.snapshots, sn, against)
	if err != nil {
		return err
	}
	// Two snapshots never change; today's data does.
	if !d.ToLive && immutable(c, id*1_000_003+d.From.ID) {
		return nil
	}
	return c.JSON(d)
}

// snapshotMetrics serves the metric catalogue as of a snapshot: computed
// from its frozen tables with the clock at its taken_at.
type snapshotMetrics struct {
	st    *store.Store
	taken time.Time
}

func (m snapshotMetrics) Get(ctx context.Context, req metrics.Request) (*metrics.Result, error) {
	e, err := m.Env(req)
	if err != nil {
		return nil, err
	}
	return metrics.Compute(ctx, e, req.Codes)
}

// Invalidate does nothing: a snapshot never changes.
func (m snapshotMetrics) Invalidate(string) {}

func (m snapshotMetrics) Env(req metrics.Request) (*metrics.Env, error) {
	return metrics.NewEnv(m.st, req.Mission, req.Scope, req.Params, m.taken)
}

// snapshotService answers ENOTFOUND on a server started without snapshots.
func (s *Server) snapshotService() (Snapshots, error) {
	if s.snapshots == nil {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshots are not enabled on this server")
	}
	return s.snapshots, nil
}

// snapshotOf loads snapshot :id and checks it is one of mission :slug's:
// a snapshot of another mission is not found here.
func (s *Server) snapshotOf(c *fiber.Ctx, svc Snapshots, param string) (*portfolio.Snapshot, error) {
	id, err := snapshotID(c, param)
	if err != nil {
		return nil, err
	}
	sn, err := svc.Get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if sn.Mission != c.Params("slug") {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %d is not a snapshot of mission %q", id, c.Params("slug"))
	}
	return sn, nil
}

// previousSnapshot returns the mission's snapshot taken just before sn, or
// nil for its first.
func previousSnapshot(ctx context.Context, svc Snapshots, sn *portfolio.Snapshot) (*portfolio.Snapshot, error) {
	items, err := svc.List(ctx, sn.Mission)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].ID == sn.ID && i+1 < len(items) {
			return &items[i+1], nil
		}
	}
	return nil, nil
}

// frozenMission returns the mission as the snapshot froze it, taxonomy
// included: labels of terms since renamed or retired stay those of the day.
func frozenMission(ctx context.Context, svc Snapshots, id int64) (*portfolio.Mission, error) {
	_, m, release, err := svc.AsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	release()
	return m, nil
}
