package web_test

import (
	"encoding/json"
	"html"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/web"
)

var (
	scriptOrStyle = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`)
	readAttr      = regexp.MustCompile(`\b(?:aria-label|title|placeholder|alt)="([^"]*)"`)
	anyTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces        = regexp.MustCompile(`\s+`)
	fmtVerb       = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)
)

// readableText is what a person reads on a page: its text and the
// attributes that screen readers and tooltips say.
func readableText(page string) string {
	page = scriptOrStyle.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range readAttr.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]) + " \n ")
	}
	b.WriteString(html.UnescapeString(anyTag.ReplaceAllString(page, " \n ")))
	return spaces.ReplaceAllString(b.String(), " ")
}

// englishFragments are the pieces of the English catalogue a Spanish or
// Basque page must never show: each message cut at its fmt verbs, kept
// when it is long enough to be a phrase and neither translation reuses it.
func englishFragments(t *testing.T) map[string]string {
	t.Helper()
	load := func(lang string) map[string]string {
		b, err := os.ReadFile("../i18n/locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en, es, eu := load("en"), load("es"), load("eu")
	out := map[string]string{}
	for key, msg := range en {
		for _, frag := range fmtVerb.Split(msg, -1) {
			frag = strings.TrimSpace(frag)
			if len(frag) < 14 || !strings.Contains(frag, " ") || strings.Contains(es[key], frag) || strings.Contains(eu[key], frag) {
				continue
			}
			out[frag] = key
		}
	}
	return out
}

// TestPagesSpeakOnlyTheirLanguage renders every page, as an administrator
// and as a visitor, with its error pages, in Spanish and Basque, and fails
// when one shows a phrase of the English catalogue.
func TestPagesSpeakOnlyTheirLanguage(t *testing.T) {
	t.Parallel()
	app, st, _ := newClockedApp(t, web.Options{}, map[string]string{"vic": "viewer"})
	mustImport(t, st, "tiny", "projects", "p.csv", mustReadTestdata(t, "projects_tiny.csv"))
	b := newBrowser(t, app)
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken, "Content-Type": "application/json"}
	if code, body, _ := b.do("POST", "/api/v1/missions/tiny/snapshots", admin, `{"label":"March"}`); code != 201 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	frags := englishFragments(t)
	if len(frags) < 300 {
		t.Fatalf("only %d English phrases to look for", len(frags))
	}
	pages := []string{"/", "/m/tiny", "/m/tiny/d/balance", "/m/tiny/d/health", "/m/tiny/d/network", "/m/tiny/d/signals",
		"/m/tiny/d/territory", "/m/tiny/projects", "/m/tiny/organisations", "/m/tiny/signals", "/m/tiny/metrics",
		"/m/tiny/snapshots", "/m/tiny/snapshots/1/pack", "/m/tiny/snapshots/1/diff", "/m/tiny/digest", "/m/tiny/decisions",
		"/m/tiny/imports", "/jobs", "/admin/users", "/admin/tokens", "/admin/audit",
		"/m/tiny/projects/NO-SUCH-PROJECT", "/no/such/page"}
	visitor := newBrowser(t, app)
	viewer := newBrowser(t, app)
	viewer.login("vic")
	for _, lang := range []string{"es", "eu"} {
		check := func(who, path, page string) {
			text := readableText(page)
			var found []string
			for frag, key := range frags {
				if strings.Contains(text, frag) {
					found = append(found, key+" “"+frag+"”")
				}
			}
			sort.Strings(found)
			if len(found) > 0 {
				t.Errorf("%s %s as %s shows English: %s", lang, path, who, strings.Join(found, "; "))
			}
		}
		for _, path := range pages {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			code, page, _ := b.do("GET", path+sep+"lang="+lang, map[string]string{"Authorization": admin["Authorization"]}, "")
			want := 200
			if path == "/" {
				want = 302 // to the mission
			}
			if strings.Contains(path, "NO-SUCH") || strings.Contains(path, "no/such") {
				if code != 404 {
					t.Errorf("%s: %d, want 404", path, code)
				}
			} else if code != want {
				t.Errorf("%s as administrator: %d, want %d", path, code, want)
			}
			check("administrator", path, page)
		}
		for _, path := range []string{"/", "/login", "/m/tiny/admin", "/admin/users"} {
			_, page, _ := visitor.do("GET", path+"?lang="+lang, nil, "")
			check("visitor", path, page)
		}
		// A viewer refused an administrator's page: the 403 page.
		code, page, _ := viewer.do("GET", "/admin/users?lang="+lang, nil, "")
		if code != 403 {
			t.Errorf("viewer on /admin/users: %d, want 403", code)
		}
		check("viewer", "/admin/users (403)", page)
		// Refusals are said by code in the page's language, never in the
		// server's English.
		if want := i18n.T(lang, "error.EFORBIDDEN"); !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("%s 403 page does not say %q: %s", lang, want, readableText(page))
		}
		// A refusal with specifics says them in the page's language: which
		// value of which parameter was refused.
		code, page, _ = viewer.do("GET", "/m/tiny/decisions?decision_status=nope&lang="+lang, nil, "")
		check("viewer", "/m/tiny/decisions?decision_status=nope (400)", page)
		want := map[string]string{"es": `decision_status="nope" no es un estado de decisión`, "eu": `decision_status="nope" ez da erabaki-egoera bat`}[lang]
		if code != 400 || !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("%s decisions refusal: %d, does not say %q: %s", lang, code, want, readableText(page))
		}
		_, page, _ = viewer.do("GET", "/m/tiny/projects/NO-SUCH?lang="+lang, nil, "")
		if want := i18n.T(lang, "error.ENOTFOUND"); !strings.Contains(html.UnescapeString(page), want) || strings.Contains(page, "NO-SUCH") && strings.Contains(page, "no project") {
			t.Errorf("%s 404 page does not say %q: %s", lang, want, readableText(page))
		}
	}
}
