package web_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// logBuffer collects a server's log lines, safe for concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newLoggedApp is newImportApp with its log kept for the test to read.
func newLoggedApp(t testing.TB, opt web.Options) (*fiber.App, *store.Store, *logBuffer) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Memory, store.Options{})
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
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	return web.New(testDeps(st, st, log), opt), st, logs
}

// raw writes request on a new connection to addr and reads the answer,
// failing the test if none comes within 5 s: the body the request
// announces is never sent, so an answer proves the server did not wait
// for it.
func raw(t *testing.T, addr, request string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent (%v) to %.80q", err, request)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestLimitsBeforeBodies: a body that may not be read is refused from the
// headers alone. Before the fix, fasthttp pre-parsed a multipart body of
// any size (spooling it to disk) and pre-read every body before the
// handler's check, and gave an anonymous upload the 15-minute upload
// timeout: each of these requests went unanswered while its body was
// withheld.
func TestLimitsBeforeBodies(t *testing.T) {
	t.Parallel()
	app, st, logs := newLoggedApp(t, web.Options{UploadLimit: 1 << 20, UploadTimeout: time.Hour})
	addr := listen(t, app)
	const gig = 1 << 30
	cases := []struct {
		name, request string
		want          int
		inBody        string
	}{
		{"anonymous multipart of 1 GB to /login",
			"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
				fmt.Sprintf("Content-Length: %d\r\n\r\n--b\r\n", gig), 413, "larger than"},
		{"anonymous 1 GB to /healthz",
			fmt.Sprintf("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", gig), 413, "larger than"},
		{"anonymous upload: the guard answers, not the body",
			"POST /api/v1/missions/tiny/imports HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
				"Content-Length: 100000\r\n\r\n--b\r\n", 403, "CSRF"},
		{"upload with a revoked token",
			"POST /api/v1/missions/tiny/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n" +
				"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n", 401, "unknown or revoked"},
		{"authorised upload declared over the limit",
			"POST /api/v1/missions/tiny/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + testAdminToken + "\r\n" +
				"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 2000000\r\n\r\n--b\r\n", 413, "upload limit of 1 MB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := raw(t, addr, tc.request)
			if status != tc.want || !strings.Contains(body, tc.inBody) {
				t.Errorf("status %d %.200s, want %d with %q", status, body, tc.want, tc.inBody)
			}
		})
	}
	if n := countProjects(t, st); n != 0 {
		t.Errorf("%d projects stored", n)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("refusals logged as errors:\n%s", logs)
	}
}

// repeatReader yields the same byte forever without allocating.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestUploadMemoryDoesNotGrowWithTheFile: a 48 MB upload is streamed to
// disk. Before the fix fasthttp pre-parsed the multipart form and the
// handler then asked for the body, which rebuilt all of it in memory (an
// authorised 150 MB upload raised the server's memory by about 360 MB).
func TestUploadMemoryDoesNotGrowWithTheFile(t *testing.T) {
	app, _, _ := newLoggedApp(t, web.Options{})
	addr := listen(t, app)
	const size = 48 << 20
	head := "--b\r\nContent-Disposition: form-data; name=\"header_row\"\r\n\r\nnot-a-number\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nprojects\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n\r\n"
	tail := "\r\n--b--\r\n"
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(repeatReader('x'), size), strings.NewReader(tail))
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/missions/tiny/imports", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(head) + size + len(tail))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	req.Close = true
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	runtime.ReadMemStats(&after)
	// The whole file was read: the form field after it is what failed.
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(got), "header_row") {
		t.Fatalf("status %d %.300s, want 400 about header_row", res.StatusCode, got)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > size/4 {
		t.Errorf("a %d MB upload allocated %d MB", size>>20, grew>>20)
	}
}

// TestMalformedRequestsAreClientErrors: what a scanner sends answers 4xx
// and writes no ERROR line. Before the fix a 10 KB query string answered
// 500 (Fiber's 431 had no domain code) and logged an error.
func TestMalformedRequestsAreClientErrors(t *testing.T) {
	t.Parallel()
	app, _, logs := newLoggedApp(t, web.Options{})
	addr := listen(t, app)
	long := strings.Repeat("a", 10<<10)
	cases := []struct {
		name, request string
		want          int
	}{
		{"10 KB query string", "GET /?q=" + long + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
		{"10 KB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Junk: " + long + "\r\n\r\n", 431},
		{"garbage request line", "BLAH\r\n\r\n", 400},
		{"bad content length", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400},
		{"both lengths", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0},
		{"bad chunk", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 413},
		{"multipart without boundary to login", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 4\r\n\r\nabcd", 403},
		{"broken multipart to login", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 9\r\n\r\n--b\r\nxxxx", 403},
		{"bad escape in path", "GET /m/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 0},
		{"bad escape in query", "GET /api/v1/missions?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 0},
		{"bad id", "GET /api/v1/snapshots/abc HTTP/1.1\r\nHost: x\r\n\r\n", 401},
		{"bad authorization", "GET /api/v1/missions HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n\r\n", 401},
		{"huge id", "GET /api/v1/imports/99999999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n", 401},
		{"bad lang", "GET /?lang=%00%ff HTTP/1.1\r\nHost: x\r\n\r\n", 0},
		{"bad cookie", "GET / HTTP/1.1\r\nHost: x\r\nCookie: begira_session=%%%; begira_csrf=\x01\r\n\r\n", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := raw(t, addr, tc.request)
			if status >= 500 || (tc.want != 0 && status != tc.want) {
				t.Errorf("status %d (%.200s), want %d (any below 500 when 0)", status, body, tc.want)
			}
		})
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("malformed requests logged as errors:\n%.3000s", logs)
	}
}
