package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
)

// Importer is the import pipeline as the web layer uses it.
type Importer interface {
	Preview(ctx context.Context, req ingest.Request) (*portfolio.ImportBatch, error)
	Commit(ctx context.Context, id int64, skipInvalid bool) (*portfolio.ImportBatch, error)
	Rollback(ctx context.Context, id int64) (*portfolio.ImportBatch, error)
	Discard(ctx context.Context, id int64) (*portfolio.ImportBatch, error)
	Batch(ctx context.Context, id int64) (*portfolio.ImportBatch, error)
	Batches(ctx context.Context, mission string) ([]portfolio.ImportBatch, error)
	Rejects(ctx context.Context, id int64, limit int) ([]portfolio.ImportReject, error)
	// OnCommitted registers a function called after a commit or rollback
	// changed a mission (cached views listen).
	OnCommitted(fn func(mission string))
}

// maxFieldBytes bounds a non-file form field (a mapping is the largest).
const maxFieldBytes = 1 << 20

// apiCreateImport streams a multipart upload to a temporary file — never
// the whole file in memory — and previews it. The size limit is checked on
// Content-Length first and enforced while copying (Fiber does not enforce
// its own limit on streamed bodies).
func (s *Server) apiCreateImport(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if _, err := s.store.Mission(c.UserContext(), slug); err != nil {
		return err
	}
	if refused(c) == refusedDropped {
		// onHeaders found no right to upload; the guard found one since.
		return portfolio.Errorf(portfolio.ECONFLICT, "your access changed while the upload started: send it again")
	}
	if n := c.Request().Header.ContentLength(); n > 0 && int64(n) > s.uploadLimit {
		return s.tooLarge(int64(n))
	}
	_, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || params["boundary"] == "" {
		return portfolio.Errorf(portfolio.EINVALID, "send the file as multipart/form-data with a field named file")
	}
	// c.Body() would read a streamed body into memory, whole: take the
	// stream when there is one.
	body := c.Context().RequestBodyStream()
	if !c.Request().IsBodyStream() {
		body = bytes.NewReader(c.Body())
	}
	dir, err := os.MkdirTemp(s.tempDir, "begira-upload-")
	if err != nil {
		return fmt.Errorf("web: upload: %w", err)
	}
	defer os.RemoveAll(dir)
	form, path, filename, err := s.readUpload(multipart.NewReader(body, params["boundary"]), dir)
	if err != nil {
		return err
	}
	if path == "" {
		return portfolio.Errorf(portfolio.EINVALID, "no file: send it in a multipart field named file")
	}
	req, err := importRequest(slug, form)
	if err != nil {
		return err
	}
	req.Path, req.Filename, req.CreatedBy = path, filename, string(portfolio.ActorFrom(c.UserContext()))
	b, err := s.imports.Preview(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

// readUpload copies the file part to dir and collects the other fields.
func (s *Server) readUpload(mr *multipart.Reader, dir string) (map[string]string, string, string, error) {
	form := map[string]string{}
	var path, filename string
	budget := s.uploadLimit
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, "", "", portfolio.Errorf(portfolio.EINVALID, "the upload is not valid multipart/form-data: %v", err)
		}
		name := part.FormName()
		if name != "file" {
			v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil || len(v) > maxFieldBytes {
				return nil, "", "", portfolio.Errorf(portfolio.EINVALID, "form field %q is too long or unreadable", name)
			}
			form[name] = string(v)
			continue
		}
		filename = filepath.Base(part.FileName())
		if filename == "." || filename == "/" || filename == "" {
			filename = "upload.csv"
		}
		f, err := os.Create(filepath.Join(dir, "upload"))
		if err != nil {
			return nil, "", "", fmt.Errorf("web: upload: %w", err)
		}
		n, err := io.Copy(f, io.LimitReader(part, budget+1))
		f.Close()
		if err != nil {
			return nil, "", "", portfolio.Errorf(portfolio.EINVALID, "the upload was interrupted after %d bytes", n)
		}
		if n > budget {
			return nil, "", "", s.tooLarge(n)
		}
		path = f.Name()
	}
	return form, path, filename, nil
}

func (s *Server) tooLarge(n int64) error {
	return portfolio.Refusef(portfolio.ETOOLARGE, "refusal.upload_limit", "the file is larger than the upload limit of %s (%s or more sent); split it or ask an administrator to raise --upload-limit-mb",
		sizeText(s.uploadLimit), sizeText(n))
}

// sizeText writes a byte count for a person: "200 MB", "1.5 KB", "900 bytes"
// (a limit below 1 MB was shown as "0 MB").
func sizeText(n int64) string {
	unit, name := int64(1), "bytes"
	switch {
	case n >= 1<<20:
		unit, name = 1<<20, "MB"
	case n >= 1<<10:
		unit, name = 1<<10, "KB"
	}
	if n%unit == 0 || unit == 1 {
		return fmt.Sprintf("%d %s", n/unit, name)
	}
	return fmt.Sprintf("%.1f %s", float64(n)/float64(unit), name)
}

// importRequest reads the import settings of the upload form.
func importRequest(slug string, form map[string]string) (ingest.Request, error) {
	req := ingest.Request{Mission: slug, Kind: form["kind"], Mode: form["mode"], Sheet: form["sheet"], Source: form["source"]}
	var err error
	bad := func(name string) error {
		return portfolio.Errorf(portfolio.EINVALID, "%s=%q is not valid", name, form[name])
	}
	req.Dialect.Encoding = strings.ToLower(form["encoding"])
	if req.Dialect.Delimiter, err = ingest.ParseDelimiter(form["delimiter"]); err != nil {
		return req, err
	}
	req.Dialect.DecimalSeparator = form["decimal_separator"]
	if req.Dialect.DateFormat, err = ingest.ParseDateFormat(form["date_format"]); err != nil {
		return req, err
	}
	req.Dialect.Quote, req.Dialect.ListSeparator, req.Dialect.Century = form["quote"], form["list_separator"], form["century"]
	// A column's own conventions: decimal_separator[Presupuesto]=, and
	// date_format[Fecha de inicio]=dd/mm/yyyy (header or field name).
	for name, v := range form {
		setting, column, ok := columnSetting(name)
		if !ok || v == "" {
			continue
		}
		if req.Formats == nil {
			req.Formats = map[string]ingest.Format{}
		}
		f := req.Formats[column]
		if setting == "decimal_separator" {
			f.Decimal = v
		} else {
			f.DateFormat = v
		}
		req.Formats[column] = f
	}
	if v := form["header_row"]; v != "" {
		if req.Dialect.HeaderRow, err = strconv.Atoi(v); err != nil || req.Dialect.HeaderRow < 1 {
			return req, bad("header_row")
		}
	}
	for name, dst := range map[string]*bool{"skip_invalid": &req.SkipInvalid, "save_mapping": &req.SaveMapping} {
		if v := form[name]; v != "" {
			if *dst, err = strconv.ParseBool(v); err != nil {
				return req, bad(name)
			}
		}
	}
	if v := strings.TrimSpace(form["mapping"]); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Mapping); err != nil {
			return req, portfolio.Errorf(portfolio.EINVALID, `mapping must be a JSON object {"header": "field"}: %v`, err)
		}
	}
	return req, nil
}

// columnSetting splits a form field such as decimal_separator[Presupuesto]
// into the setting and the column.
func columnSetting(name string) (setting, column string, ok bool) {
	for _, setting := range []string{"decimal_separator", "date_format"} {
		if rest, found := strings.CutPrefix(name, setting+"["); found && strings.HasSuffix(rest, "]") && len(rest) > 1 {
			return setting, strings.TrimSuffix(rest, "]"), true
		}
	}
	return "", "", false
}

func importID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, portfolio.Errorf(portfolio.ENOTFOUND, "import %q not found", c.Params("id"))
	}
	return id, nil
}

func (s *Server) apiImport(c *fiber.Ctx) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	b, err := s.importBatch(c, id)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// apiCommitImport commits a previewed import. skip_invalid comes from the
// query or a JSON body, defaulting to what was asked at upload.
func (s *Server) apiCommitImport(c *fiber.Ctx) error {
	id, release, err := s.claimImport(c)
	if err != nil {
		return err
	}
	defer release()
	b, err := s.importBatch(c, id)
	if err != nil {
		return err
	}
	skip := b.SkipInvalid
	var body struct {
		SkipInvalid *bool `json:"skip_invalid"`
	}
	if len(c.Body()) > 0 {
		if err := json.Unmarshal(c.Body(), &body); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, `the body must be JSON such as {"skip_invalid": true}`)
		}
		if body.SkipInvalid != nil {
			skip = *body.SkipInvalid
		}
	}
	if v := c.Query("skip_invalid"); v != "" {
		if skip, err = strconv.ParseBool(v); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, "skip_invalid=%q must be true or false", v)
		}
	}
	b, err = s.imports.Commit(c.UserContext(), id, skip)
	if err != nil {
		return s.withBatchCounts(c, id, err)
	}
	return c.JSON(b)
}

func (s *Server) apiRollbackImport(c *fiber.Ctx) error {
	id, release, err := s.claimImport(c)
	if err != nil {
		return err
	}
	defer release()
	b, err := s.imports.Rollback(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// apiDiscardImport gives up a previewed import: its staged rows go, the
// batch stays in the history.
func (s *Server) apiDiscardImport(c *fiber.Ctx) error {
	id, release, err := s.claimImport(c)
	if err != nil {
		return err
	}
	defer release()
	b, err := s.imports.Discard(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) apiImports(c *fiber.Ctx) error {
	items, err := s.imports.Batches(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// apiImportRejects downloads every reject of an import as CSV, formula
// cells neutralised.
func (s *Server) apiImportRejects(c *fiber.Ctx) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	b, err := s.importBatch(c, id)
	if err != nil {
		return err
	}
	rejects, err := s.imports.Rejects(c.UserContext(), id, 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"line", "column", "value", "reason", "code"})
	for _, r := range rejects {
		w.Write([]string{strconv.FormatInt(r.Line, 10), csvCell(r.Column, false), csvCell(r.Value, false), csvCell(r.Reason, false), r.Code})
	}
	w.Flush()
	name := strings.TrimSuffix(b.Filename, filepath.Ext(b.Filename))
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="rejects-%d-%s.csv"`, id, sanitizeFilename(name)))
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	return c.Send(buf.Bytes())
}

// sanitizeFilename keeps a download name to safe characters.
func sanitizeFilename(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// importsView is the upload wizard and the mission's import history.
type importsView struct {
	page
	Imports       []portfolio.ImportBatch
	UploadLimitMB int64
	// Municipalities names the reference geography's municipalities by
	// code, so that the preview shows a place, not its INE code.
	Municipalities map[string]string
}

// importsPage is the upload wizard: a form, then the preview, then commit;
// below, the history with rollback.
func (s *Server) importsPage(c *fiber.Ctx) error {
	mp, err := s.missionPage(c, "imports")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &importsView{page: *mp}
	p.Imports, err = s.imports.Batches(c.UserContext(), p.Mission.Slug)
	if err != nil {
		return err
	}
	places, err := s.store.GeoAreas(c.UserContext(), "municipality")
	if err != nil {
		return err
	}
	p.Municipalities = make(map[string]string, len(places))
	for _, a := range places {
		p.Municipalities[a.Code] = p.placeName(a)
	}
	p.Title = p.T("imports.title")
	p.UploadLimitMB = s.uploadLimit >> 20
	return s.render(c, "imports", p)
}

// ImportFields gives the wizard script, for each kind, the fields a column
// can map to (with the scheme of term fields), and the labels of the
// mission's terms, of enum codes and of municipalities in the page's
// language, so that the preview can show matched values by name.
func (p *importsView) ImportFields() template.JS {
	type field struct {
		Name   string            `json:"name"`
		Label  string            `json:"label"` // the field's name in the page's language
		Type   string            `json:"type"`
		Scheme string            `json:"scheme,omitempty"`
		Values []string          `json:"values,omitempty"` // an enum's codes, in order
		Labels map[string]string `json:"labels,omitempty"` // and their names in the page's language
	}
	kinds := map[string][]field{}
	for _, k := range []string{ingest.KindProjects, ingest.KindOrganisations, ingest.KindSignals} {
		for _, f := range ingest.Fields(k) {
			fd := field{Name: f.Name, Label: p.T("field." + f.Name), Type: f.Type, Scheme: f.Scheme, Values: f.Values}
			if f.Enum != "" {
				fd.Labels = map[string]string{}
				for _, v := range f.Values {
					fd.Labels[v] = p.Enum(f.Enum, v)
				}
			}
			if f.Type == "geo" && len(p.Municipalities) > 0 { // an INE code
				fd.Labels = p.Municipalities
			}
			kinds[k] = append(kinds[k], fd)
		}
	}
	labels := map[string]map[string]string{}
	schemes := map[string]string{}
	if p.Mission != nil {
		for _, sc := range p.Mission.Schemes {
			schemes[sc.Code] = sc.Label.In(p.Lang)
			labels[sc.Code] = map[string]string{}
			for _, t := range sc.Terms {
				labels[sc.Code][t.Code] = t.Label.In(p.Lang)
			}
		}
	}
	b, _ := json.Marshal(map[string]any{"kinds": kinds, "terms": labels, "schemes": schemes})
	return template.JS(b)
}
