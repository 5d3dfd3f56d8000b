package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/begira/begira/internal/web"
)

// apiSpec is the OpenAPI document loaded and validated by kin-openapi once.
var apiSpec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadAPISpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	apiSpec.once.Do(func() {
		loader := openapi3.NewLoader()
		apiSpec.doc, apiSpec.err = loader.LoadFromData(web.OpenAPI())
		if apiSpec.err != nil {
			return
		}
		if apiSpec.err = apiSpec.doc.Validate(loader.Context); apiSpec.err != nil {
			return
		}
		apiSpec.router, apiSpec.err = gorillamux.NewRouter(apiSpec.doc)
	})
	if apiSpec.err != nil {
		t.Fatalf("the OpenAPI document: %v", apiSpec.err)
	}
	return apiSpec.doc, apiSpec.router
}

// checkOpenAPI validates one JSON answer of /api/v1 against the document:
// its route, status, media type and body. The scenario tests call it for
// every answer they receive.
func checkOpenAPI(t *testing.T, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	if err := openAPIMismatch(t, req, res, body); err != nil {
		t.Error(err)
	}
}

func openAPIMismatch(t *testing.T, req *http.Request, res *http.Response, body []byte) error {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || !strings.Contains(res.Header.Get("Content-Type"), "json") {
		return nil
	}
	_, router := loadAPISpec(t)
	r := req.Clone(context.Background())
	if r.URL.Host == "" {
		r.URL.Scheme, r.URL.Host = "http", r.Host
	}
	route, params, err := router.FindRoute(r)
	if err != nil {
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			return nil // no such route
		}
		return fmt.Errorf("%s %s answered %d but the OpenAPI document has no operation for it: %v", req.Method, req.URL.Path, res.StatusCode, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s: the %d answer does not follow the OpenAPI document: %v\nbody: %.300s", req.Method, req.URL.Path, res.StatusCode, err, body)
	}
	return nil
}

// TestOpenAPIValidationCatchesAWrongAnswer: the check the scenarios run
// refuses answers that break the document.
func TestOpenAPIValidationCatchesAWrongAnswer(t *testing.T) {
	t.Parallel()
	json := http.Header{"Content-Type": {"application/json"}}
	for _, c := range []struct {
		name, method, url string
		status            int
		body              string
		ok                bool
	}{
		{"a good mission list", "GET", "/api/v1/missions", 200, `{"items":[{"slug":"a","title":{"en":"A"}}]}`, true},
		{"items is not a list", "GET", "/api/v1/missions", 200, `{"items":"a"}`, false},
		{"a good error", "GET", "/api/v1/missions/x", 404, `{"error":{"code":"ENOTFOUND","message":"no"}}`, true},
		{"an error of another shape", "GET", "/api/v1/missions/x", 404, `{"message":"no"}`, false},
		{"an undocumented success status", "GET", "/api/v1/missions", 202, `{"items":[]}`, false},
		{"a page without its total", "GET", "/api/v1/missions/x/projects", 200, `{"items":[],"limit":1,"offset":0}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.url, nil)
			res := &http.Response{StatusCode: c.status, Header: json}
			if err := openAPIMismatch(t, req, res, []byte(c.body)); (err == nil) != c.ok {
				t.Errorf("mismatch = %v, want ok %v", err, c.ok)
			}
		})
	}
}

// TestOpenAPICoversEveryRoute fails when a route of /api/v1 has no
// operation, or an operation lacks its required role or error answers.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	doc, _ := loadAPISpec(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	app := newTestApp(t)
	param := regexp.MustCompile(`:([a-z_]+)`)
	n := 0
	for _, r := range app.GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "USE" || !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		n++
		p := param.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")
		item := doc.Paths.Find(p)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s has no operation in the OpenAPI document", r.Method, r.Path)
			continue
		}
		op := item.GetOperation(r.Method)
		if op.Extensions["x-begira-role"] == nil || !strings.Contains(op.Description, "Required role") {
			t.Errorf("%s %s: the operation does not say the role it requires", r.Method, r.Path)
		}
		if op.Responses.Default() == nil || op.Responses.Status(404) == nil {
			t.Errorf("%s %s: the operation does not document the error shape", r.Method, r.Path)
		}
		for _, m := range param.FindAllStringSubmatch(r.Path, -1) {
			if op.Parameters.GetByInAndName("path", m[1]) == nil && item.Parameters.GetByInAndName("path", m[1]) == nil {
				t.Errorf("%s %s: path parameter %s is not documented", r.Method, r.Path, m[1])
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d API routes found; the route listing is broken", n)
	}
}

// TestOpenAPIIsServed: the document is public JSON at /api/v1/openapi.json.
func TestOpenAPIIsServed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	runScenarios(t, app, []scenario{{
		name: "anyone reads it", url: "/api/v1/openapi.json", anonymous: true, wantStatus: 200,
		wantContains: []string{`"openapi": "3.1.0"`, `"/missions/{slug}/projects"`, `"x-begira-role"`},
	}})
}
