package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// clock is a settable test clock shared by the store and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newClockedApp is a server over a store with the tiny mission, both on
// one test clock, and a user per entry of users (name → role on tiny).
func newClockedApp(t *testing.T, opt web.Options, users map[string]string) (*fiber.App, *store.Store, *clock) {
	t.Helper()
	ck := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ctx := portfolio.WithActor(context.Background(), "test")
	st, err := store.Open(ctx, store.Memory, store.Options{Now: ck.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := missionfile.Parse([]byte(mustReadTestdata(t, "mission_tiny.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	for name, role := range users {
		u := &portfolio.User{Username: name, PasswordHash: auth.HashPassword(name + " has a long password"),
			Grants: map[string]string{"tiny": role}}
		if err := st.CreateUser(ctx, u, false); err != nil {
			t.Fatal(err)
		}
	}
	d := testDeps(st, st, discardLogger())
	d.Now = ck.Now
	return web.New(d, opt), st, ck
}

// browser keeps cookies across requests to app, as a browser would.
type browser struct {
	t    *testing.T
	app  *fiber.App
	jar  map[string]*http.Cookie
	last []*http.Cookie // the cookies set by the last response
}

func newBrowser(t *testing.T, app *fiber.App) *browser {
	return &browser{t: t, app: app, jar: map[string]*http.Cookie{}}
}

func (b *browser) do(method, target string, header map[string]string, body string) (int, string, http.Header) {
	b.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for _, c := range b.jar {
		req.AddCookie(c)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	b.last = res.Cookies()
	for _, c := range b.last {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c
		}
	}
	return res.StatusCode, string(out), res.Header
}

func (b *browser) cookie(name string) string {
	if c := b.jar[name]; c != nil {
		return c.Value
	}
	return ""
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// form posts fields as a form would, with the page's CSRF token.
func (b *browser) form(target, csrf string, fields url.Values) (int, string, http.Header) {
	b.t.Helper()
	if csrf != "" {
		fields.Set("_csrf", csrf)
	}
	return b.do("POST", target, map[string]string{"Content-Type": fiber.MIMEApplicationForm}, fields.Encode())
}

// login logs in through the login page and fails unless it works.
func (b *browser) login(name string) {
	b.t.Helper()
	_, page, _ := b.do("GET", "/login", nil, "")
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("login page has no CSRF field: %.300s", page)
	}
	if code, body, _ := b.form("/login", m[1], url.Values{"username": {name}, "password": {name + " has a long password"}}); code != 303 {
		b.t.Fatalf("login %s: %d %.300s", name, code, body)
	}
}

func (b *browser) session() map[string]any {
	b.t.Helper()
	_, body, _ := b.do("GET", "/api/v1/session", nil, "")
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		b.t.Fatal(err)
	}
	return v
}

// TestLoginSessionAndCSRF walks a person through login, a write with and
// without the CSRF token, logout and expiry.
func TestLoginSessionAndCSRF(t *testing.T) {
	t.Parallel()
	app, st, ck := newClockedApp(t, web.Options{SessionTTL: time.Hour}, map[string]string{"ane": "analyst"})
	b := newBrowser(t, app)

	// The login form itself needs the token of the cookie it set.
	_, page, _ := b.do("GET", "/login?next=/m/tiny/imports", nil, "")
	token := csrfInput.FindStringSubmatch(page)[1]
	if token != b.cookie("begira_csrf") {
		t.Fatalf("form token %q differs from the begira_csrf cookie %q", token, b.cookie("begira_csrf"))
	}
	if code, _, _ := b.form("/login", "", url.Values{"username": {"ane"}, "password": {"ane has a long password"}}); code != 403 {
		t.Errorf("login without the CSRF token: %d, want 403", code)
	}
	if code, _, _ := b.form("/login", "forged", url.Values{"username": {"ane"}, "password": {"ane has a long password"}}); code != 403 {
		t.Errorf("login with a wrong CSRF token: %d, want 403", code)
	}
	code, _, h := b.form("/login", token, url.Values{"username": {"ANE"}, "password": {"ane has a long password"}, "next": {"/m/tiny/imports"}})
	if code != 303 || h.Get("Location") != "/m/tiny/imports" {
		t.Fatalf("login: %d to %q, want 303 to /m/tiny/imports", code, h.Get("Location"))
	}
	var sess *http.Cookie
	for _, c := range b.last {
		if c.Name == "begira_session" {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP", sess)
	}
	if b.cookie("begira_csrf") == token {
		t.Error("the CSRF token did not change at login")
	}
	if v := b.session(); v["kind"] != "user" || v["name"] != "ane" || v["roles"].(map[string]any)["tiny"] != "analyst" {
		t.Errorf("session = %v, want ane, analyst on tiny", v)
	}
	// Stored as a hash only.
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM user_session WHERE id_hash = ?`, sess.Value).Scan(&n)
	if n != 0 {
		t.Error("the session id is stored in clear")
	}

	// A state-changing request needs the session's token.
	take := func(hdr map[string]string) int {
		code, _, _ := b.do("POST", "/api/v1/missions/tiny/snapshots", hdr, `{"label": "x"}`)
		return code
	}
	if code := take(map[string]string{"Content-Type": "application/json"}); code != 403 {
		t.Errorf("write without X-CSRF-Token: %d, want 403", code)
	}
	if code := take(map[string]string{"Content-Type": "application/json", "X-CSRF-Token": token}); code != 403 {
		t.Errorf("write with the pre-login token: %d, want 403", code)
	}
	good := map[string]string{"Content-Type": "application/json", "X-CSRF-Token": b.cookie("begira_csrf")}
	if code := take(map[string]string{"Content-Type": "application/json", "X-CSRF-Token": b.cookie("begira_csrf"),
		"Origin": "https://evil.example"}); code != 403 {
		t.Errorf("cross-origin write: %d, want 403", code)
	}
	if code := take(good); code != 201 {
		t.Errorf("write with the session's token: %d, want 201", code)
	}
	es, _ := st.AuditLog(context.Background(), store.AuditFilter{Action: "snapshot.take"})
	if len(es) != 1 || es[0].Actor != "user:ane" {
		t.Errorf("audit of the snapshot: %+v, want one row by user:ane", es)
	}

	// Over TLS (a trusted proxy saying so) the cookie is Secure:
	// TestForwardedHeadersOnlyFromTrustedProxies.

	// Logout ends the session on the server, not only in the browser.
	stolen := sess.Value
	if code, _, _ := b.form("/logout", b.cookie("begira_csrf"), url.Values{}); code != 303 {
		t.Errorf("logout: %d, want 303", code)
	}
	replay := newBrowser(t, app)
	replay.jar["begira_session"] = &http.Cookie{Name: "begira_session", Value: stolen}
	if v := replay.session(); v["kind"] != "anonymous" {
		t.Errorf("a logged-out session still works: %v", v)
	}

	// A session lasts SessionTTL.
	b.login("ane")
	ck.Add(59 * time.Minute)
	if v := b.session(); v["kind"] != "user" {
		t.Errorf("session gone before its TTL: %v", v)
	}
	ck.Add(2 * time.Minute)
	if v := b.session(); v["kind"] != "anonymous" {
		t.Errorf("session alive after its TTL: %v", v)
	}
}

// TestLoginRateLimit: one address gets LoginBurst attempts, then 429 with
// Retry-After, whatever the usernames; attempts come back with time.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	app, _, ck := newClockedApp(t, web.Options{LoginBurst: 3, LoginEvery: 10 * time.Second}, nil)
	b := newBrowser(t, app)
	_, page, _ := b.do("GET", "/login", nil, "")
	token := csrfInput.FindStringSubmatch(page)[1]
	for i := range 3 {
		if code, _, _ := b.form("/login", token, url.Values{"username": {fmt.Sprint("u", i)}, "password": {"x"}}); code != 401 {
			t.Fatalf("attempt %d: %d, want 401", i+1, code)
		}
	}
	code, _, h := b.form("/login", token, url.Values{"username": {"u9"}, "password": {"x"}})
	if code != 429 || h.Get("Retry-After") != "10" {
		t.Fatalf("fourth attempt: %d, Retry-After %q; want 429 and 10", code, h.Get("Retry-After"))
	}
	ck.Add(10 * time.Second)
	if code, _, _ := b.form("/login", token, url.Values{"username": {"u9"}, "password": {"x"}}); code != 401 {
		t.Errorf("after waiting: %d, want 401", code)
	}
}

// TestFirstRunSetup: no user, a one-time code; the first user becomes the
// instance administrator and setup closes.
func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	app, st, _ := newClockedApp(t, web.Options{SetupCode: "the-code"}, nil)
	b := newBrowser(t, app)
	if code, _, _ := b.do("GET", "/setup?code=guess", nil, ""); code != 403 {
		t.Errorf("setup with a wrong code: %d, want 403", code)
	}
	code, page, _ := b.do("GET", "/setup?code=the-code", nil, "")
	if code != 200 {
		t.Fatalf("setup page: %d", code)
	}
	token := csrfInput.FindStringSubmatch(page)[1]
	fields := url.Values{"code": {"the-code"}, "username": {"root"}, "password": {"short"}, "password2": {"short"}}
	if code, body, _ := b.form("/setup", token, fields); code != 400 || !strings.Contains(body, "at least 12 characters") {
		t.Errorf("short password: %d %.200s", code, body)
	}
	if n, _ := st.CountUsers(context.Background()); n != 0 {
		t.Fatalf("a refused setup created %d users", n)
	}
	fields.Set("password", "a good long password")
	fields.Set("password2", "a good long password")
	if code, _, _ := b.form("/setup", token, fields); code != 303 {
		t.Fatalf("setup: %d, want 303", code)
	}
	if v := b.session(); v["instance_admin"] != true || v["name"] != "root" {
		t.Errorf("after setup: %v, want root, instance administrator", v)
	}
	if code, _, _ := b.do("GET", "/setup?code=the-code", nil, ""); code != 404 {
		t.Errorf("setup after the first user: %d, want 404", code)
	}
	if code, _, _ := b.do("GET", "/admin/users", nil, ""); code != 200 {
		t.Errorf("admin page for the new administrator: %d", code)
	}
}

// TestPublicDemoIsReadOnly: anonymous visitors read the public mission,
// marked as such, and nothing else; writing needs a login.
func TestPublicDemoIsReadOnly(t *testing.T) {
	t.Parallel()
	app, st, _ := newClockedApp(t, web.Options{PublicMission: "tiny"}, nil)
	ctx := portfolio.WithActor(context.Background(), "test")
	m, _ := missionfile.Parse([]byte(strings.Replace(mustReadTestdata(t, "mission_tiny.yaml"), "slug: tiny", "slug: private", 1)))
	if _, err := st.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	code, page, _ := b.do("GET", "/m/tiny", nil, "")
	if code != 200 || !strings.Contains(page, `class="demo-banner"`) {
		t.Errorf("public mission: %d, banner present %v", code, strings.Contains(page, "demo-banner"))
	}
	if strings.Contains(page, "/m/tiny/imports") {
		t.Error("anonymous visitors are offered the imports page")
	}
	if code, _, _ := b.do("GET", "/m/private", nil, ""); code != 303 {
		t.Errorf("private mission: %d, want 303 to the login page", code)
	}
	if code, _, _ := b.do("GET", "/api/v1/missions/private", nil, ""); code != 401 {
		t.Errorf("private mission API: %d, want 401", code)
	}
	_, list, _ := b.do("GET", "/api/v1/missions", nil, "")
	if strings.Contains(list, "private") {
		t.Errorf("mission list names a mission the visitor cannot see: %s", list)
	}
	b.do("GET", "/login", nil, "")
	if code, _, _ := b.do("POST", "/api/v1/missions/tiny/snapshots", map[string]string{"X-CSRF-Token": b.cookie("begira_csrf")}, `{}`); code != 401 {
		t.Errorf("anonymous write on the public mission: %d, want 401", code)
	}
}

// TestGuestLinks: a leader's guest link opens one snapshot's pack and diff
// read-only, is logged at each use, and stops at expiry or revocation; a
// forged or edited link opens nothing.
func TestGuestLinks(t *testing.T) {
	t.Parallel()
	app, st, ck := newClockedApp(t, web.Options{}, map[string]string{"lur": "leader", "vic": "viewer"})
	mustImport(t, st, "tiny", "projects", "p.csv", mustReadTestdata(t, "projects_tiny.csv"))
	lead := newBrowser(t, app)
	lead.login("lur")
	hdr := map[string]string{"Content-Type": "application/json", "X-CSRF-Token": lead.cookie("begira_csrf")}
	// Snapshots need an analyst; the fixture's token is the administrator.
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken, "Content-Type": "application/json"}
	if code, body, _ := lead.do("POST", "/api/v1/missions/tiny/snapshots", admin, `{"label":"March"}`); code != 201 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	viewer := newBrowser(t, app)
	viewer.login("vic")
	if code, _, _ := viewer.do("POST", "/api/v1/missions/tiny/guest-links", map[string]string{"Content-Type": "application/json",
		"X-CSRF-Token": viewer.cookie("begira_csrf")}, `{"snapshot_id": 1}`); code != 403 {
		t.Errorf("viewer creating a guest link: %d, want 403", code)
	}
	code, body, _ := lead.do("POST", "/api/v1/missions/tiny/guest-links", hdr, `{"snapshot_id": 1, "days": 7, "label": "Committee"}`)
	if code != 201 {
		t.Fatalf("create guest link: %d %s", code, body)
	}
	var g struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	}
	json.Unmarshal([]byte(body), &g)
	path, _, _ := strings.Cut(g.URL[strings.Index(g.URL, "/g/"):], "?") // the link ends with its ?lang=

	guest := newBrowser(t, app)
	code, pack, h := guest.do("GET", path, nil, "")
	if code != 200 || !strings.Contains(pack, "March") || strings.Contains(pack, `id="new-decision"`) || strings.Contains(pack, "/m/tiny/snapshots") {
		t.Errorf("guest pack: %d; label shown %v; decision form %v; links into the mission %v", code,
			strings.Contains(pack, "March"), strings.Contains(pack, `id="new-decision"`), strings.Contains(pack, "/m/tiny/snapshots"))
	}
	if h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("guest headers: Cache-Control %q, Referrer-Policy %q", h.Get("Cache-Control"), h.Get("Referrer-Policy"))
	}
	if code, _, _ := guest.do("GET", path+"/diff", nil, ""); code != 200 {
		t.Errorf("guest diff: %d", code)
	}
	// Scope: the link is no key to anything else.
	for _, u := range []string{"/m/tiny", "/m/tiny/snapshots", "/api/v1/snapshots/1"} {
		if code, _, _ := guest.do("GET", u, nil, ""); code != 303 && code != 401 {
			t.Errorf("guest reaching %s: %d, want the login", u, code)
		}
	}
	uses, _ := st.AuditLog(context.Background(), store.AuditFilter{Action: "guest_link.use"})
	if len(uses) != 2 || uses[0].Actor != fmt.Sprintf("guest:%d", g.ID) {
		t.Errorf("guest uses logged: %+v, want 2 by guest:%d", uses, g.ID)
	}
	// Forged and edited links.
	parts := strings.Split(strings.TrimPrefix(path, "/g/"), ".")
	later := fmt.Sprint(ck.Now().Add(365 * 24 * time.Hour).Unix())
	for _, bad := range []string{"/g/1.2.3", "/g/" + parts[0] + "." + later + "." + parts[2], "/g/" + "2." + parts[1] + "." + parts[2]} {
		if code, _, _ := guest.do("GET", bad, nil, ""); code != 404 {
			t.Errorf("%s: %d, want 404", bad, code)
		}
	}
	// Expiry.
	ck.Add(7*24*time.Hour + time.Second)
	if code, body, _ := guest.do("GET", path, nil, ""); code != 403 || !strings.Contains(body, "expired") {
		t.Errorf("expired link: %d", code)
	}
	// Revocation, before expiry.
	ck.Add(-2 * 24 * time.Hour)
	if code, _, _ := guest.do("GET", path, nil, ""); code != 200 {
		t.Fatalf("link before expiry: %d", code)
	}
	lead.login("lur") // days went by: a new session
	hdr["X-CSRF-Token"] = lead.cookie("begira_csrf")
	if code, _, _ := lead.do("DELETE", fmt.Sprintf("/api/v1/guest-links/%d", g.ID), hdr, ""); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _, _ := guest.do("GET", path, nil, ""); code != 403 {
		t.Errorf("revoked link: %d, want 403", code)
	}
}

// TestPublicDemoBannerOnThePack: the pack, a document with its own header,
// is marked for anonymous readers too.
func TestPublicDemoBannerOnThePack(t *testing.T) {
	t.Parallel()
	app, st, _ := newClockedApp(t, web.Options{PublicMission: "tiny"}, nil)
	mustImport(t, st, "tiny", "projects", "p.csv", mustReadTestdata(t, "projects_tiny.csv"))
	b := newBrowser(t, app)
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken, "Content-Type": "application/json"}
	if code, body, _ := b.do("POST", "/api/v1/missions/tiny/snapshots", admin, `{}`); code != 201 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	code, page, _ := b.do("GET", "/m/tiny/snapshots/1/pack", nil, "")
	if code != 200 || !strings.Contains(page, `class="demo-banner"`) || strings.Contains(page, `id="new-decision"`) {
		t.Errorf("anonymous pack: %d, banner %v, decision form %v", code, strings.Contains(page, "demo-banner"), strings.Contains(page, `id="new-decision"`))
	}
}

// TestLoginRateLimitBehindAProxy: behind a trusted proxy each client
// (X-Forwarded-For) has its own attempts; from anyone else the header is
// ignored, so it cannot be used to escape the limit.
func TestLoginRateLimitBehindAProxy(t *testing.T) {
	t.Parallel()
	attempt := func(b *browser, token, client string) int {
		code, _, _ := b.do("POST", "/login", map[string]string{"Content-Type": fiber.MIMEApplicationForm, "X-Forwarded-For": client},
			url.Values{"_csrf": {token}, "username": {"x"}, "password": {"y"}}.Encode())
		return code
	}
	for _, tc := range []struct {
		name    string
		trusted []string
		other   int // the second client's status once the first is limited
	}{
		{"trusted proxy", []string{"0.0.0.0/32"}, 401}, // app.Test's connections come from 0.0.0.0
		{"no proxy configured", nil, 429},
		{"another proxy", []string{"10.0.0.0/8"}, 429},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, _, _ := newClockedApp(t, web.Options{LoginBurst: 1, TrustedProxies: tc.trusted}, nil)
			b := newBrowser(t, app)
			_, page, _ := b.do("GET", "/login", nil, "")
			token := csrfInput.FindStringSubmatch(page)[1]
			if code := attempt(b, token, "203.0.113.7"); code != 401 {
				t.Fatalf("first attempt: %d", code)
			}
			if code := attempt(b, token, "203.0.113.7"); code != 429 {
				t.Errorf("same client again: %d, want 429", code)
			}
			if code := attempt(b, token, "198.51.100.9"); code != tc.other {
				t.Errorf("another client: %d, want %d", code, tc.other)
			}
		})
	}
}
