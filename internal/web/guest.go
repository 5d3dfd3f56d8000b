package web

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

// Guest links let a committee member without an account read one snapshot
// of one mission — its pack and what changed since the snapshot before —
// until the link expires or is revoked. The link is /g/<id.exp.sig>; the
// routes under /g/ serve nothing else, so the scope is the route itself.

const (
	defaultGuestDays = 14
	maxGuestDays     = 90
)

// guestSecret holds the HMAC key of guest links once read.
type guestSecret struct {
	mu  sync.Mutex
	key []byte
}

// guestKey is the HMAC key of guest links, made once per database and
// read once (a failed read is tried again on the next request).
func (s *Server) guestKey(ctx context.Context) ([]byte, error) {
	g := &s.guestSecret
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.key == nil {
		k, err := s.access.Secret(ctx, "guest_link")
		if err != nil {
			return nil, err
		}
		g.key = k
	}
	return g.key, nil
}

// guestRequest is the body of POST /missions/:slug/guest-links.
type guestRequest struct {
	SnapshotID int64  `json:"snapshot_id"`
	Days       int    `json:"days"`
	Label      string `json:"label"`
	// Lang is the language the link opens in (en, es, eu); by default the
	// creator's.
	Lang string `json:"lang,omitempty"`
}

// guestView is a guest link as the API shows it; URL only when created.
type guestView struct {
	portfolio.GuestLink
	URL string `json:"url,omitempty"`
}

func (s *Server) createGuestLink(c *fiber.Ctx, req guestRequest) (*guestView, error) {
	ctx := c.UserContext()
	svc, err := s.snapshotService()
	if err != nil {
		return nil, err
	}
	sn, err := svc.Get(ctx, req.SnapshotID)
	if err != nil || sn.Mission != c.Params("slug") {
		return nil, portfolio.Errorf(portfolio.EINVALID, "snapshot %d is not a snapshot of mission %q", req.SnapshotID, c.Params("slug"))
	}
	if req.Days == 0 {
		req.Days = defaultGuestDays
	}
	if req.Days < 1 || req.Days > maxGuestDays {
		return nil, portfolio.Errorf(portfolio.EINVALID, "a guest link lasts 1 to %d days", maxGuestDays)
	}
	if req.Lang != "" && !i18n.Supported(req.Lang) {
		return nil, portfolio.Errorf(portfolio.EINVALID, "lang is one of en, es, eu, not %q", req.Lang)
	}
	if len(req.Label) > 200 {
		return nil, portfolio.Errorf(portfolio.EINVALID, "the label has at most 200 characters")
	}
	key, err := s.guestKey(ctx)
	if err != nil {
		return nil, err
	}
	g := &portfolio.GuestLink{Mission: sn.Mission, SnapshotID: sn.ID, Label: req.Label,
		ExpiresAt: s.now().Add(time.Duration(req.Days) * 24 * time.Hour).Truncate(time.Second)}
	if err := s.access.CreateGuestLink(ctx, g); err != nil {
		return nil, err
	}
	// The link carries its language: a pack shared in Basque opens in
	// Basque, whatever the guest's browser asks for.
	lang := req.Lang
	if lang == "" {
		lang = s.language(c)
	}
	return &guestView{GuestLink: *g, URL: c.BaseURL() + "/g/" + auth.SignGuestLink(key, g.ID, g.ExpiresAt) + "?lang=" + lang}, nil
}

func (s *Server) apiGuestLinks(c *fiber.Ctx) error {
	gs, err := s.access.GuestLinks(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if gs == nil {
		gs = []portfolio.GuestLink{}
	}
	return c.JSON(fiber.Map{"items": gs})
}

func (s *Server) apiCreateGuestLink(c *fiber.Ctx) error {
	var req guestRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	g, err := s.createGuestLink(c, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(g)
}

func (s *Server) apiRevokeGuestLink(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "guest link")
	if err != nil {
		return err
	}
	if err := s.access.RevokeGuestLink(c.UserContext(), id); err != nil {
		return err
	}
	g, err := s.access.GuestLink(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(g)
}

// createGuestLinkForm answers the snapshots page's form with the same page
// showing the new link (once).
func (s *Server) createGuestLinkForm(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.FormValue("snapshot_id"), 10, 64)
	days, _ := strconv.Atoi(c.FormValue("days"))
	g, err := s.createGuestLink(c, guestRequest{SnapshotID: id, Days: days, Label: c.FormValue("label")})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusCreated)
	return s.renderSnapshots(c, g.URL)
}

func (s *Server) revokeGuestLinkForm(c *fiber.Ctx) error {
	id, err := idParam(c, "id", "guest link")
	if err != nil {
		return err
	}
	g, err := s.access.GuestLink(c.UserContext(), id)
	if err != nil || g.Mission != c.Params("slug") {
		return portfolio.Errorf(portfolio.ENOTFOUND, "no guest link %d on this mission", id)
	}
	if err := s.access.RevokeGuestLink(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/m/"+g.Mission+"/snapshots", fiber.StatusSeeOther)
}

// guest checks the link of /g/:token and records its use: signature and
// expiry first (no database read for a forged or expired link), then the
// stored link (revoked?) and its snapshot.
func (s *Server) guest(c *fiber.Ctx, page string) (*portfolio.GuestLink, *portfolio.Snapshot, Snapshots, error) {
	ctx := c.UserContext()
	svc, err := s.snapshotService()
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := s.guestKey(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	id, err := auth.VerifyGuestLink(key, c.Params("token"), s.now())
	if err != nil {
		if err.Error() == "guest link expired" {
			return nil, nil, nil, portfolio.Errorf(portfolio.EFORBIDDEN, "this guest link has expired: ask whoever sent it for a new one")
		}
		return nil, nil, nil, portfolio.Errorf(portfolio.ENOTFOUND, "no such guest link")
	}
	g, err := s.access.GuestLink(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if g.RevokedAt != nil || !s.now().Before(g.ExpiresAt) {
		return nil, nil, nil, portfolio.Errorf(portfolio.EFORBIDDEN, "this guest link was revoked or has expired")
	}
	sn, err := svc.Get(ctx, g.SnapshotID)
	if err != nil {
		return nil, nil, nil, err
	}
	s.setPrincipal(c, &auth.Principal{Kind: auth.GuestKind, ID: g.ID, Grants: map[string]auth.Role{}})
	if err := s.access.GuestLinkUsed(c.UserContext(), g, page); err != nil {
		return nil, nil, nil, err
	}
	// The link is the credential: keep it out of caches and Referer headers.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return g, sn, svc, nil
}

// guestPage is the page data of a guest view: the mission, read-only.
func (s *Server) guestPage(c *fiber.Ctx, g *portfolio.GuestLink, nav string) (*page, error) {
	m, err := s.store.Mission(c.UserContext(), g.Mission)
	if err != nil {
		return nil, err
	}
	p := s.newPage(c, nav)
	p.Mission = m
	p.Guest = "/g/" + c.Params("token")
	return p, nil
}

// guestPack is the committee pack of the link's snapshot, without forms.
func (s *Server) guestPack(c *fiber.Ctx) error {
	g, sn, svc, err := s.guest(c, "pack")
	if err != nil {
		return err
	}
	p, err := s.guestPage(c, g, "snapshots")
	if err != nil {
		return err
	}
	return s.renderPack(c, svc, p, sn)
}

// guestDiff is what changed from the snapshot before to the link's.
func (s *Server) guestDiff(c *fiber.Ctx) error {
	g, sn, svc, err := s.guest(c, "diff")
	if err != nil {
		return err
	}
	p, err := s.guestPage(c, g, "snapshots")
	if err != nil {
		return err
	}
	prev, err := previousSnapshot(c.UserContext(), svc, sn)
	if err != nil {
		return err
	}
	against := ""
	if prev != nil {
		against = strconv.FormatInt(prev.ID, 10)
	}
	return s.renderDiff(c, svc, p, sn, against)
}
