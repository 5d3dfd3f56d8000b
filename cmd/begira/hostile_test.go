package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
	"github.com/begira/begira/internal/portfolio"
)

// hostile is the corpus: each string tries another way out of the place it
// is put — a script block, an element, an attribute (either quote), an
// event handler, a javascript: URL, a template.
var hostile = []string{
	`</script><script>alert(1)</script>`,
	`<img src=x onerror=alert(2) class=pwned>`,
	`"><svg onload=alert(3) class=pwned>`,
	`' onmouseover='alert(4)' x='`,
	`javascript:alert(5)`,
	`{{.}}${alert(6)}`,
}

// injectedJS counts what a hostile string would have made of the page had
// it escaped: elements it created, handlers, javascript: links, scripts
// not served by us, and dialogs are counted by the browser itself.
const injectedJS = `(() => ({
  elements: document.querySelectorAll('.pwned, [onerror], [onload], [onmouseover]').length,
  links: document.querySelectorAll('a[href^="javascript:"], [src^="javascript:"]').length,
  scripts: [...document.scripts].filter(s => s.type !== 'application/json' && !(s.src && new URL(s.src).origin === location.origin && new URL(s.src).pathname.startsWith('/static/'))).length,
  text: document.body.innerText
}))()`

type injected struct {
	Elements int    `json:"elements"`
	Links    int    `json:"links"`
	Scripts  int    `json:"scripts"`
	Text     string `json:"text"`
}

// TestHostileStringsStayText puts the corpus into every field a user can
// fill — mission and term labels, project titles and organisations,
// signal headlines and URLs, snapshot labels, decisions, guest link
// labels, token names, usernames, an upload's file name — and opens every
// page that shows them in Chromium: nothing runs, nothing is injected, the
// strings read as text, and the charts still draw.
func TestHostileStringsStayText(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	base := "http://" + addr
	api := adminClient(t, s)
	ctx := portfolio.WithActor(context.Background(), "test")
	h := func(i int) string { return hostile[i%len(hostile)] }

	// Mission, scheme and term labels (chart axes and legends use them).
	m, err := s.store.Mission(ctx, "gipuzkoa")
	if err != nil {
		t.Fatal(err)
	}
	m.Title = portfolio.Labels{EN: h(0), ES: h(1), EU: h(2)}
	m.Statement = h(3)
	for i := range m.Schemes {
		if m.Schemes[i].Code == "pillar" || m.Schemes[i].Code == "level" {
			m.Schemes[i].Label.EN = h(i)
			for j := range m.Schemes[i].Terms {
				m.Schemes[i].Terms[j].Label.EN = h(i + j)
			}
		}
	}
	if _, err := s.store.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}

	call := func(method, path, ctype string, body io.Reader) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, body)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := api.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out)
		}
		return out
	}
	csvCell := func(v string) string { return `"` + strings.ReplaceAll(v, `"`, `""`) + `"` }
	upload := func(kind, filename, body string) {
		t.Helper()
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("kind", kind)
		fw, _ := w.CreateFormFile("file", filename)
		fw.Write([]byte(body))
		w.Close()
		var b struct{ ID int64 }
		json.Unmarshal(call("POST", "/api/v1/missions/gipuzkoa/imports", w.FormDataContentType(), &buf), &b)
		call("POST", fmt.Sprintf("/api/v1/imports/%d/commit", b.ID), "", nil)
	}
	var projects strings.Builder
	projects.WriteString("ext_ref,title,summary,pillars,level,stage,status,budget_total_eur,lead_org,partners\n")
	for i := range hostile {
		fmt.Fprintf(&projects, "H-%d,%s,%s,adaptation,regulation,explore,active,1000,%s,%s\n", i,
			csvCell(h(i)), csvCell(h(i+1)), csvCell("Org "+h(i)), csvCell("Partner "+h(i+2)))
	}
	upload("projects", `"><img src=x onerror=alert(7) class=pwned>.csv`, projects.String())
	var signals strings.Builder
	signals.WriteString("ext_ref,headline,description,url,source_type,observed_at,status,pillars\n")
	for i := range hostile {
		fmt.Fprintf(&signals, "HS-%d,%s,%s,%s,news,%s,approved,adaptation\n", i, csvCell(h(i)), csvCell(h(i+1)),
			csvCell(h(4)), time.Now().AddDate(0, 0, -2).Format("2006-01-02"))
	}
	upload("signals", "signals.csv", signals.String())

	jsonBody := func(v any) io.Reader { b, _ := json.Marshal(v); return bytes.NewReader(b) }
	call("POST", "/api/v1/missions/gipuzkoa/snapshots", "application/json", jsonBody(map[string]string{"label": h(0)}))
	call("POST", "/api/v1/snapshots/1/decisions", "application/json", jsonBody(map[string]string{
		"scope": "mission", "type": "keep", "rationale": h(1), "owner": h(2)}))
	var g struct{ URL string }
	json.Unmarshal(call("POST", "/api/v1/missions/gipuzkoa/guest-links", "application/json",
		jsonBody(map[string]any{"snapshot_id": 1, "label": h(3)})), &g)
	call("POST", "/api/v1/tokens", "application/json", jsonBody(map[string]string{"name": h(1), "role": "viewer"}))
	call("POST", "/api/v1/users", "application/json", jsonBody(map[string]any{"username": `"'><script>alert(8)<`,
		"password": "a long enough password", "grants": map[string]string{"gipuzkoa": "viewer"}}))

	b := browsertest.New(t)
	loginInBrowser(t, b, s, base, "root", map[string]string{"*": "admin"})
	pages := []string{"/m/gipuzkoa", "/m/gipuzkoa/projects", "/m/gipuzkoa/signals", "/m/gipuzkoa/metrics",
		"/m/gipuzkoa/snapshots", "/m/gipuzkoa/snapshots/1/pack", "/m/gipuzkoa/snapshots/1/diff?against=1",
		"/m/gipuzkoa/digest", "/m/gipuzkoa/imports", "/jobs", "/admin/users", "/admin/tokens", "/admin/audit",
		"/m/gipuzkoa?lang=es", "/m/gipuzkoa?lang=eu", "/"}
	for _, id := range s.dashboards() {
		pages = append(pages, "/m/gipuzkoa/d/"+id)
	}
	u, _ := url.Parse(g.URL)
	pages = append(pages, u.Path, u.Path+"/diff")
	seen := map[string]bool{}
	for _, p := range pages {
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+p), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if strings.HasPrefix(p, "/m/gipuzkoa/d/") || p == "/m/gipuzkoa" {
			if cs, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
				t.Errorf("%s: charts did not draw with hostile labels: %v %+v", p, err, cs)
			}
		}
		got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[injected](injectedJS))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if got.Elements+got.Links+got.Scripts > 0 {
			t.Errorf("%s: injected %d elements, %d javascript: links, %d foreign scripts", p, got.Elements, got.Links, got.Scripts)
		}
		for _, x := range hostile {
			if strings.Contains(got.Text, x) {
				seen[x] = true
			}
		}
	}
	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("hostile strings ran: dialogs %q", d)
	}
	for _, x := range hostile {
		if !seen[x] {
			t.Errorf("%q was never shown as text", x)
		}
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the host: %v", f)
	}
}
