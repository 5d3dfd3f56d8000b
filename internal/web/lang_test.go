package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/begira/begira/internal/web"
)

// htmlLang reads the language a page says it is in.
var htmlLang = regexp.MustCompile(`<html lang="([a-z]+)"`)

func pageLang(t *testing.T, page string) string {
	t.Helper()
	m := htmlLang.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no <html lang>: %.200s", page)
	}
	return m[1]
}

// TestLanguageSticks: a Spanish deep link to a page that needs a login
// leads to a Spanish login page and, once logged in, to the page in
// Spanish; the choice is remembered over pages without ?lang= and beats
// Accept-Language, which is only the first guess.
func TestLanguageSticks(t *testing.T) {
	t.Parallel()
	app, _, _ := newClockedApp(t, web.Options{}, map[string]string{"ane": "analyst"})
	b := newBrowser(t, app)
	code, _, h := b.do("GET", "/m/tiny/imports?lang=es", map[string]string{"Accept-Language": "en"}, "")
	loc := h.Get("Location")
	if code != 303 || !strings.HasPrefix(loc, "/login?") {
		t.Fatalf("deep link: %d to %q, want the login", code, loc)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("lang") != "es" {
		t.Errorf("the login redirect %q loses the language", loc)
	}
	_, login, _ := b.do("GET", loc, map[string]string{"Accept-Language": "en"}, "")
	if pageLang(t, login) != "es" || !strings.Contains(login, ">Entrar<") {
		t.Errorf("the login page is not in Spanish: %.400s", login)
	}
	token := csrfInput.FindStringSubmatch(login)[1]
	// The form posts to /login without ?lang=: the cookie carries it.
	code, _, h = b.do("POST", "/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"},
		url.Values{"_csrf": {token}, "username": {"ane"}, "password": {"ane has a long password"}, "next": {u.Query().Get("next")}}.Encode())
	if code != 303 || !strings.HasPrefix(h.Get("Location"), "/m/tiny/imports") {
		t.Fatalf("login: %d to %q", code, h.Get("Location"))
	}
	_, imports, _ := b.do("GET", h.Get("Location"), map[string]string{"Accept-Language": "en"}, "")
	if pageLang(t, imports) != "es" {
		t.Errorf("after the login the page is in %q, want es", pageLang(t, imports))
	}
	// Remembered: a page without ?lang= stays in Spanish.
	_, overview, _ := b.do("GET", "/m/tiny", map[string]string{"Accept-Language": "eu"}, "")
	if pageLang(t, overview) != "es" {
		t.Errorf("a page without ?lang= is in %q, want the remembered es", pageLang(t, overview))
	}
	// A new choice replaces it.
	b.do("GET", "/m/tiny?lang=eu", nil, "")
	if _, p, _ := b.do("GET", "/m/tiny", nil, ""); pageLang(t, p) != "eu" {
		t.Errorf("after choosing eu the page is in %q", pageLang(t, p))
	}
	// Accept-Language is the first guess of a new visitor.
	fresh := newBrowser(t, app)
	if _, p, _ := fresh.do("GET", "/login", map[string]string{"Accept-Language": "eu-ES,eu;q=0.9,en;q=0.5"}, ""); pageLang(t, p) != "eu" {
		t.Errorf("Accept-Language eu: page in %q", pageLang(t, p))
	}
	// The API is not remembered into: its labels follow ?lang= only.
	fresh.do("GET", "/api/v1/missions?lang=es", nil, "")
	for _, c := range fresh.last {
		if c.Name == "begira_lang" {
			t.Errorf("the API set the language cookie")
		}
	}
}

// TestGuestLinkOpensInItsLanguage: a guest link created in Basque opens in
// Basque for a guest whose browser asks for English; one created through
// the API may name its language.
func TestGuestLinkOpensInItsLanguage(t *testing.T) {
	t.Parallel()
	app, st, _ := newClockedApp(t, web.Options{}, map[string]string{"lur": "leader"})
	mustImport(t, st, "tiny", "projects", "p.csv", mustReadTestdata(t, "projects_tiny.csv"))
	lead := newBrowser(t, app)
	lead.login("lur")
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken, "Content-Type": "application/json"}
	if code, body, _ := lead.do("POST", "/api/v1/missions/tiny/snapshots", admin, `{"label":"March"}`); code != 201 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	// The leader works in Basque; the form creates the link.
	_, page, _ := lead.do("GET", "/m/tiny/snapshots?lang=eu", nil, "")
	token := csrfInput.FindStringSubmatch(page)[1]
	code, created, _ := lead.form("/m/tiny/guest-links", token, url.Values{"snapshot_id": {"1"}, "days": {"7"}, "label": {"Batzordea"}})
	if code != 201 || pageLang(t, created) != "eu" {
		t.Fatalf("creating a guest link: %d, page in %q (want it to stay in eu)", code, pageLang(t, created))
	}
	link := regexp.MustCompile(`/g/[A-Za-z0-9._~-]+\?lang=eu`).FindString(created)
	if link == "" {
		t.Fatalf("the new link does not carry ?lang=eu: %.2000s", created)
	}
	guest := newBrowser(t, app)
	code, pack, _ := guest.do("GET", link, map[string]string{"Accept-Language": "en"}, "")
	if code != 200 || pageLang(t, pack) != "eu" {
		t.Errorf("the guest link opens with %d in %q, want 200 in eu", code, pageLang(t, pack))
	}
	// Through the API, in Spanish by request.
	hdr := map[string]string{"Content-Type": "application/json", "X-CSRF-Token": lead.cookie("begira_csrf")}
	_, body, _ := lead.do("POST", "/api/v1/missions/tiny/guest-links", hdr, `{"snapshot_id": 1, "lang": "es"}`)
	var g struct {
		URL string `json:"url"`
	}
	json.Unmarshal([]byte(body), &g)
	if !strings.HasSuffix(g.URL, "?lang=es") {
		t.Errorf("API guest link %q, want it to end with ?lang=es", g.URL)
	}
	if code, _, _ := lead.do("POST", "/api/v1/missions/tiny/guest-links", hdr, `{"snapshot_id": 1, "lang": "fr"}`); code != 400 {
		t.Errorf("a guest link in French: %d, want 400", code)
	}
}

// TestTimesInTheMissionZone: "Figures as of", snapshots and imports say
// their time in the mission's zone (Europe/Madrid) the reader's way, never
// in UTC or ISO.
func TestTimesInTheMissionZone(t *testing.T) {
	t.Parallel()
	app, st, _ := newClockedApp(t, web.Options{}, nil) // the clock reads 27 Nov 2026 09:00 UTC
	mustImport(t, st, "tiny", "projects", "p.csv", mustReadTestdata(t, "projects_tiny.csv"))
	b := newBrowser(t, app)
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken, "Content-Type": "application/json"}
	if code, body, _ := b.do("POST", "/api/v1/missions/tiny/snapshots", admin, `{"label":"March"}`); code != 201 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	for _, tc := range []struct{ lang, path, want string }{
		{"eu", "/m/tiny", `2026/11/27 10:00 CET`},
		{"es", "/m/tiny", `27/11/2026 10:00 CET`},
		{"en", "/m/tiny", `27 Nov 2026, 10:00 CET`},
		// Snapshots and metrics keep the real clock: the format is checked.
		{"eu", "/m/tiny/snapshots", `\d{4}/\d{2}/\d{2} \d{2}:\d{2} CES?T`},
		{"es", "/m/tiny/metrics", `\d{2}/\d{2}/\d{4} \d{2}:\d{2} CES?T`},
	} {
		_, page, _ := b.do("GET", tc.path+"?lang="+tc.lang, map[string]string{"Authorization": admin["Authorization"]}, "")
		text := readableText(page)
		if !regexp.MustCompile(tc.want).MatchString(text) {
			t.Errorf("%s %s: no %s in %.600s", tc.lang, tc.path, tc.want, text)
		}
		if strings.Contains(text, " UTC") {
			t.Errorf("%s %s shows a UTC time: %.600s", tc.lang, tc.path, text)
		}
	}
}
