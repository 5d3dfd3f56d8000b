package web

import (
	"bytes"
	"compress/gzip"
	"sync"
	"time"
	"weak"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// packedPages keeps the cached dashboard pages compressed, so a page is
// compressed once per refresh (and reader part), not once per request.
// The view cache holds the page with a marker where the reader's part goes
// (sendPersonal); the compressed copy is of the whole page as one reader
// sees it, keyed by the view's key, the coding and that reader's part.
// Anonymous readers of the public mission all share one copy; a signed-in
// reader's part carries their name and CSRF token, so each gets theirs.
//
// An entry remembers, by a weak pointer, the page it was made from: a
// refreshed view is a new slice, no longer matches and is compressed
// again, without the view cache having to know about codings and without
// hashing 200 kB per request. (A weak pointer keeps no old page alive, and
// never equals one made from a new page, even at the same address.)
type packedPages struct {
	mu      sync.Mutex
	entries map[string]*packedPage
	size    int
	now     func() time.Time
}

type packedPage struct {
	src  weak.Pointer[byte]
	n    int
	body []byte
	used time.Time
}

// Bounds of the compressed pages: a compressed dashboard is 15–40 kB.
const (
	maxPackedPages = 512
	maxPackedBytes = 32 << 20
)

// pageBrotliLevel trades a little size for speed: the page is compressed
// while a reader waits (the first after each refresh), where quality 11
// would take a tenth of a second.
const pageBrotliLevel = 6

func newPackedPages(now func() time.Time) *packedPages {
	return &packedPages{entries: map[string]*packedPage{}, now: now}
}

// get returns the compressed page for key made of page with viewer in
// place of the marker, compressing it when absent or stale. The bool tells
// whether it came from the cache.
func (p *packedPages) get(key, enc string, page, viewer []byte) ([]byte, bool, error) {
	if len(page) == 0 {
		body, err := compressPage(enc, page, viewer)
		return body, false, err
	}
	src, n := weak.Make(&page[0]), len(page)
	k := key + "\x00" + enc + "\x00" + string(viewer)
	p.mu.Lock()
	if e, ok := p.entries[k]; ok && e.src == src && e.n == n {
		e.used = p.now()
		body := e.body
		p.mu.Unlock()
		return body, true, nil
	}
	p.mu.Unlock()
	body, err := compressPage(enc, page, viewer)
	if err != nil {
		return nil, false, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.entries[k]; ok {
		p.size -= len(old.body)
	}
	p.entries[k] = &packedPage{src: src, n: n, body: body, used: p.now()}
	p.size += len(body)
	for len(p.entries) > maxPackedPages || p.size > maxPackedBytes {
		p.evictOldest()
	}
	return body, false, nil
}

// evictOldest drops the least recently used copy; the caller holds p.mu.
func (p *packedPages) evictOldest() {
	var oldest string
	var at time.Time
	for k, e := range p.entries {
		if oldest == "" || e.used.Before(at) {
			oldest, at = k, e.used
		}
	}
	p.size -= len(p.entries[oldest].body)
	delete(p.entries, oldest)
}

// compressPage compresses page with viewer in place of the marker.
func compressPage(enc string, page, viewer []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(page) / 5)
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	if enc == "br" {
		w = brotli.NewWriterLevel(&b, pageBrotliLevel)
	} else {
		w, _ = gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	}
	before, after, found := bytes.Cut(page, viewerMarker)
	w.Write(before)
	if found {
		w.Write(viewer)
		w.Write(after)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sendCached sends a page of the view cache, compressed when the client
// accepts brotli or gzip (Vary: Accept-Encoding either way).
func (s *Server) sendCached(c *fiber.Ctx, key string, body []byte, lang string) error {
	c.Vary(fiber.HeaderAcceptEncoding)
	enc := pickEncoding(c.Get(fiber.HeaderAcceptEncoding), true, true)
	if enc == "" {
		return s.sendPersonal(c, body, lang)
	}
	var viewer bytes.Buffer
	if bytes.Contains(body, viewerMarker) {
		if err := s.pages.byName["dashboard"].ExecuteTemplate(&viewer, "viewer", s.viewer(c, lang)); err != nil {
			return err
		}
	}
	packed, hit, err := s.packed.get(key, enc, body, viewer.Bytes())
	if err != nil {
		return err
	}
	s.stats.packed(hit)
	c.Set(fiber.HeaderContentEncoding, enc)
	return c.Send(packed)
}
