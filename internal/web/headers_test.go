package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/web"
)

// get sends GET url with the admin token (or none) and returns the response.
func get(t *testing.T, app interface {
	Test(*http.Request, ...int) (*http.Response, error)
}, url string, token bool) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	if token {
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// TestPrivatePagesAreNotStored: what a signed-in principal sees carries
// Cache-Control: private, no-store (snapshot pages keep their own private,
// immutable caching); --hsts adds Strict-Transport-Security to every
// answer, errors included. Before the fix neither header was sent.
func TestPrivatePagesAreNotStored(t *testing.T) {
	t.Parallel()
	app, _ := newImportApp(t, web.Options{HSTS: true})
	for _, url := range []string{"/m/tiny", "/api/v1/missions", "/m/tiny/projects", "/api/v1/missions/nope"} {
		res := get(t, app, url, true)
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("%s (%d): Cache-Control %q, want private, no-store", url, res.StatusCode, cc)
		}
		if h := res.Header.Get("Strict-Transport-Security"); h != "max-age=31536000" {
			t.Errorf("%s: Strict-Transport-Security %q", url, h)
		}
	}
	if res := get(t, app, "/static/begira.css", false); strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("static files: Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	plain, _ := newImportApp(t, web.Options{})
	if h := get(t, plain, "/healthz", false).Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("without --hsts: Strict-Transport-Security %q", h)
	}
}

// TestGuestTokensStayOutOfTheLog: a guest link's token is a secret; the
// request log shows the route, not the token. Before the fix the live
// token was logged.
func TestGuestTokensStayOutOfTheLog(t *testing.T) {
	t.Parallel()
	app, _, logs := newLoggedApp(t, web.Options{})
	const token = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtYmUtbG9nZ2Vk"
	for _, url := range []string{"/g/" + token, "/g/" + token + "/diff?against=1"} {
		get(t, app, url, false)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the log holds the token:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "/g/[redacted]/diff") {
		t.Errorf("the log does not show the redacted route:\n%s", logs)
	}
}

// TestDiffNamesNoOtherMission: comparing with a snapshot of another
// mission is answered as if it did not exist, without the other mission's
// slug. Before the fix the error named both missions.
func TestDiffNamesNoOtherMission(t *testing.T) {
	t.Parallel()
	app, st := newImportApp(t, web.Options{})
	secret := strings.Replace(mustReadTestdata(t, "mission_tiny.yaml"), "slug: tiny", "slug: secret-plans", 1)
	m, err := missionfile.Parse([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	mine := mustTakeSnapshot(t, app, "tiny", "mine")
	other := mustTakeSnapshot(t, app, "secret-plans", "other")
	for _, url := range []string{
		fmt.Sprintf("/api/v1/snapshots/%d/diff?against=%d", mine, other),
		fmt.Sprintf("/m/tiny/snapshots/%d/diff?against=%d", mine, other),
	} {
		status, body := send(t, app, http.MethodGet, url, "", nil)
		if status != http.StatusNotFound || strings.Contains(string(body), "secret-plans") {
			t.Errorf("%s: %d %.300s; want 404 without the other mission's slug", url, status, body)
		}
	}
}
