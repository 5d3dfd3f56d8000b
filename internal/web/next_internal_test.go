package web

import "testing"

// TestSafeNext: only same-origin paths survive. Before the fix "/\t/evil"
// (a browser drops the tab: "//evil") and "/a\\b" tricks passed.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/m/demo?x=1#top":          "/m/demo?x=1#top",
		"/":                        "/",
		"":                         "/",
		"https://evil.example/":    "/",
		"//evil.example":           "/",
		"/\\evil.example":          "/",
		"/\t/evil.example":         "/",
		"/\n/evil.example":         "/",
		"/\r\n/evil.example":       "/",
		"\t//evil.example":         "/",
		"/m/x\\..\\..\\evil":       "/",
		"/%09/evil.example":        "/%09/evil.example", // stays a path on this host
		"javascript:alert(1)":      "/",
		" /m/demo":                 "/",
		"/\x7f/evil":               "/",
		"/m/demo?next=//elsewhere": "/m/demo?next=//elsewhere",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
