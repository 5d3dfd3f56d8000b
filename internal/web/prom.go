package web

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/begira/begira/internal/portfolio"
)

// observeRequests tells the Observer of every answered request, labelled
// with the route pattern it matched ("/m/:slug", never the URL itself, so
// the series stay few whatever the URLs).
func (s *Server) observeRequests(c *fiber.Ctx) error {
	if s.stats.o == nil {
		return c.Next()
	}
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = statusOf(err)
	}
	s.stats.request(routePattern(c), c.Method(), status, time.Since(start))
	return err
}

// routePattern is the pattern of the route that answered, or "" when only
// middleware did (an unknown path, static files).
func routePattern(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || r.Method == "USE" {
		if strings.HasPrefix(c.Path(), "/static/") {
			return "/static/*"
		}
		return ""
	}
	return r.Path
}

// metricsEndpoint serves Prometheus's /metrics on the main address to a
// scraper that sends the configured token as a bearer token. Without a
// token set, /metrics is not served here (--metrics-addr serves it on
// its own, private address instead).
func (s *Server) metricsEndpoint(c *fiber.Ctx) error {
	if s.promHandler == nil || s.metricsToken == "" {
		return portfolio.Errorf(portfolio.ENOTFOUND, "metrics are not served on this address (see --metrics-addr and --metrics-token)")
	}
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.metricsToken)) != 1 {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="begira metrics"`)
		return portfolio.Errorf(portfolio.EUNAUTHORIZED, "metrics need the metrics token as a bearer token")
	}
	return adaptor.HTTPHandler(s.promHandler)(c)
}
