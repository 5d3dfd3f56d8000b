package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// get sends a GET with headers and returns the response and its raw body.
func getWith(t *testing.T, app *fiber.App, url string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func unbrotli(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("brotli: %v", err)
	}
	return out
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// TestStaticAssetsAreCompressedAndImmutable: pages link assets under
// content-hashed names that are immutable; each is served in the coding
// the client accepts, decoding to the same bytes, with Vary and an ETag.
func TestStaticAssetsAreCompressedAndImmutable(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	page := mustGet(t, app, "/m/gipuzkoa")
	m := regexp.MustCompile(`src="(/static/vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("the overview links no content-hashed echarts.min.js")
	}
	hashed := string(m[1])
	res, plain := getWith(t, app, hashed, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" || len(plain) < 1_000_000 {
		t.Fatalf("identity: status %d, encoding %q, %d bytes", res.StatusCode, res.Header.Get("Content-Encoding"), len(plain))
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q, want immutable for a year", got)
	}
	if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary = %q, want Accept-Encoding", got)
	}
	res, br := getWith(t, app, hashed, map[string]string{"Accept-Encoding": "gzip, deflate, br, zstd"})
	if res.Header.Get("Content-Encoding") != "br" || !bytes.Equal(unbrotli(t, br), plain) {
		t.Errorf("br: encoding %q; the body does not decode to the file", res.Header.Get("Content-Encoding"))
	}
	if len(br) > len(plain)/3 {
		t.Errorf("br: %d bytes for %d, want at most a third", len(br), len(plain))
	}
	res, gz := getWith(t, app, hashed, map[string]string{"Accept-Encoding": "gzip"})
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, gz), plain) {
		t.Errorf("gzip: encoding %q; the body does not decode to the file", res.Header.Get("Content-Encoding"))
	}
	etag := res.Header.Get("ETag")
	if res, body := getWith(t, app, hashed, map[string]string{"If-None-Match": etag}); res.StatusCode != 304 || len(body) != 0 {
		t.Errorf("If-None-Match %s: status %d, %d bytes, want 304 and none", etag, res.StatusCode, len(body))
	}
	if res, _ := getWith(t, app, "/static/vendor/echarts/echarts.min.000000000000.js", nil); res.StatusCode != 404 {
		t.Errorf("a wrong hash: status %d, want 404", res.StatusCode)
	}
}

// TestDashboardPagesAreSentCompressed: the overview comes in brotli or
// gzip as asked, decoding to the page sent uncompressed, with Vary.
func TestDashboardPagesAreSentCompressed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, plain := getWith(t, app, "/m/gipuzkoa?lang=eu", nil)
	anon := func(enc string) (*http.Response, []byte) {
		req := httptest.NewRequest(http.MethodGet, "/m/gipuzkoa?lang=eu", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	// An anonymous reader's page (with the login link) is another copy.
	_, anonPlain := anon("")
	if bytes.Equal(anonPlain, plain) {
		t.Fatal("the anonymous and the signed-in page are the same: the test cannot tell their copies apart")
	}
	if res, body := anon("br"); res.Header.Get("Content-Encoding") != "br" || !bytes.Equal(unbrotli(t, body), anonPlain) {
		t.Errorf("anonymous br page: encoding %q, or it does not decode to the anonymous page", res.Header.Get("Content-Encoding"))
	}
	for _, enc := range []string{"br", "gzip"} {
		for range 2 { // the second is served from the compressed copy
			res, body := getWith(t, app, "/m/gipuzkoa?lang=eu", map[string]string{"Accept-Encoding": enc})
			if res.Header.Get("Content-Encoding") != enc {
				t.Fatalf("Content-Encoding = %q, want %s", res.Header.Get("Content-Encoding"), enc)
			}
			if got := res.Header.Values("Vary"); !strings.Contains(strings.Join(got, ","), "Accept-Encoding") {
				t.Errorf("Vary = %q, want Accept-Encoding in it", got)
			}
			decoded := gunzipOrUnbrotli(t, enc, body)
			if !bytes.Equal(decoded, plain) {
				t.Errorf("%s page decodes to %d bytes that differ from the plain page (%d bytes)", enc, len(decoded), len(plain))
			}
			if len(body) > len(plain)/4 {
				t.Errorf("%s: %d bytes for a %d-byte page", enc, len(body), len(plain))
			}
		}
	}
}

func gunzipOrUnbrotli(t *testing.T, enc string, b []byte) []byte {
	if enc == "br" {
		return unbrotli(t, b)
	}
	return gunzip(t, b)
}
