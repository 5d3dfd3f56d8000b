package web

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/store"
)

// The audit log, newest first, as JSON, CSV and a page. It has no write
// route of any kind.

// auditFilter reads the audit log's filters from the query. A mission
// administrator sees only their mission's rows (the guard checked the role
// on ?mission=); the instance administrator may leave it out.
func auditFilter(c *fiber.Ctx) store.AuditFilter {
	f := store.AuditFilter{Mission: c.Query("mission"), Action: c.Query("action"), Actor: c.Query("actor")}
	f.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Limit = min(max(f.Limit, 0), 10_000)
	if c.Query("format") == "csv" && f.Limit == 0 {
		f.Limit = 10_000
	}
	return f
}

// apiAudit answers {items:[…]}, newest first, or the same rows as CSV with
// ?format=csv.
func (s *Server) apiAudit(c *fiber.Ctx) error {
	es, err := s.access.AuditLog(c.UserContext(), auditFilter(c))
	if err != nil {
		return err
	}
	if c.Query("format") == "csv" {
		return sendAuditCSV(c, es)
	}
	if es == nil {
		es = []store.AuditEntry{}
	}
	return c.JSON(fiber.Map{"items": es})
}

// sendAuditCSV exports audit rows, cells neutralised against formulas.
func sendAuditCSV(c *fiber.Ctx, es []store.AuditEntry) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "at", "actor", "action", "mission", "target", "before", "after"})
	for _, e := range es {
		w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format("2006-01-02T15:04:05Z"), csvCell(e.Actor, false), e.Action,
			csvCell(e.Mission, false), csvCell(e.Target, false), csvCell(e.Before, false), csvCell(e.After, false)})
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="begira-audit.csv"`)
	return c.SendString(b.String())
}

// auditView is the audit log: a page of entries, the link to older ones
// and the CSV export of the same filter.
type auditView struct {
	page
	Audit       []store.AuditEntry
	AuditFilter store.AuditFilter
	NextLink    string
	ExportLink  string
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	f := auditFilter(c)
	if f.Limit == 0 {
		f.Limit = 200
	}
	es, err := s.access.AuditLog(c.UserContext(), f)
	if err != nil {
		return err
	}
	p := &auditView{page: *s.newPage(c, "audit"), Audit: es, AuditFilter: f}
	p.Title = p.T("admin.audit.title")
	if len(es) == f.Limit {
		q := queryValues(c)
		q.Set("before", fmt.Sprint(es[len(es)-1].ID))
		p.NextLink = "/admin/audit?" + q.Encode()
	}
	q := queryValues(c)
	q.Set("format", "csv")
	q.Del("before")
	p.ExportLink = "/api/v1/audit?" + q.Encode() // the CSV export of the same filter
	return s.render(c, "audit", p)
}
