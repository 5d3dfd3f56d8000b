package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// viaProxy is app.Test's peer (0.0.0.0) trusted as a reverse proxy, so
// X-Forwarded-For names the client.
var viaProxy = []string{"0.0.0.0/32"}

// attemptFrom posts a login from the client forwarded as xff.
func attemptFrom(b *browser, token, xff, name, pw string) (int, string) {
	b.t.Helper()
	code, _, h := b.do("POST", "/login", map[string]string{"Content-Type": fiber.MIMEApplicationForm, "X-Forwarded-For": xff},
		url.Values{"_csrf": {token}, "username": {name}, "password": {pw}}.Encode())
	return code, h.Get("Retry-After")
}

func loginToken(t *testing.T, b *browser) string {
	t.Helper()
	_, page, _ := b.do("GET", "/login", nil, "")
	return csrfInput.FindStringSubmatch(page)[1]
}

// TestLoginThrottle: failures slow the (account, client) pair with growing
// delays; a known name and an unknown one go through the same states; the
// owner, from another client, logs in at once; nothing is locked. Before
// the fix the fifth wrong password for a known user answered 429 "locked"
// (an unknown name kept 401: enumeration) and locked the account for every
// client, its owner included.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	app, st, ck := newClockedApp(t, web.Options{LoginBurst: 1000, TrustedProxies: viaProxy}, map[string]string{"mikel": "viewer"})
	b := newBrowser(t, app)
	token := loginToken(t, b)
	run := func(name, client string) []string {
		var got []string
		for range 5 {
			code, after := attemptFrom(b, token, client, name, "wrong")
			got = append(got, fmt.Sprint(code, "/", after))
		}
		for _, wait := range []time.Duration{0, time.Second, time.Second, 2 * time.Second} {
			ck.Add(wait)
			code, after := attemptFrom(b, token, client, name, "wrong")
			got = append(got, fmt.Sprint(code, "/", after))
		}
		return got
	}
	known := run("mikel", "203.0.113.7")
	// The delay grows: the last failure asks for 4 s now.
	if code, after := attemptFrom(b, token, "203.0.113.7", "mikel", "wrong"); code != 429 || after != "4" {
		t.Errorf("next attempt: %d Retry-After %q, want 429 and 4", code, after)
	}
	// The owner, elsewhere, is not kept out: right password, at once.
	owner := newBrowser(t, app)
	if code, _ := attemptFrom(owner, loginToken(t, owner), "198.51.100.1", "mikel", "mikel has a long password"); code != 303 {
		t.Errorf("owner from another client: %d, want 303", code)
	}
	unknown := run("nobody", "203.0.113.8")
	want := "401/ 401/ 401/ 401/ 401/ 429/1 401/ 429/1 401/"
	if strings.Join(known, " ") != want {
		t.Errorf("known name:   %s\nwant          %s", strings.Join(known, " "), want)
	}
	if strings.Join(unknown, " ") != strings.Join(known, " ") {
		t.Errorf("unknown name: %s\nknown name:   %s", strings.Join(unknown, " "), strings.Join(known, " "))
	}
	// The attacker's client, once it has waited, gets in with the right
	// password: there is no lock to wait out.
	if code, _ := attemptFrom(b, token, "203.0.113.7", "mikel", "mikel has a long password"); code != 303 {
		t.Errorf("right password after the delay: %d, want 303", code)
	}
	es, _ := st.AuditLog(context.Background(), store.AuditFilter{Action: "user.locked"})
	if len(es) != 0 {
		t.Errorf("an account was locked: %+v", es)
	}
}

// TestLoginThrottlePerClient: one client trying many names is slowed too,
// and rewriting the leftmost X-Forwarded-For does not make it another
// client. Before the fix the rate limit counted the leftmost address, which
// the client writes.
func TestLoginThrottlePerClient(t *testing.T) {
	t.Parallel()
	app, _, _ := newClockedApp(t, web.Options{LoginBurst: 1000, LoginFailures: 2, TrustedProxies: viaProxy}, nil)
	b := newBrowser(t, app)
	token := loginToken(t, b)
	for i := range 8 { // 4 × LoginFailures
		xff := fmt.Sprintf("10.9.9.%d, 203.0.113.7", i) // the proxy appended the last one
		if code, _ := attemptFrom(b, token, xff, fmt.Sprint("user", i), "x"); code != 401 {
			t.Fatalf("attempt %d: %d, want 401", i+1, code)
		}
	}
	if code, after := attemptFrom(b, token, "10.1.1.1, 203.0.113.7", "user99", "x"); code != 429 || after != "1" {
		t.Errorf("ninth name from one client: %d Retry-After %q, want 429 and 1", code, after)
	}
	if code, _ := attemptFrom(b, token, "203.0.113.99", "user99", "x"); code != 401 {
		t.Errorf("another client: %d, want 401", code)
	}
}

// TestForwardedHeadersOnlyFromTrustedProxies: with no trusted proxy,
// X-Forwarded-Proto does not make cookies Secure and X-Forwarded-Host does
// not pass the Origin check. Before the fix Fiber believed both from anyone.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		trusted []string
		secure  bool
		origin  int
	}{
		{"no proxy", nil, false, 403},
		{"trusted proxy", viaProxy, true, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, _, _ := newClockedApp(t, web.Options{TrustedProxies: tc.trusted}, nil)
			b := newBrowser(t, app)
			b.do("GET", "/login", map[string]string{"X-Forwarded-Proto": "https"}, "")
			if c := b.last; len(c) == 0 || c[0].Secure != tc.secure {
				t.Errorf("cookies %v, want Secure=%v", c, tc.secure)
			}
			token := b.cookie("begira_csrf")
			code, _, _ := b.do("POST", "/login", map[string]string{"Content-Type": fiber.MIMEApplicationForm,
				"Origin": "http://evil.example", "X-Forwarded-Host": "evil.example"},
				url.Values{"_csrf": {token}, "username": {"x"}, "password": {"y"}}.Encode())
			if code != tc.origin {
				t.Errorf("cross-origin post with a forwarded host: %d, want %d", code, tc.origin)
			}
		})
	}
}
