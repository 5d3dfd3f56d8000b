package web

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/pull"
)

// statuses maps domain error codes to HTTP statuses. It is the only such
// map in Begira.
var statuses = map[string]int{
	portfolio.EINVALID:      fiber.StatusBadRequest,
	portfolio.EUNAUTHORIZED: fiber.StatusUnauthorized,
	portfolio.EFORBIDDEN:    fiber.StatusForbidden,
	portfolio.ENOTFOUND:     fiber.StatusNotFound,
	portfolio.ECONFLICT:     fiber.StatusConflict,
	portfolio.ETOOLARGE:     fiber.StatusRequestEntityTooLarge,
	portfolio.ETOOMANY:      fiber.StatusTooManyRequests,
	ingest.ERejected:        fiber.StatusUnprocessableEntity,
	ingest.EAmbiguous:       fiber.StatusUnprocessableEntity,
	pull.EUpstream:          fiber.StatusBadGateway,
	portfolio.EINTERNAL:     fiber.StatusInternalServerError,
}

// fiberCodes maps Fiber's own errors (unknown route, body too large) to
// domain codes.
var fiberCodes = map[int]string{
	fiber.StatusNotFound:              portfolio.ENOTFOUND,
	fiber.StatusMethodNotAllowed:      portfolio.EINVALID,
	fiber.StatusRequestEntityTooLarge: portfolio.ETOOLARGE,
	fiber.StatusBadRequest:            portfolio.EINVALID,
	fiber.StatusRequestTimeout:        portfolio.EINVALID,
	// fasthttp's own refusals, before any handler: headers too large, and
	// a request it could not read (Fiber calls that a bad gateway).
	fiber.StatusRequestHeaderFieldsTooLarge: portfolio.ETOOLARGE,
	fiber.StatusBadGateway:                  portfolio.EINVALID,
}

// answerFields is an error whose API answer carries fields beside "error".
type answerFields struct {
	error
	fields fiber.Map
}

func (e *answerFields) Unwrap() error { return e.error }

// withBatchCounts adds to a commit refused because rows were rejected the
// batch's counts and first rejects, so a script can report them.
func (s *Server) withBatchCounts(c *fiber.Ctx, id int64, err error) error {
	if portfolio.ErrorCode(err) != ingest.ERejected {
		return err
	}
	cur, _ := s.imports.Batch(c.UserContext(), id)
	if cur == nil {
		return err
	}
	return &answerFields{error: err, fields: fiber.Map{"id": id, "status": cur.Status, "rows_total": cur.RowsTotal,
		"rows_ok": cur.RowsOK, "rows_rejected": cur.RowsRejected, "rejects": cur.Rejects}}
}

// domainError turns any error into a *portfolio.Error safe to show.
func domainError(err error) *portfolio.Error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if code, ok := fiberCodes[fe.Code]; ok {
			return &portfolio.Error{Code: code, Message: fe.Message}
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return &portfolio.Error{Code: portfolio.EINVALID, Message: fe.Message}
		}
	}
	de := &portfolio.Error{Code: portfolio.ErrorCode(err), Message: portfolio.ErrorMessage(err), Details: portfolio.ErrorDetails(err)}
	if pe := (*portfolio.Error)(nil); errors.As(err, &pe) {
		de.Key, de.Args = pe.Key, pe.Args
	}
	return de
}

// refusalArgs writes a refusal's arguments for the API: a Coded value as
// {"kind", "value"} (a page script names it in its language), any other
// as text.
func refusalArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if c, ok := a.(portfolio.Coded); ok {
			out[i] = fiber.Map{"kind": c.Kind, "value": c.Value}
		} else {
			out[i] = fmt.Sprint(a)
		}
	}
	return out
}

func statusOf(err error) int {
	if fe := (*fiber.Error)(nil); errors.As(err, &fe) && fe.Code == fiber.StatusRequestHeaderFieldsTooLarge {
		return fe.Code
	}
	if st, ok := statuses[domainError(err).Code]; ok {
		return st
	}
	return fiber.StatusInternalServerError
}

// errorHandler answers every failed request: JSON under /api, an HTML page
// elsewhere. Internal errors are logged with their cause and shown to the
// client only as "Internal error."
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	setSecurityHeaders(c)
	s.setHSTS(c)
	de := domainError(err)
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", loggedPath(c.Path()), "error", err.Error(),
			"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		body := fiber.Map{"code": de.Code, "message": de.Message}
		if len(de.Details) > 0 {
			body["details"] = de.Details
		}
		if de.Key != "" {
			// The message's catalogue key and arguments: the wizard says
			// the refusal in its reader's language.
			body["key"], body["args"] = de.Key, refusalArgs(de.Args)
		}
		answer := fiber.Map{"error": body}
		if af := (*answerFields)(nil); errors.As(err, &af) {
			for k, v := range af.fields {
				answer[k] = v
			}
		}
		return c.Status(status).JSON(answer)
	}
	p := s.newPage(c, "error")
	p.Title = i18nTitle(p.Lang)
	p.Message = p.ErrorText(de)
	return s.render(c.Status(status), "error", p)
}

// errorCodes are the codes an error can carry, each with its message in
// the catalogue (error.<code>).
var errorCodes = []string{portfolio.EINVALID, portfolio.EUNAUTHORIZED, portfolio.EFORBIDDEN, portfolio.ENOTFOUND,
	portfolio.ECONFLICT, portfolio.ETOOLARGE, portfolio.ETOOMANY, ingest.ERejected, ingest.EAmbiguous, pull.EUpstream, portfolio.EINTERNAL}

// Patterns of the English texts failed runs record (the scheduler's own,
// and those of internal/pull), read back for the data they carry.
var (
	jobSource   = regexp.MustCompile(`source "([^"]+)"`)
	jobHTTP     = regexp.MustCompile(`answered HTTP (\d{3})`)
	jobRejected = regexp.MustCompile(`import (\d+) was not committed: (\d+) of (\d+) rows`)
)

// JobError says a failed or skipped run's error in the page's language. A
// run keeps the English text its job returned (the API and the log answer
// it, and English pages show it); other languages say it by its code —
// the domain error's code the text carries ("EUPSTREAM: source …"), or the
// scheduler's own prefixes (skipped, interrupted, panic) — with the data it
// names kept: the source, an HTTP status, an import's counts.
func (p *page) JobError(text string) string {
	if p.Lang == "en" || text == "" {
		return text
	}
	switch {
	case strings.HasPrefix(text, "skipped:"):
		return p.T("jobs.error.skipped")
	case strings.HasPrefix(text, "interrupted:"):
		return p.T("jobs.error.interrupted")
	case strings.HasPrefix(text, "panic:"), text == "the job exited without returning":
		return p.T("jobs.error.crashed")
	}
	code, at := portfolio.EINTERNAL, len(text)
	for _, c := range errorCodes {
		if i := strings.Index(text, c+": "); i >= 0 && i < at {
			code, at = c, i
		}
	}
	source := ""
	if m := jobSource.FindStringSubmatch(text); m != nil {
		source = m[1]
	}
	switch {
	case code == pull.EUpstream && jobHTTP.MatchString(text) && source != "":
		return p.T("jobs.error.upstream_http", source, jobHTTP.FindStringSubmatch(text)[1])
	case code == pull.EUpstream && source != "":
		return p.T("jobs.error.upstream", source)
	case code == ingest.ERejected && jobRejected.MatchString(text):
		m := jobRejected.FindStringSubmatch(text)
		return p.T("jobs.error.rejected", m[1], m[2], m[3])
	}
	return p.T("error." + code)
}
