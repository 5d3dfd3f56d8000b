package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxies are the trusted reverse proxies (--trusted-proxies): addresses
// and CIDR ranges.
type proxies []netip.Prefix

// parseProxies reads the list; an entry that is neither an address nor a
// range is skipped (config validates the flag).
func parseProxies(list []string) proxies {
	var ps proxies
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			ps = append(ps, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return ps
}

func (ps proxies) trust(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address the login throttle counts by. A request from a
// trusted proxy is from the rightmost X-Forwarded-For address that is not a
// trusted proxy: each proxy appends the address it got the request from,
// so that one was written by a proxy we trust, while everything left of it
// is whatever the client chose to send (Fiber's c.IP takes the leftmost).
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	if !s.proxies.trust(peer) {
		return peer.String()
	}
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Our own proxy wrote nonsense: count the proxy itself.
			return peer.String()
		}
		if a = a.Unmap(); !s.proxies.trust(a) {
			return a.String()
		}
	}
	return peer.String()
}
