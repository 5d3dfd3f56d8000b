package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/web"
)

// multipartForm builds an upload: the fields, then the file part (none when
// filename is "").
func multipartForm(t testing.TB, fields map[string]string, filename string, file []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

// send makes one request through app.Test and returns the status and body.
func send(t *testing.T, app *fiber.App, method, url, contentType string, body []byte) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, url, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkSecurityHeaders(t, res.Header)
	return res.StatusCode, b
}

// mustStatus fails the test unless the answer has status want.
func mustStatus(t testing.TB, got, want int, body []byte) {
	t.Helper()
	if got != want {
		t.Fatalf("status = %d, want %d; body: %.500s", got, want, body)
	}
}

// newImportApp returns a fresh app whose store holds the tiny mission.
func newImportApp(t testing.TB, opt web.Options) (*fiber.App, *store.Store) {
	t.Helper()
	app, st := newFreshApp(t, opt)
	m, err := missionfile.Parse([]byte(mustReadTestdata(t, "mission_tiny.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyMission(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return app, st
}

// upload posts a file to the tiny mission's imports.
func upload(t *testing.T, app *fiber.App, fields map[string]string, filename, body string) (int, []byte) {
	t.Helper()
	ct, b := multipartForm(t, fields, filename, []byte(body))
	return send(t, app, http.MethodPost, "/api/v1/missions/tiny/imports", ct, b)
}

func countProjects(t testing.TB, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM project`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// keysOf fails the test unless the JSON object m has every key of want.
func keysOf(t testing.TB, what string, m map[string]any, want ...string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s has no %q: %v", what, k, m)
		}
	}
}

func TestImportAPI(t *testing.T) {
	t.Parallel()
	app, st := newImportApp(t, web.Options{})
	var file strings.Builder
	file.WriteString("ext_ref;title;pillars;level;budget_total_eur\n")
	file.WriteString("T-1;Green local;green;local;1.234,5\n")
	file.WriteString("T-2;Formula;social;regional;=1+1\n")
	for i := 3; i <= 152; i++ {
		fmt.Fprintf(&file, "T-%d;Row %d;nope;local;%d\n", i, i, i)
	}

	// 1. Preview: 201 with every field of the contract.
	status, body := upload(t, app, map[string]string{"kind": "projects", "mode": "append"}, "proyectos.csv", file.String())
	mustStatus(t, status, http.StatusCreated, body)
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	keysOf(t, "preview", raw, "id", "status", "dialect", "columns", "rows_total", "rows_ok", "rows_rejected", "rejects")
	keysOf(t, "dialect", raw["dialect"].(map[string]any),
		"encoding", "delimiter", "decimal_separator", "thousands_separator", "date_format", "header_row")
	for _, c := range raw["columns"].([]any) {
		keysOf(t, "column", c.(map[string]any), "header", "field")
	}
	for _, r := range raw["rejects"].([]any) {
		keysOf(t, "reject", r.(map[string]any), "line", "column", "value", "reason")
	}
	type reject struct {
		Line   int64  `json:"line"`
		Column string `json:"column"`
		Value  string `json:"value"`
		Reason string `json:"reason"`
	}
	type batch struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Dialect struct {
			Encoding           string `json:"encoding"`
			Delimiter          string `json:"delimiter"`
			DecimalSeparator   string `json:"decimal_separator"`
			ThousandsSeparator string `json:"thousands_separator"`
			DateFormat         string `json:"date_format"`
			HeaderRow          int    `json:"header_row"`
		} `json:"dialect"`
		Columns []struct {
			Header string `json:"header"`
			Field  string `json:"field"`
		} `json:"columns"`
		RowsTotal    int64    `json:"rows_total"`
		RowsOK       int64    `json:"rows_ok"`
		RowsRejected int64    `json:"rows_rejected"`
		Rejects      []reject `json:"rejects"`
	}
	b := decode[batch](t, body)
	if b.Status != "previewed" || b.RowsTotal != 152 || b.RowsOK != 1 || b.RowsRejected != 151 {
		t.Errorf("preview: status %q rows %d/%d/%d, want previewed 152/1/151", b.Status, b.RowsTotal, b.RowsOK, b.RowsRejected)
	}
	if d := b.Dialect; d.Encoding != "utf-8" || d.Delimiter != ";" || d.DecimalSeparator != "," || d.ThousandsSeparator != "." || d.HeaderRow != 1 {
		t.Errorf("dialect = %+v, want utf-8 ; , . header 1", d)
	}
	if len(b.Columns) != 5 || b.Columns[4].Header != "budget_total_eur" || b.Columns[4].Field != "budget_total_eur" {
		t.Errorf("columns = %+v", b.Columns)
	}
	if len(b.Rejects) != 100 {
		t.Errorf("%d rejects in the preview, want the first 100", len(b.Rejects))
	}
	if len(b.Rejects) > 1 {
		if want := (reject{Line: 3, Column: "budget_total_eur", Value: "=1+1", Reason: "not a number (decimal separator ,)"}); b.Rejects[0] != want {
			t.Errorf("first reject = %+v, want %+v", b.Rejects[0], want)
		}
		if r := b.Rejects[1]; r.Line != 4 || r.Column != "pillars" || r.Value != "nope" || !strings.HasPrefix(r.Reason, `unknown pillar term "nope"`) {
			t.Errorf("second reject = %+v, want line 4, pillars, nope", r)
		}
	}
	if n := countProjects(t, st); n != 0 {
		t.Fatalf("preview stored %d projects, want none", n)
	}
	id := fmt.Sprint(b.ID)

	// 2. Commit refused: 422 with the counts.
	status, body = send(t, app, http.MethodPost, "/api/v1/imports/"+id+"/commit", "", nil)
	mustStatus(t, status, http.StatusUnprocessableEntity, body)
	wantAPIError("EREJECTED", "151 of 152 rows were rejected")(t, body)
	// The refusal's catalogue key and arguments: the wizard says it,
	// counts included, in its reader's language.
	if e := decode[struct {
		Error struct {
			Key  string `json:"key"`
			Args []any  `json:"args"`
		} `json:"error"`
	}](t, body).Error; e.Key != "refusal.commit_rejected" || fmt.Sprint(e.Args) != fmt.Sprintf("[%d 151 152 1]", b.ID) {
		t.Errorf("refusal key %q args %v, want refusal.commit_rejected [%d 151 152 1]", e.Key, e.Args, b.ID)
	}
	refused := decode[batch](t, body)
	if refused.ID != b.ID || refused.Status != "previewed" || refused.RowsTotal != 152 || refused.RowsOK != 1 || refused.RowsRejected != 151 || len(refused.Rejects) != 100 {
		t.Errorf("422 body: id %d status %q rows %d/%d/%d rejects %d, want the batch's counts and first rejects",
			refused.ID, refused.Status, refused.RowsTotal, refused.RowsOK, refused.RowsRejected, len(refused.Rejects))
	}
	if n := countProjects(t, st); n != 0 {
		t.Fatalf("refused commit stored %d projects, want none", n)
	}

	// 3. The rejects as CSV, formulas neutralised.
	status, body = send(t, app, http.MethodGet, "/api/v1/imports/"+id+"/rejects.csv", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	rows := parseCSV(t, body, ',')
	if len(rows) != 152 {
		t.Fatalf("rejects.csv has %d lines, want a header and 151 rejects", len(rows))
	}
	if !slices.Equal(rows[0], []string{"line", "column", "value", "reason", "code"}) {
		t.Errorf("header = %q", rows[0])
	}
	if !slices.Equal(rows[1], []string{"3", "budget_total_eur", "'=1+1", "not a number (decimal separator ,)", "number"}) {
		t.Errorf("first reject = %q, want the formula neutralised", rows[1])
	}
	if !slices.Equal(rows[151][:3], []string{"153", "pillars", "nope"}) {
		t.Errorf("last reject = %q, want line 153", rows[151])
	}

	// 4. Commit with skip_invalid: 200, the one valid row lands.
	status, body = send(t, app, http.MethodPost, "/api/v1/imports/"+id+"/commit", "application/json", []byte(`{"skip_invalid": true}`))
	mustStatus(t, status, http.StatusOK, body)
	if c := decode[batch](t, body); c.Status != "committed" || c.RowsOK != 1 {
		t.Errorf("commit: status %q rows_ok %d, want committed 1", c.Status, c.RowsOK)
	}
	if n := countProjects(t, st); n != 1 {
		t.Errorf("%d projects after commit, want 1", n)
	}
	status, body = send(t, app, http.MethodPost, "/api/v1/imports/"+id+"/commit", "application/json", []byte(`{"skip_invalid": true}`))
	mustStatus(t, status, http.StatusConflict, body)
	wantAPIError(portfolio.ECONFLICT, "committed")(t, body)

	// 5. The batch and the history.
	status, body = send(t, app, http.MethodGet, "/api/v1/imports/"+id, "", nil)
	mustStatus(t, status, http.StatusOK, body)
	if g := decode[batch](t, body); g.ID != b.ID || g.Status != "committed" || len(g.Rejects) != 100 {
		t.Errorf("GET import: id %d status %q rejects %d, want %d committed 100", g.ID, g.Status, len(g.Rejects), b.ID)
	}
	status, body = send(t, app, http.MethodGet, "/api/v1/missions/tiny/imports", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	h := decode[struct {
		Items []batch `json:"items"`
	}](t, body)
	if len(h.Items) != 1 || h.Items[0].ID != b.ID || h.Items[0].Status != "committed" || h.Items[0].RowsRejected != 151 {
		t.Errorf("history = %+v, want the one committed import", h.Items)
	}

	// 6. Rollback.
	status, body = send(t, app, http.MethodPost, "/api/v1/imports/"+id+"/rollback", "", nil)
	mustStatus(t, status, http.StatusOK, body)
	if r := decode[batch](t, body); r.Status != "rolled_back" {
		t.Errorf("rollback: status %q, want rolled_back", r.Status)
	}
	if n := countProjects(t, st); n != 0 {
		t.Errorf("%d projects after rollback, want none", n)
	}
	status, body = send(t, app, http.MethodPost, "/api/v1/imports/"+id+"/rollback", "", nil)
	mustStatus(t, status, http.StatusConflict, body)

	// 7. skip_invalid given at upload is the default of the commit.
	status, body = upload(t, app, map[string]string{"kind": "projects", "skip_invalid": "true", "delimiter": "semicolon",
		"decimal_separator": ",", "date_format": "dd/mm/yyyy"}, "p.csv", "ext_ref;title;pillars\nU-1;One;green\nU-2;Two;nope\n")
	mustStatus(t, status, http.StatusCreated, body)
	second := decode[batch](t, body)
	if second.Dialect.DateFormat != "%d/%m/%Y" || second.Dialect.Delimiter != ";" {
		t.Errorf("dialect = %+v, want the given date format and delimiter", second.Dialect)
	}
	status, body = send(t, app, http.MethodPost, fmt.Sprintf("/api/v1/imports/%d/commit", second.ID), "", nil)
	mustStatus(t, status, http.StatusOK, body)
	if n := countProjects(t, st); n != 1 {
		t.Errorf("%d projects, want U-1 only", n)
	}
}

func TestImportAPIErrors(t *testing.T) {
	t.Parallel()
	app, _ := newImportApp(t, web.Options{})
	csv := "ext_ref,title\nT-1,One\n"
	ct, withoutFile := multipartForm(t, map[string]string{"kind": "projects"}, "", nil)
	tests := []struct {
		name        string
		url         string
		contentType string
		body        []byte
		fields      map[string]string
		status      int
		code        string
		inMessage   []string
	}{
		{name: "missing file field", contentType: ct, body: withoutFile, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"multipart field named file"}},
		{name: "not multipart", contentType: "text/csv", body: []byte(csv), status: 400, code: portfolio.EINVALID,
			inMessage: []string{"multipart/form-data"}},
		{name: "unknown mission", url: "/api/v1/missions/nope/imports", fields: map[string]string{"kind": "projects"},
			status: 404, code: portfolio.ENOTFOUND},
		{name: "bad mapping JSON", fields: map[string]string{"kind": "projects", "mapping": `{"Nombre": title}`},
			status: 400, code: portfolio.EINVALID, inMessage: []string{"mapping must be a JSON object"}},
		{name: "mapping to no field", fields: map[string]string{"kind": "projects", "mapping": `{"Nombre": "titel"}`},
			status: 400, code: portfolio.EINVALID, inMessage: []string{`"titel" is not a field of projects`}},
		{name: "kind missing", fields: map[string]string{}, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"kind must be projects, organisations or signals"}},
		{name: "bad mode", fields: map[string]string{"kind": "projects", "mode": "merge"}, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"mode must be append, replace or upsert"}},
		{name: "bad header_row", fields: map[string]string{"kind": "projects", "header_row": "0"}, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"header_row"}},
		{name: "bad delimiter", fields: map[string]string{"kind": "projects", "delimiter": "x"}, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"delimiter"}},
		{name: "bad date_format", fields: map[string]string{"kind": "projects", "date_format": "dd/mm"}, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"date_format"}},
		{name: "bad encoding", fields: map[string]string{"kind": "projects", "encoding": "ebcdic"}, status: 400, code: portfolio.EINVALID,
			inMessage: []string{"unknown encoding"}},
		{name: "bad file", fields: map[string]string{"kind": "projects"}, body: []byte("%PDF-1.7\n"), status: 400, code: portfolio.EINVALID,
			inMessage: []string{"PDF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if url == "" {
				url = "/api/v1/missions/tiny/imports"
			}
			contentType, body := tt.contentType, tt.body
			if tt.fields != nil {
				file := []byte(csv)
				if tt.body != nil {
					file = tt.body
				}
				contentType, body = multipartForm(t, tt.fields, "p.csv", file)
			}
			status, got := send(t, app, http.MethodPost, url, contentType, body)
			if status != tt.status {
				t.Errorf("status = %d, want %d; body %.300s", status, tt.status, got)
			}
			wantAPIError(tt.code, tt.inMessage...)(t, got)
		})
	}
	for _, tt := range []struct{ method, url string }{
		{http.MethodGet, "/api/v1/imports/999"},
		{http.MethodGet, "/api/v1/imports/abc"},
		{http.MethodGet, "/api/v1/imports/999/rejects.csv"},
		{http.MethodPost, "/api/v1/imports/999/commit"},
		{http.MethodPost, "/api/v1/imports/999/rollback"},
		{http.MethodGet, "/api/v1/missions/nope/imports"},
	} {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			status, body := send(t, app, tt.method, tt.url, "", nil)
			if status != http.StatusNotFound {
				t.Errorf("status = %d, want 404; body %.300s", status, body)
			}
			wantAPIError(portfolio.ENOTFOUND)(t, body)
		})
	}
}

func TestImportUploadLimit(t *testing.T) {
	t.Parallel()
	app, st := newImportApp(t, web.Options{UploadLimit: 1024})
	big := "ext_ref,title\n" + strings.Repeat("T-1,A title long enough to fill the file\n", 60)
	ct, body := multipartForm(t, map[string]string{"kind": "projects"}, "big.csv", []byte(big))
	checkTooLarge := func(t *testing.T, body []byte) {
		t.Helper()
		wantAPIError(portfolio.ETOOLARGE, "upload limit of 1 KB")(t, body)
		if e := decode[apiError](t, body); strings.Contains(e.Error.Message, " 0 MB") {
			t.Errorf("message %q speaks of 0 MB", e.Error.Message)
		}
	}
	runScenarios(t, app, []scenario{
		{
			name: "declared too large", method: http.MethodPost, url: "/api/v1/missions/tiny/imports", body: string(body),
			headers: map[string]string{"Content-Type": ct}, wantStatus: 413, check: checkTooLarge,
		},
		{
			name: "declared too large, over the network", method: http.MethodPost, url: "/api/v1/missions/tiny/imports", body: string(body),
			headers: map[string]string{"Content-Type": ct}, wantStatus: 413, check: checkTooLarge, overNetwork: true,
		},
	})
	t.Run("streamed without a length", func(t *testing.T) {
		// Chunked: the limit is enforced while the file is copied.
		req, err := http.NewRequest(http.MethodPost, "http://"+listen(t, app)+"/api/v1/missions/tiny/imports",
			io.MultiReader(bytes.NewReader(body))) // a plain io.Reader: no Content-Length
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		req.Close = true
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		got, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d, want 413; body %.300s", res.StatusCode, got)
		}
		checkTooLarge(t, got)
	})
	if n := countProjects(t, st); n != 0 {
		t.Errorf("%d projects stored, want none", n)
	}
	// A file under the limit goes through.
	status, got := upload(t, app, map[string]string{"kind": "projects"}, "small.csv", "ext_ref,title\nT-1,One\n")
	mustStatus(t, status, http.StatusCreated, got)
}

func TestImportsPage(t *testing.T) {
	t.Parallel()
	app, _ := newImportApp(t, web.Options{})
	runScenarios(t, app, []scenario{
		{
			name: "the wizard", url: "/m/tiny/imports", wantStatus: 200,
			wantContains: []string{`<form id="upload"`, `enctype="multipart/form-data"`, `name="file"`, `name="kind"`, `name="mode"`,
				`name="delimiter"`, `name="decimal_separator"`, `name="date_format"`, `name="header_row"`, `name="quote"`, `name="list_separator"`, `name="century"`, `id="adjust"`, `table class="sample"`,
				`name="skip_invalid"`, `up to 200 MB`},
		},
		{name: "unknown mission", url: "/m/nope/imports", wantStatus: 404},
	})
	status, body := upload(t, app, map[string]string{"kind": "projects"}, "monthly-export.csv", "ext_ref,title\nT-1,One\n")
	mustStatus(t, status, http.StatusCreated, body)
	runScenarios(t, app, []scenario{
		{name: "the history lists the upload", url: "/m/tiny/imports", wantStatus: 200,
			wantContains: []string{"monthly-export.csv", "previewed"}},
	})
}

// TestStalledUploadIsCutAtUploadTimeout: an upload whose body stops
// arriving is dropped after UploadTimeout (not left to hold a connection
// and a temp file), and nothing is stored.
func TestStalledUploadIsCutAtUploadTimeout(t *testing.T) {
	t.Parallel()
	app, st := newImportApp(t, web.Options{UploadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", listen(t, app))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nprojects\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n\r\next_ref,title\r\n"
	fmt.Fprintf(conn, "POST /api/v1/missions/tiny/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n%s", testAdminToken, head)
	// The rest of the body never comes. Without the upload deadline the
	// server would wait for its 30 s ReadTimeout; the test gives it 10 s.
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server still waits for the stalled upload after 10 s")
	}
	if err == nil {
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode < 400 || strings.Contains(string(body), "i/o timeout") {
			t.Errorf("stalled upload: %d %s, want a refusal without internals", res.StatusCode, body)
		}
	}
	if n := countProjects(t, st); n != 0 {
		t.Errorf("%d projects stored", n)
	}
}

// A file whose numbers read both ways: the API names the column in a
// warning, answers the commit 422 EAMBIGUOUS, and takes the column's
// separator as decimal_separator[COLUMN].
func TestImportAPIAmbiguousColumn(t *testing.T) {
	t.Parallel()
	app, st := newImportApp(t, web.Options{})
	file := "ext_ref;title;presupuesto\nW-1;Uno;600.159\nW-2;Dos;45.000\n"
	status, body := upload(t, app, map[string]string{"kind": "projects"}, "w.csv", file)
	mustStatus(t, status, 201, body)
	var b struct {
		ID       int64 `json:"id"`
		Warnings []struct {
			Code   string `json:"code"`
			Column string `json:"column"`
		} `json:"warnings"`
		Columns []struct {
			Header  string `json:"header"`
			Decimal string `json:"decimal"`
			Decided string `json:"decided"`
		} `json:"columns"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Warnings) != 1 || b.Warnings[0].Code != "number_ambiguous" || b.Warnings[0].Column != "presupuesto" || b.Columns[2].Decided != "ambiguous" {
		t.Fatalf("preview: %s", body)
	}
	status, body = send(t, app, http.MethodPost, fmt.Sprintf("/api/v1/imports/%d/commit", b.ID), "application/json", []byte(`{"skip_invalid": true}`))
	mustStatus(t, status, 422, body)
	if !strings.Contains(string(body), `"EAMBIGUOUS"`) || countProjects(t, st) != 0 {
		t.Fatalf("commit of an ambiguous file: %s", body)
	}
	status, body = upload(t, app, map[string]string{"kind": "projects", "decimal_separator[presupuesto]": ","}, "w.csv", file)
	mustStatus(t, status, 201, body)
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	status, body = send(t, app, http.MethodPost, fmt.Sprintf("/api/v1/imports/%d/commit", b.ID), "application/json", nil)
	mustStatus(t, status, 200, body)
	var budget float64
	if err := st.DB().QueryRow(`SELECT budget_total_eur FROM project WHERE ext_ref = 'W-1'`).Scan(&budget); err != nil || budget != 600159 {
		t.Errorf("budget %v (%v), want 600159", budget, err)
	}
}
