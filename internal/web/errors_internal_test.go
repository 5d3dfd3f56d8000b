package web

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

func TestDomainError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
		wantStatus  int
	}{
		{"internal cause stays hidden", fmt.Errorf("duckdb: secret path /x"),
			portfolio.EINTERNAL, "Internal error.", 500},
		{"wrapped internal cause", fmt.Errorf("store: projects: %w", errors.New("duckdb: secret path /x")),
			portfolio.EINTERNAL, "Internal error.", 500},
		{"explicit EINTERNAL keeps its message", portfolio.Errorf(portfolio.EINTERNAL, "Internal error."),
			portfolio.EINTERNAL, "Internal error.", 500},
		{"invalid", portfolio.Errorf(portfolio.EINVALID, "limit=%q must be a number", "abc"),
			portfolio.EINVALID, `limit="abc" must be a number`, 400},
		{"wrapped not found", fmt.Errorf("web: %w", portfolio.Errorf(portfolio.ENOTFOUND, "mission %q not found", "x")),
			portfolio.ENOTFOUND, `mission "x" not found`, 404},
		{"conflict", portfolio.Errorf(portfolio.ECONFLICT, "in use"), portfolio.ECONFLICT, "in use", 409},
		{"unauthorized", portfolio.Errorf(portfolio.EUNAUTHORIZED, "log in"), portfolio.EUNAUTHORIZED, "log in", 401},
		{"forbidden", portfolio.Errorf(portfolio.EFORBIDDEN, "no"), portfolio.EFORBIDDEN, "no", 403},
		{"too large", portfolio.Errorf(portfolio.ETOOLARGE, "big"), portfolio.ETOOLARGE, "big", 413},
		{"rejected import", portfolio.Errorf(ingest.ERejected, "3 rows rejected"), ingest.ERejected, "3 rows rejected", 422},
		{"unknown code is a 500", portfolio.Errorf("EWHATEVER", "odd"), "EWHATEVER", "odd", 500},
		{"Fiber 404", fiber.ErrNotFound, portfolio.ENOTFOUND, "Not Found", 404},
		{"Fiber 413", fiber.ErrRequestEntityTooLarge, portfolio.ETOOLARGE, "Request Entity Too Large", 413},
		{"Fiber 405", fiber.ErrMethodNotAllowed, portfolio.EINVALID, "Method Not Allowed", 400},
		{"wrapped Fiber 400", fmt.Errorf("parse: %w", fiber.ErrBadRequest), portfolio.EINVALID, "Bad Request", 400},
		{"Fiber 431", fiber.ErrRequestHeaderFieldsTooLarge, portfolio.ETOOLARGE, "Request Header Fields Too Large", 431},
		{"unreadable request", fiber.ErrBadGateway, portfolio.EINVALID, "Bad Gateway", 400},
		{"other Fiber error is internal", fiber.ErrServiceUnavailable, portfolio.EINTERNAL, "Internal error.", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			de := domainError(tt.err)
			if de.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", de.Code, tt.wantCode)
			}
			if de.Message != tt.wantMessage {
				t.Errorf("message = %q, want %q", de.Message, tt.wantMessage)
			}
			if got := statusOf(tt.err); got != tt.wantStatus {
				t.Errorf("status = %d, want %d", got, tt.wantStatus)
			}
		})
	}
}

func TestCSVCell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in           string
		decimalComma bool
		want         string
	}{
		{"=1+1", false, "'=1+1"},
		{"=1+1", true, "'=1+1"},
		{"+cmd|' /C calc'!A0", false, "'+cmd|' /C calc'!A0"},
		{"-2+3", false, "'-2+3"},
		{"@SUM(A1)", false, "'@SUM(A1)"},
		{"\t=1", false, "'\t=1"},
		{"\r=1", false, "'\r=1"},
		{"", false, ""},
		{"plain text", false, "plain text"},
		{"a=b", false, "a=b"},
		{"38.5000", false, "38.5000"},
		{"38.5000", true, "38,5000"},
		{"-12.50", false, "-12.50"},
		{"-12.50", true, "-12,50"},
		{"+3", false, "+3"},
		{"1022650", true, "1022650"},
		{"social_cohesion", true, "social_cohesion"},
		{"v1.2", true, "v1.2"},
	}
	for _, tt := range tests {
		if got := csvCell(tt.in, tt.decimalComma); got != tt.want {
			t.Errorf("csvCell(%q, %v) = %q, want %q", tt.in, tt.decimalComma, got, tt.want)
		}
	}
}

// A commit refused for rejected rows answers through the one error handler:
// the error with the batch's counts beside it, even when wrapped.
func TestErrorHandlerAnswersFields(t *testing.T) {
	t.Parallel()
	s := &Server{}
	app := fiber.New(fiber.Config{ErrorHandler: s.errorHandler})
	app.Post("/api/v1/imports/7/commit", func(c *fiber.Ctx) error {
		return fmt.Errorf("web: %w", &answerFields{error: portfolio.Errorf(ingest.ERejected, "2 of 3 rows were rejected"),
			fields: fiber.Map{"id": 7, "status": "previewed", "rows_total": 3, "rows_ok": 1, "rows_rejected": 2, "rejects": nil}})
	})
	res, err := app.Test(httptest.NewRequest("POST", "/api/v1/imports/7/commit", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	want := `{"error":{"code":"EREJECTED","message":"2 of 3 rows were rejected"},"id":7,"rejects":null,"rows_ok":1,"rows_rejected":2,"rows_total":3,"status":"previewed"}`
	if res.StatusCode != 422 || string(body) != want {
		t.Errorf("got %d %s\nwant 422 %s", res.StatusCode, body, want)
	}
}

// Error codes become answers in errors.go only: no handler writes its own
// error answer for a code (EREJECTED was once answered in the commit
// handler).
func TestErrorCodesAnsweredInErrorsGoOnly(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "errors.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "ERejected" || sel.Sel.Name == "StatusUnprocessableEntity") {
				t.Errorf("%s: %s answers an error outside the error handler (errors.go)", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
