package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSnapshotFiguresSurviveImports: every figure read as of a snapshot —
// the metrics API and the overview page — is byte-for-byte the same after
// an import that changes the live portfolio; the live figures do change.
func TestSnapshotFiguresSurviveImports(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	client := adminClient(t, s)
	base := "http://" + addr
	fetch := func(method, url, ctype string, body io.Reader) (int, []byte, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, base+url, body)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	if code, body, _ := fetch("POST", "/api/v1/missions/gipuzkoa/snapshots", "application/json", strings.NewReader(`{"label":"Before"}`)); code != 201 {
		t.Fatalf("take: %d %s", code, body)
	}
	frozen := []string{"/api/v1/missions/gipuzkoa/metrics?snapshot=1", "/m/gipuzkoa?snapshot=1", "/m/gipuzkoa/d/signals?snapshot=1&lang=es"}
	before := map[string][]byte{}
	for _, u := range frozen {
		code, body, h := fetch("GET", u, "", nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", u, code, body)
		}
		before[u] = body
		// Cacheable forever: a conditional request answers 304.
		req, _ := http.NewRequest("GET", base+u, nil)
		req.Header.Set("If-None-Match", h.Get("ETag"))
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match %q: %v %v, want 304", u, h.Get("ETag"), resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	_, liveBefore, _ := fetch("GET", "/api/v1/missions/gipuzkoa/metrics?codes=C16", "", nil)
	kpi := func(page []byte) string {
		i := bytes.Index(page, []byte(`data-kpi="projects"`))
		j := bytes.Index(page[i:], []byte(`kpi-value">`)) + i + len(`kpi-value">`)
		return string(page[j : j+bytes.IndexByte(page[j:], '<')])
	}
	_, overview, _ := fetch("GET", "/m/gipuzkoa", "", nil)
	countBefore := kpi(overview)

	// An import that adds projects sharing partners.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("kind", "projects")
	fw, _ := w.CreateFormFile("file", "more.csv")
	fw.Write([]byte("ext_ref,title,pillars,level,stage,status,budget_total_eur,lead_org,partners\n" +
		"NEW-1,New one,adaptation,regulation,explore,active,1000,Gipuzkoako Foru Aldundia,Donostiako Udala\n" +
		"NEW-2,New two,adaptation,regulation,design,active,2000,Donostiako Udala,Gipuzkoako Foru Aldundia\n"))
	w.Close()
	code, body, _ := fetch("POST", "/api/v1/missions/gipuzkoa/imports", w.FormDataContentType(), &buf)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
	var batch struct{ ID int64 }
	if err := json.Unmarshal(body, &batch); err != nil {
		t.Fatal(err)
	}
	if code, body, _ = fetch("POST", fmt.Sprintf("/api/v1/imports/%d/commit", batch.ID), "", nil); code != 200 {
		t.Fatalf("commit: %d %s", code, body)
	}

	// The first overview after the commit answers at once with the cached
	// figures (recomputation never blocks a page); later ones catch up.
	_, overview, _ = fetch("GET", "/m/gipuzkoa", "", nil)
	if got := kpi(overview); got != countBefore {
		t.Errorf("first overview after the commit shows %s projects, want the cached %s", got, countBefore)
	}
	for i := 0; ; i++ {
		_, overview, _ = fetch("GET", "/m/gipuzkoa", "", nil)
		if kpi(overview) != countBefore {
			break
		}
		if i == 200 {
			t.Fatal("the overview never showed the imported projects")
		}
		waitABit()
	}
	for _, u := range frozen {
		_, after, _ := fetch("GET", u, "", nil)
		if !bytes.Equal(before[u], after) {
			t.Errorf("%s changed after an import (%d → %d bytes)", u, len(before[u]), len(after))
		}
	}
	// The live figures moved (the cache recomputes in the background, so
	// poll the condition).
	for i := 0; ; i++ {
		_, liveAfter, _ := fetch("GET", "/api/v1/missions/gipuzkoa/metrics?codes=C16", "", nil)
		if !bytes.Equal(liveBefore, liveAfter) {
			break
		}
		if i == 200 {
			t.Fatal("live metrics never reflected the import")
		}
		waitABit()
	}
}

// waitABit yields between polls of a condition (not a timed wait for an
// outcome: the loop checks the condition itself).
func waitABit() { time.Sleep(20 * time.Millisecond) }
