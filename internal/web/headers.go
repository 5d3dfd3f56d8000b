package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/auth"
)

// hstsValue is sent with --hsts: a year, this host only (subdomains may
// be other services that are not on TLS).
const hstsValue = "max-age=31536000"

// setHSTS adds Strict-Transport-Security when the operator says TLS is
// terminated in front (--hsts): Begira itself cannot know.
func (s *Server) setHSTS(c *fiber.Ctx) {
	if s.hsts {
		c.Set(fiber.HeaderStrictTransportSecurity, hstsValue)
	}
}

// privateByDefault marks what a signed-in principal is shown as theirs
// alone: no shared cache may keep it and no browser should store it,
// unless the handler said otherwise (snapshot pages are private and
// immutable).
func (s *Server) privateByDefault(c *fiber.Ctx) error {
	err := c.Next()
	if principal(c).Kind != auth.Anonymous && len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return err
}

// loggedPath is a request's path as the log may keep it: a guest link's
// token is a password to a snapshot, so it is cut out.
func loggedPath(path string) string {
	if rest, ok := strings.CutPrefix(path, "/g/"); ok {
		_, tail, _ := strings.Cut(rest, "/")
		if tail != "" {
			tail = "/" + tail
		}
		return "/g/[redacted]" + tail
	}
	return path
}
