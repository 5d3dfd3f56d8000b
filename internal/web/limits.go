package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
)

// Limits before bodies. fasthttp calls onHeaders once a request's headers
// are in and before a byte of its body is read: the route and the headers
// decide how large the body may be and how long it may take. Only an upload
// by a principal allowed to import into the mission gets the upload limit
// and the long upload timeout; every other request keeps BodyLimit and the
// 30 s ReadTimeout. A body that is refused is never read: the request is
// marked (refusedHeader), its length set to zero so fasthttp reads nothing,
// and the connection closed after the answer, because the unread body is
// still on it.

// refusedHeader carries onHeaders' verdict to refuseEarly. A client's own
// value is deleted first, so only onHeaders sets it.
const refusedHeader = "X-Begira-Refused"

// Verdicts in refusedHeader.
const (
	refusedTooLarge = "too-large" // answered 413; the declared length follows
	refusedDropped  = "dropped"   // body not read; the route's guard answers
)

func (s *Server) onHeaders(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(refusedHeader)
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	n := h.ContentLength() // -1 chunked, -2 none
	if isUpload(string(h.Method()), path) {
		if !s.mayUpload(h, path) {
			// The guard will refuse it: no reason to read a byte of it.
			if n != 0 && n != -2 {
				refuse(h, refusedDropped)
			}
			return fasthttp.RequestConfig{}
		}
		if int64(n) > s.uploadLimit {
			refuse(h, refusedTooLarge+" "+strconv.Itoa(n))
			return fasthttp.RequestConfig{}
		}
		return fasthttp.RequestConfig{ReadTimeout: s.uploadTimeout}
	}
	if int64(n) > s.bodyLimit {
		refuse(h, refusedTooLarge+" "+strconv.Itoa(n))
	}
	return fasthttp.RequestConfig{}
}

// refuse marks h so that its body is not read and its connection closes.
func refuse(h *fasthttp.RequestHeader, verdict string) {
	h.Set(refusedHeader, verdict)
	h.SetContentLength(0)
	h.SetConnectionClose()
}

// mayUpload says whether the request's token or session may import into
// the mission named by path (/api/v1/missions/{slug}/imports).
func (s *Server) mayUpload(h *fasthttp.RequestHeader, path string) bool {
	slug := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v1/missions/"), "/imports")
	if slug == "" || strings.Contains(slug, "/") {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, _, err := s.identify(ctx, string(h.Peek(fiber.HeaderAuthorization)), string(h.Cookie(sessionCookie)))
	return err == nil && p.Kind != auth.Anonymous && p.Role(slug) >= auth.Analyst
}

// refuseEarly answers the requests onHeaders refused to read: 413 for a
// body declared too large, before anything else runs.
func (s *Server) refuseEarly(c *fiber.Ctx) error {
	if n, ok := strings.CutPrefix(refused(c), refusedTooLarge+" "); ok {
		if uploadRoute(c) {
			size, _ := strconv.ParseInt(n, 10, 64)
			return s.tooLarge(size)
		}
		return portfolio.Errorf(portfolio.ETOOLARGE, "the request body is larger than %d bytes", s.bodyLimit)
	}
	return c.Next()
}

// refused is onHeaders' verdict on the request ("" when its body was let in).
func refused(c *fiber.Ctx) string { return string(c.Request().Header.Peek(refusedHeader)) }

// limitBody refuses, on every route but uploads, a body whose length is
// unknown (chunked): with streaming on, Fiber does not enforce BodyLimit
// itself, and onHeaders could not check a length it was not told.
func (s *Server) limitBody(c *fiber.Ctx) error {
	if uploadRoute(c) {
		return c.Next()
	}
	if c.Request().IsBodyStream() && c.Request().Header.ContentLength() < 0 {
		return portfolio.Errorf(portfolio.ETOOLARGE, "the request body is larger than %d bytes", s.bodyLimit)
	}
	return c.Next()
}

// maxHeaderBytes bounds the request line plus headers (a URL with a long
// query string included); beyond it fasthttp answers 431.
const maxHeaderBytes = 8 << 10
