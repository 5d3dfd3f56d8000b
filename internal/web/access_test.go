package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// accessFixture is a server with two missions — tiny, where the roles
// under test are granted, and beta, where "other" is an analyst — and one
// of everything a route can name: a committed import (1), a previewed one
// with rejects (2), a snapshot (1), a decision (1), guest links (1 is
// opened, 2 revoked).
type accessFixture struct {
	app    *fiber.App
	st     *store.Store
	tokens map[string]string // principal → API token
	guest  string            // the guest link's token
}

// principals are who the route table is about, lowest first.
var principals = []string{"anonymous", "viewer", "leader", "analyst", "admin", "other", "root"}

func newAccessFixture(t *testing.T, opt web.Options) *accessFixture {
	t.Helper()
	ctx := portfolio.WithActor(context.Background(), "test")
	app, st := newFreshApp(t, opt)
	doc := mustReadTestdata(t, "mission_tiny.yaml")
	for _, d := range []string{doc, strings.Replace(doc, "slug: tiny", "slug: beta", 1)} {
		m, err := missionfile.Parse([]byte(d))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyMission(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	mustImport(t, st, "tiny", "projects", "projects.csv", mustReadTestdata(t, "projects_tiny.csv"))
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("ext_ref,title,pillars,level,status\nB-1,Bad,green,nowhere,active\n"), 0o600)
	if _, err := ingest.New(st, time.Now).Preview(ctx, ingest.Request{Mission: "tiny", Kind: "projects", Mode: "append",
		Path: bad, Filename: "bad.csv", CreatedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	snaps := snapshot.New(st, time.Now)
	sn, err := snaps.Take(ctx, "tiny", "first", portfolio.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snaps.Decisions().Create(ctx, portfolio.Decision{SnapshotID: sn.ID, Scope: "mission", Type: "keep", Rationale: "Fine"}); err != nil {
		t.Fatal(err)
	}
	g := &portfolio.GuestLink{Mission: "tiny", SnapshotID: sn.ID, ExpiresAt: time.Now().Add(24 * time.Hour)}
	for _, link := range []*portfolio.GuestLink{g, {Mission: "tiny", SnapshotID: sn.ID, ExpiresAt: g.ExpiresAt}} {
		if err := st.CreateGuestLink(ctx, link); err != nil {
			t.Fatal(err)
		}
	}
	key, err := st.Secret(ctx, "guest_link")
	if err != nil {
		t.Fatal(err)
	}
	// A user exists: the setup page is closed.
	if err := st.CreateUser(ctx, &portfolio.User{Username: "someone", PasswordHash: auth.HashPassword("a long enough password")}, false); err != nil {
		t.Fatal(err)
	}
	f := &accessFixture{app: app, st: st, tokens: map[string]string{}, guest: auth.SignGuestLink(key, g.ID, g.ExpiresAt)}
	grants := map[string][2]string{"viewer": {"viewer", "tiny"}, "leader": {"leader", "tiny"}, "analyst": {"analyst", "tiny"},
		"admin": {"admin", "tiny"}, "other": {"analyst", "beta"}, "root": {"admin", ""}}
	for who, g := range grants {
		_, secret, err := auth.CreateToken(ctx, st, st, who, g[0], g[1])
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[who] = secret
	}
	return f
}

// do sends one request as a principal and returns the status.
func (f *accessFixture) do(t *testing.T, who, method, url, ctype, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok := f.tokens[who]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 512)
	n, _ := res.Body.Read(buf)
	b.Write(buf[:n])
	return res.StatusCode, b.String()
}

// Who may use a route.
type rule int

const (
	anyone        rule = iota // public
	signedIn                  // any principal that is not anonymous
	instanceAdmin             // root only
	viewerOn                  // at least this role on tiny
	leaderOn
	analystOn
	adminOn
)

// routeCase is one request to one route; ok is the status of a principal
// the rule lets through (it may be a 4xx: the body is wrong on purpose, so
// a write lets nothing change while still proving the guard let it pass).
type routeCase struct {
	method, route string // as registered
	url           string // "" = route
	ctype, body   string
	rule          rule
	ok            int
	// except overrides the status for some principals.
	except map[string]int
}

const form = fiber.MIMEApplicationForm

// routeTable has a row for every registered route. Adding a route without
// a row here fails TestRouteAccess.
var routeTable = []routeCase{
	{method: "GET", route: "/healthz", rule: anyone, ok: 200},
	{method: "GET", route: "/readyz", rule: anyone, ok: 200},
	{method: "GET", route: "/geo/map.json", rule: anyone, ok: 404}, // no --geojson
	{method: "GET", route: "/geo/gipuzkoa.geojson", rule: anyone, ok: 200},
	{method: "GET", route: "/metrics", rule: anyone, ok: 404}, // its own token; off without one
	{method: "GET", route: "/api/v1/openapi.json", rule: anyone, ok: 200},
	{method: "GET", route: "/api/v1/session", rule: anyone, ok: 200},
	{method: "GET", route: "/api/v1/missions", rule: anyone, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug", url: "/api/v1/missions/tiny", rule: viewerOn, ok: 200},
	{method: "PUT", route: "/api/v1/missions/:slug", url: "/api/v1/missions/tiny", ctype: "application/yaml", body: "slug: [", rule: adminOn, ok: 400},
	{method: "GET", route: "/api/v1/missions/:slug/projects", url: "/api/v1/missions/tiny/projects", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/projects/:ref", url: "/api/v1/missions/tiny/projects/T-1", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/organisations", url: "/api/v1/missions/tiny/organisations", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/links", url: "/api/v1/missions/tiny/links?level_a=local&level_b=local", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/signals", url: "/api/v1/missions/tiny/signals", rule: viewerOn, ok: 200},
	// The tiny mission has no signal and no organisation: the handler answers.
	{method: "GET", route: "/api/v1/missions/:slug/signals/:ref", url: "/api/v1/missions/tiny/signals/S-1", rule: viewerOn, ok: 404},
	{method: "GET", route: "/api/v1/missions/:slug/organisations/:id", url: "/api/v1/missions/tiny/organisations/999999", rule: viewerOn, ok: 404},
	{method: "GET", route: "/api/v1/missions/:slug/coverage", url: "/api/v1/missions/tiny/coverage", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/metrics", url: "/api/v1/missions/tiny/metrics?codes=C2", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/snapshots", url: "/api/v1/missions/tiny/snapshots", rule: viewerOn, ok: 200},
	{method: "POST", route: "/api/v1/missions/:slug/snapshots", url: "/api/v1/missions/tiny/snapshots", ctype: "application/json", body: `{"label": 5}`, rule: analystOn, ok: 400},
	{method: "GET", route: "/api/v1/missions/:slug/decisions", url: "/api/v1/missions/tiny/decisions", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/digest", url: "/api/v1/missions/tiny/digest", rule: viewerOn, ok: 200},
	{method: "GET", route: "/api/v1/missions/:slug/imports", url: "/api/v1/missions/tiny/imports", rule: analystOn, ok: 200},
	{method: "POST", route: "/api/v1/missions/:slug/imports", url: "/api/v1/missions/tiny/imports", ctype: "text/plain", body: "x", rule: analystOn, ok: 400},
	{method: "GET", route: "/api/v1/missions/:slug/guest-links", url: "/api/v1/missions/tiny/guest-links", rule: leaderOn, ok: 200},
	{method: "POST", route: "/api/v1/missions/:slug/guest-links", url: "/api/v1/missions/tiny/guest-links", ctype: "application/json", body: `{"snapshot_id": 99}`, rule: leaderOn, ok: 400},
	{method: "DELETE", route: "/api/v1/guest-links/:id", url: "/api/v1/guest-links/2", rule: leaderOn, ok: 200}, // revoking twice is fine
	{method: "GET", route: "/api/v1/snapshots/:id", url: "/api/v1/snapshots/1", rule: viewerOn, ok: 200},
	{method: "DELETE", route: "/api/v1/snapshots/:id", url: "/api/v1/snapshots/1", rule: adminOn, ok: 400}, // no confirm=yes
	{method: "GET", route: "/api/v1/snapshots/:id/diff", url: "/api/v1/snapshots/1/diff?against=1", rule: viewerOn, ok: 200},
	{method: "POST", route: "/api/v1/snapshots/:id/decisions", url: "/api/v1/snapshots/1/decisions", ctype: "application/json", body: `{}`, rule: leaderOn, ok: 400},
	{method: "PATCH", route: "/api/v1/decisions/:id", url: "/api/v1/decisions/1", ctype: "application/json", body: `{"status": "bogus"}`, rule: leaderOn, ok: 400},
	{method: "GET", route: "/api/v1/imports/:id", url: "/api/v1/imports/2", rule: analystOn, ok: 200},
	{method: "GET", route: "/api/v1/imports/:id/rejects.csv", url: "/api/v1/imports/2/rejects.csv", rule: analystOn, ok: 200},
	{method: "POST", route: "/api/v1/imports/:id/commit", url: "/api/v1/imports/2/commit", rule: analystOn, ok: 422},
	{method: "POST", route: "/api/v1/imports/:id/rollback", url: "/api/v1/imports/2/rollback", rule: analystOn, ok: 409},
	{method: "POST", route: "/api/v1/imports/:id/discard", url: "/api/v1/imports/1/discard", rule: analystOn, ok: 409},
	{method: "GET", route: "/api/v1/jobs", rule: signedIn, ok: 200},
	{method: "POST", route: "/api/v1/jobs/:job/run", url: "/api/v1/jobs/snapshot/run?mission=tiny", rule: adminOn, ok: 404}, // no scheduler here
	{method: "POST", route: "/api/v1/backups", rule: instanceAdmin, ok: 404},                                                // no scheduler here
	{method: "GET", route: "/api/v1/users", rule: instanceAdmin, ok: 200},
	{method: "POST", route: "/api/v1/users", ctype: "application/json", body: `{}`, rule: instanceAdmin, ok: 400},
	{method: "PATCH", route: "/api/v1/users/:id", url: "/api/v1/users/1", ctype: "application/json", body: `{"bogus": 1}`, rule: instanceAdmin, ok: 400},
	{method: "GET", route: "/api/v1/tokens", rule: instanceAdmin, ok: 200},
	{method: "POST", route: "/api/v1/tokens", ctype: "application/json", body: `{}`, rule: instanceAdmin, ok: 400},
	{method: "DELETE", route: "/api/v1/tokens/:id", url: "/api/v1/tokens/999", rule: instanceAdmin, ok: 404},
	{method: "GET", route: "/api/v1/audit", rule: instanceAdmin, ok: 200,
		except: map[string]int{"viewer": 404, "leader": 404, "analyst": 404, "admin": 404, "other": 404}}, // no role on "*"
	{method: "GET", route: "/api/v1/audit", url: "/api/v1/audit?mission=tiny", rule: adminOn, ok: 200},
	{method: "GET", route: "/login", rule: anyone, ok: 200},
	{method: "POST", route: "/login", ctype: form, body: "username=x&password=y", rule: anyone, ok: 401}, // tokens skip CSRF; the password is wrong
	{method: "POST", route: "/logout", rule: anyone, ok: 303},
	{method: "GET", route: "/setup", rule: anyone, ok: 404}, // a user exists
	{method: "POST", route: "/setup", ctype: form, body: "code=x", rule: anyone, ok: 404},
	{method: "GET", route: "/g/:token", url: "/g/GUEST", rule: anyone, ok: 200},
	{method: "GET", route: "/g/:token/diff", url: "/g/GUEST/diff", rule: anyone, ok: 200},
	{method: "GET", route: "/", rule: anyone, ok: 302,
		except: map[string]int{"anonymous": 303, "root": 200}}, // one visible mission: straight to it; none: log in; two: the list
	{method: "GET", route: "/m/:slug", url: "/m/tiny", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/d/:dashboard", url: "/m/tiny/d/balance", rule: viewerOn, ok: 200},
	// A snapshot of tiny read through beta, where "other" is an analyst: not found for anyone.
	{method: "GET", route: "/m/:slug", url: "/m/beta?snapshot=1", rule: viewerOn, ok: 404, except: map[string]int{"anonymous": 303}},
	{method: "GET", route: "/api/v1/missions/:slug/metrics", url: "/api/v1/missions/beta/metrics?snapshot=1", rule: viewerOn, ok: 404,
		except: map[string]int{"anonymous": 401}},
	{method: "GET", route: "/m/:slug/d/:dashboard/csv/:panel", url: "/m/tiny/d/overview/csv/coverage", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/projects", url: "/m/tiny/projects", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/organisations", url: "/m/tiny/organisations", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/links", url: "/m/tiny/links?level_a=local&level_b=local", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/projects/:ref", url: "/m/tiny/projects/T-1", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/signals", url: "/m/tiny/signals", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/signals/:ref", url: "/m/tiny/signals/S-1", rule: viewerOn, ok: 404},
	{method: "GET", route: "/m/:slug/organisations/:id", url: "/m/tiny/organisations/999999", rule: viewerOn, ok: 404},
	{method: "GET", route: "/m/:slug/metrics", url: "/m/tiny/metrics", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/snapshots", url: "/m/tiny/snapshots", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/snapshots/:id/diff", url: "/m/tiny/snapshots/1/diff", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/snapshots/:id/pack", url: "/m/tiny/snapshots/1/pack", rule: viewerOn, ok: 200},
	{method: "POST", route: "/m/:slug/snapshots/:id/delete", url: "/m/tiny/snapshots/1/delete", ctype: form, rule: adminOn, ok: 400}, // no confirm
	{method: "GET", route: "/m/:slug/digest", url: "/m/tiny/digest", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/boundaries.geojson", url: "/m/tiny/boundaries.geojson", rule: viewerOn, ok: 404}, // none of its own
	{method: "GET", route: "/m/:slug/decisions", url: "/m/tiny/decisions", rule: viewerOn, ok: 200},
	{method: "GET", route: "/m/:slug/imports", url: "/m/tiny/imports", rule: analystOn, ok: 200},
	{method: "POST", route: "/m/:slug/guest-links", url: "/m/tiny/guest-links", ctype: form, body: "snapshot_id=99", rule: leaderOn, ok: 400},
	{method: "POST", route: "/m/:slug/guest-links/:id/revoke", url: "/m/tiny/guest-links/99/revoke", rule: leaderOn, ok: 404},
	{method: "GET", route: "/jobs", rule: signedIn, ok: 200},
	{method: "GET", route: "/missions/new", rule: instanceAdmin, ok: 200},
	{method: "POST", route: "/missions/new", ctype: form, body: "document=", rule: instanceAdmin, ok: 400},
	{method: "GET", route: "/admin/users", rule: instanceAdmin, ok: 200},
	{method: "POST", route: "/admin/users", ctype: form, body: "username=", rule: instanceAdmin, ok: 400},
	{method: "POST", route: "/admin/users/:id", url: "/admin/users/1", ctype: form, body: "change=bogus", rule: instanceAdmin, ok: 400},
	{method: "GET", route: "/admin/tokens", rule: instanceAdmin, ok: 200},
	{method: "POST", route: "/admin/tokens", ctype: form, body: "name=", rule: instanceAdmin, ok: 400},
	{method: "POST", route: "/admin/tokens/:id/revoke", url: "/admin/tokens/999/revoke", rule: instanceAdmin, ok: 404},
	{method: "GET", route: "/admin/audit", rule: instanceAdmin, ok: 200,
		except: map[string]int{"viewer": 404, "leader": 404, "analyst": 404, "admin": 404, "other": 404}},
}

// roleOnTiny is each principal's role on mission tiny.
var roleOnTiny = map[string]int{"anonymous": 0, "viewer": 1, "leader": 2, "analyst": 3, "admin": 4, "other": 0, "root": 4}

// want is the status rc must answer who.
func (rc routeCase) want(who string) int {
	if s, ok := rc.except[who]; ok {
		return s
	}
	api := strings.HasPrefix(rc.route, "/api/")
	if rc.rule == anyone {
		if who == "anonymous" && rc.method != "GET" {
			return 403 // no CSRF token
		}
		return rc.ok
	}
	if who == "anonymous" {
		switch {
		case rc.method != "GET":
			return 403 // the CSRF check comes first
		case api:
			return 401
		}
		return 303 // to the login page
	}
	switch rc.rule {
	case signedIn:
		return rc.ok
	case instanceAdmin:
		if who == "root" {
			return rc.ok
		}
		return 403
	}
	need := int(rc.rule-viewerOn) + 1
	switch r := roleOnTiny[who]; {
	case r == 0:
		return 404
	case r < need:
		return 403
	}
	return rc.ok
}

// TestRouteAccess sends every route's request as every principal and
// checks the status; it fails when a registered route has no row.
func TestRouteAccess(t *testing.T) {
	t.Parallel()
	f := newAccessFixture(t, web.Options{LoginFailures: 1000}) // one client tries every route as everyone
	listed := map[string]bool{}
	for _, rc := range routeTable {
		listed[rc.method+" "+rc.route] = true
	}
	var missing []string
	for _, r := range f.app.GetRoutes(true) {
		if r.Method == "HEAD" || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		if !listed[r.Method+" "+r.Path] {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes without a row in routeTable (say who may use them): %v", missing)
	}
	auditBefore := auditRows(t, f.st)
	for _, rc := range routeTable {
		url := rc.url
		if url == "" {
			url = rc.route
		}
		url = strings.ReplaceAll(url, "GUEST", f.guest)
		for _, who := range principals {
			got, body := f.do(t, who, rc.method, url, rc.ctype, rc.body)
			if want := rc.want(who); got != want {
				t.Errorf("%s %s as %s: status %d, want %d; body %.200s", rc.method, url, who, got, want, body)
			}
		}
	}
	// Nothing above rewrote the audit log: its earlier rows are as they were.
	after := auditRows(t, f.st)
	if len(after) < len(auditBefore) {
		t.Fatalf("audit log shrank from %d to %d rows", len(auditBefore), len(after))
	}
	for i, e := range auditBefore {
		if after[len(after)-len(auditBefore)+i] != e {
			t.Errorf("audit row %d changed: %+v → %+v", e.ID, e, after[len(after)-len(auditBefore)+i])
		}
	}
}

// auditRows reads the whole audit log, newest first.
func auditRows(t *testing.T, st *store.Store) []store.AuditEntry {
	t.Helper()
	es, err := st.AuditLog(context.Background(), store.AuditFilter{Limit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestNoRouteWritesTheAuditLog: the audit log's routes only read, and
// every other method on them is refused.
func TestNoRouteWritesTheAuditLog(t *testing.T) {
	t.Parallel()
	f := newAccessFixture(t, web.Options{LoginFailures: 1000}) // one client tries every route as everyone
	for _, r := range f.app.GetRoutes(true) {
		if strings.Contains(r.Path, "audit") && r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("%s %s writes to the audit log", r.Method, r.Path)
		}
	}
	before := len(auditRows(t, f.st))
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		for _, u := range []string{"/api/v1/audit", "/api/v1/audit/1", "/admin/audit"} {
			if got, _ := f.do(t, "root", m, u, "application/json", `{"action":"forged"}`); got < 400 {
				t.Errorf("%s %s: status %d, want a refusal", m, u, got)
			}
		}
	}
	if after := len(auditRows(t, f.st)); after != before {
		t.Errorf("audit rows %d → %d after write attempts", before, after)
	}
}
