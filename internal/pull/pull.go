// Package pull fetches the files of a mission's registered sources over
// HTTP (conditional GETs, size and time limits, JSON arrays turned into
// CSV) and hands them to the import pipeline, which previews and commits
// them like an upload. It records each pull's outcome on its source.
package pull

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Defaults: a source file larger than DefaultLimit is refused, and a
// server that has not answered in full within DefaultTimeout fails the
// pull.
const (
	DefaultLimit   = 64 << 20
	DefaultTimeout = 2 * time.Minute
)

// EUpstream is the code of a pull whose source failed (an HTTP error, a
// timeout, an unreachable host): the server itself did not (502).
const EUpstream = "EUPSTREAM"

// Puller pulls the sources of the missions of one store through one
// import pipeline.
type Puller struct {
	st      *store.Store
	imports *ingest.Service
	now     func() time.Time
	// TempDir holds the fetched files while they are imported ("" = the
	// system's temp directory).
	TempDir string
}

// New returns a Puller. now is the clock (time.Now in production).
func New(st *store.Store, imports *ingest.Service, now func() time.Time) *Puller {
	return &Puller{st: st, imports: imports, now: now}
}

// Result says what one pull of a source did.
type Result struct {
	Mission      string `json:"mission"`
	Source       string `json:"source"`
	Status       string `json:"status"` // portfolio.PullOK, PullNotModified, PullUnchanged or PullFailed
	HTTPStatus   int    `json:"http_status,omitempty"`
	Bytes        int64  `json:"bytes,omitempty"`
	BatchID      int64  `json:"batch_id,omitempty"`
	RowsTotal    int64  `json:"rows_total,omitempty"`
	RowsOK       int64  `json:"rows_ok,omitempty"`
	RowsRejected int64  `json:"rows_rejected,omitempty"`
	Error        string `json:"error,omitempty"`
}

// PullSource pulls the registered source slug of mission: the plain method
// the scheduler's pull_<source> job and the CLI both call.
func (p *Puller) PullSource(ctx context.Context, client *http.Client, mission, slug string, limit int64) (*Result, error) {
	src, err := p.st.Source(ctx, mission, slug)
	if err != nil {
		return nil, err
	}
	return p.Pull(ctx, client, *src, limit)
}

// Pull fetches a source's URL and imports it through the pipeline. The GET
// is conditional (If-None-Match / If-Modified-Since with the validators of
// the last successful pull): 304, or a body identical to the last imported
// one, imports nothing. A 200 body is streamed to a temporary file under
// the size limit, converted to CSV when it is JSON (an array of objects),
// previewed and committed with skip_invalid off: a file with a rejected row
// is not committed. Every failure (network, timeout, HTTP error, oversize,
// rejects) leaves the portfolio as it was and is recorded on the source;
// the validators change only when a file landed, so the next pull fetches a
// failed file again. client nil means a client with DefaultTimeout;
// limit ≤ 0 means DefaultLimit.
func (p *Puller) Pull(ctx context.Context, client *http.Client, src portfolio.Source, limit int64) (*Result, error) {
	res := &pullState{Result: &Result{Mission: src.Mission, Source: src.Slug}}
	err := p.fetchAndImport(ctx, client, src, limit, res)
	rec := portfolio.PullRecord{At: p.now().UTC(), Status: res.Status, BatchID: res.BatchID}
	if err != nil {
		res.Status, res.Error = portfolio.PullFailed, pullErrorText(err)
		rec.Status, rec.Error = res.Status, res.Error
	}
	if res.Status == portfolio.PullOK || res.Status == portfolio.PullUnchanged {
		rec.Validators = true
		rec.ETag, rec.LastModified, rec.SHA256 = res.etag, res.lastModified, res.sha256
	}
	// The outcome is recorded even when the caller's context ended (a
	// timeout is exactly when the record matters).
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if rerr := p.st.RecordPull(rctx, src.Mission, src.Slug, rec); rerr != nil && err == nil {
		err = rerr
	}
	return res.Result, err
}

// pullState is a Result with the validators Pull records on the source
// but does not return.
type pullState struct {
	*Result
	etag, lastModified, sha256 string
}

func (p *Puller) fetchAndImport(ctx context.Context, client *http.Client, src portfolio.Source, limit int64, res *pullState) error {
	if src.URL == "" {
		return portfolio.Errorf(portfolio.EINVALID, "source %q of mission %q has no url to pull from", src.Slug, src.Mission)
	}
	if ingest.Fields(src.PullKind) == nil {
		return portfolio.Errorf(portfolio.EINVALID, "source %q: kind must be projects, organisations or signals, not %q", src.Slug, src.PullKind)
	}
	u, err := url.Parse(src.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return portfolio.Errorf(portfolio.EINVALID, "source %q: url %q must be an absolute http or https URL", src.Slug, src.URL)
	}
	// Messages name the host and path, never the query (it may hold a key).
	where := u.Host + u.Path
	if limit <= 0 {
		limit = DefaultLimit
	}
	if client == nil {
		client = &http.Client{Timeout: DefaultTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return fmt.Errorf("pull: %s: %w", src.Slug, err)
	}
	req.Header.Set("Accept", "text/csv, application/json;q=0.9, */*;q=0.5")
	req.Header.Set("User-Agent", "begira")
	if src.ETag != "" {
		req.Header.Set("If-None-Match", src.ETag)
	}
	if src.LastModified != "" {
		req.Header.Set("If-Modified-Since", src.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return pullNetError(src.Slug, where, client.Timeout, err)
	}
	defer resp.Body.Close()
	res.HTTPStatus = resp.StatusCode
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.Status = portfolio.PullNotModified
		return nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return &portfolio.Error{Code: EUpstream, Details: []string{strconv.Itoa(resp.StatusCode)}, Message: fmt.Sprintf(
			"source %q: %s answered HTTP %s; the previous data is kept", src.Slug, where, resp.Status)}
	}
	if resp.ContentLength > limit {
		return tooLarge(src.Slug, where, limit)
	}

	dir, err := os.MkdirTemp(p.TempDir, "begira-pull-")
	if err != nil {
		return fmt.Errorf("pull: %s: %w", src.Slug, err)
	}
	defer os.RemoveAll(dir)
	body, err := os.Create(filepath.Join(dir, "body"))
	if err != nil {
		return fmt.Errorf("pull: %s: %w", src.Slug, err)
	}
	defer body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(body, h), io.LimitReader(resp.Body, limit+1))
	res.Bytes = n
	if err != nil {
		return pullNetError(src.Slug, where, client.Timeout, err)
	}
	if n > limit {
		return tooLarge(src.Slug, where, limit)
	}
	res.sha256 = hex.EncodeToString(h.Sum(nil))
	res.etag, res.lastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if src.LastSHA256 != "" && res.sha256 == src.LastSHA256 {
		res.Status = portfolio.PullUnchanged
		return nil
	}

	filename := path.Base(u.Path)
	if filename == "/" || filename == "." || filename == "" {
		filename = src.Slug
	}
	file := body.Name()
	if isJSONBody(resp.Header.Get("Content-Type"), filename, body) {
		file = filepath.Join(dir, "body.csv")
		if err := jsonFileToCSV(body.Name(), file); err != nil {
			return portfolio.Errorf(portfolio.EINVALID, "source %q: %s: %v", src.Slug, where, err)
		}
	}
	mode := src.PullMode
	if mode == "" {
		mode = ingest.ModeUpsert
	}
	b, err := p.imports.Preview(ctx, ingest.Request{Mission: src.Mission, Kind: src.PullKind, Mode: mode, Path: file, Filename: filename,
		CreatedBy: "pull:" + src.Slug, Mapping: src.Mapping, Source: src.Slug})
	if err != nil {
		return err
	}
	res.BatchID, res.RowsTotal, res.RowsOK, res.RowsRejected = b.ID, b.RowsTotal, b.RowsOK, b.RowsRejected
	if err := p.st.SetImportSource(ctx, b.ID, src.ID); err != nil {
		p.imports.Fail(ctx, b.ID)
		return fmt.Errorf("pull: %s: %w", src.Slug, err)
	}
	if b.RowsRejected > 0 || b.RowsOK == 0 {
		// Nobody reviews a scheduled pull before it lands: a file with a
		// rejected row is not committed, and its batch is closed as failed
		// (its rejects stay readable on the import's page).
		p.imports.Fail(ctx, b.ID)
		msg := fmt.Sprintf("source %q: import %d was not committed: %d of %d rows were rejected", src.Slug, b.ID, b.RowsRejected, b.RowsTotal)
		if len(b.Rejects) > 0 {
			r := b.Rejects[0]
			msg += fmt.Sprintf(" (first: line %d, column %s: %s)", r.Line, r.Column, r.Reason)
		}
		return &portfolio.Error{Code: ingest.ERejected, Message: msg + "; the previous data is kept"}
	}
	if _, err := p.imports.Commit(ctx, b.ID, false); err != nil {
		return err
	}
	res.Status = portfolio.PullOK
	return nil
}

// pullErrorText is the text recorded for a failed pull: the message of a
// domain error, or the whole error otherwise (the jobs page is for the
// administrator, who needs it).
func pullErrorText(err error) string {
	var pe *portfolio.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

func pullNetError(slug, where string, timeout time.Duration, err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return portfolio.Errorf(EUpstream, "source %q: %s did not answer in full within %s; the previous data is kept", slug, where, timeout)
	}
	return portfolio.Errorf(EUpstream, "source %q: fetching %s failed: %v; the previous data is kept", slug, where, unwrapURLError(err))
}

// unwrapURLError drops url.Error's "Get <full URL>:" prefix, which would
// repeat the query string.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func tooLarge(slug, where string, limit int64) error {
	return portfolio.Errorf(portfolio.ETOOLARGE, "source %q: %s is larger than the pull limit of %d bytes; nothing was imported", slug, where, limit)
}

// isJSONBody reports whether a pulled body is JSON: by its content type,
// its name, or (for servers that say nothing useful) its first character.
func isJSONBody(contentType, name string, f *os.File) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		if mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json") {
			return true
		}
		if mt == "text/csv" {
			return false
		}
	}
	if strings.EqualFold(path.Ext(name), ".json") {
		return true
	}
	head := make([]byte, 512)
	n, _ := f.ReadAt(head, 0)
	head = bytes.TrimLeft(head[:n], " \t\r\n\xef\xbb\xbf")
	return len(head) > 0 && head[0] == '['
}

// jsonFileToCSV converts a JSON array of flat objects to CSV: the header is
// the union of the keys in first-seen order, a missing key or null is an
// empty cell, and an array of scalars becomes a multi-valued cell joined by
// '|'. It reads the file twice so that no more than one object is held in
// memory.
func jsonFileToCSV(src, dst string) error {
	var keys []string
	seen := map[string]bool{}
	err := eachJSONObject(src, func(_ int, obj []jsonField) error {
		for _, f := range obj {
			if !seen[f.key] {
				seen[f.key] = true
				keys = append(keys, f.key)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return errors.New("the JSON array holds no objects")
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	w := csv.NewWriter(out)
	if err := w.Write(keys); err != nil {
		return err
	}
	index := map[string]int{}
	for i, k := range keys {
		index[k] = i
	}
	row := make([]string, len(keys))
	err = eachJSONObject(src, func(n int, obj []jsonField) error {
		clear(row)
		for _, f := range obj {
			cell, err := jsonCell(f.value)
			if err != nil {
				return fmt.Errorf("element %d, key %q: %v", n, f.key, err)
			}
			row[index[f.key]] = cell
		}
		return w.Write(row)
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return out.Close()
}

type jsonField struct {
	key   string
	value json.RawMessage
}

// eachJSONObject streams the elements of the top-level array of a JSON
// file to fn, each as its fields in document order.
func eachJSONObject(name string, fn func(n int, obj []jsonField) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return errors.New("a JSON source must be an array of objects ([{...}, ...])")
	}
	for n := 1; dec.More(); n++ {
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			if err != nil {
				return fmt.Errorf("element %d: %v", n, err)
			}
			return fmt.Errorf("element %d is not an object", n)
		}
		var obj []jsonField
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return fmt.Errorf("element %d: %v", n, err)
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("element %d: %v", n, err)
			}
			obj = append(obj, jsonField{key: tok.(string), value: v})
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("element %d: %v", n, err)
		}
		if err := fn(n, obj); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("after the last element: %v", err)
	}
	return nil
}

// jsonCell renders one JSON value as a CSV cell.
func jsonCell(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case '{':
		return "", errors.New("an object cannot be a cell; a JSON source must be an array of flat objects")
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return "", err
		}
		parts := make([]string, 0, len(items))
		for _, it := range items {
			it = bytes.TrimSpace(it)
			if len(it) > 0 && (it[0] == '[' || it[0] == '{') {
				return "", errors.New("a list may hold only text, numbers or booleans")
			}
			p, err := jsonCell(it)
			if err != nil {
				return "", err
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, "|"), nil
	}
	return string(v), nil // number, true, false
}
