// Package outbound provides the HTTP client Begira uses to fetch what a
// mission admin points it at (pull sources). A mission admin is not the
// instance administrator: the client refuses to reach the server's own
// machine and network — loopback, private, link-local, unspecified and
// multicast addresses — unless the administrator allows the host, and it
// follows redirects on the same host only. The check is made on the
// address actually dialled, after DNS, so a name that resolves to a
// private address (or changes to one) is refused too.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// ErrRefused is wrapped by every refusal of the client.
var ErrRefused = errors.New("outbound: refused")

// Allow lists what the administrator lets pulls reach despite the rules:
// host names (as in the URL), addresses and CIDR ranges.
type Allow struct {
	hosts    map[string]bool
	prefixes []netip.Prefix
}

// ParseAllow reads entries such as "intranet.example", "10.1.2.3" or
// "10.0.0.0/8".
func ParseAllow(entries []string) (Allow, error) {
	a := Allow{hosts: map[string]bool{}}
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
		case strings.Contains(e, "/"):
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return a, fmt.Errorf("allowed pull host %q: not a CIDR range", e)
			}
			a.prefixes = append(a.prefixes, p.Masked())
		default:
			if ip, err := netip.ParseAddr(e); err == nil {
				a.prefixes = append(a.prefixes, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
			} else {
				a.hosts[e] = true
			}
		}
	}
	return a, nil
}

func (a Allow) allows(ip netip.Addr) bool {
	for _, p := range a.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// internal reports addresses of this machine or its networks.
func internal(ip netip.Addr) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip) // carrier-grade NAT, cloud metadata neighbours
}

// Client returns the guarded client with the given overall timeout.
func Client(allow Allow, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	guarded := &net.Dialer{Timeout: dialer.Timeout, KeepAlive: dialer.KeepAlive,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: address %q", ErrRefused, address)
			}
			if ip := ap.Addr().Unmap(); internal(ip) && !allow.allows(ip) {
				return fmt.Errorf("%w: %s is an internal address (loopback, private or link-local); the administrator can allow it with --pull-allow-hosts", ErrRefused, ip)
			}
			return nil
		}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// A proxy would be dialled instead of the source, hiding its address.
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err == nil && allow.hosts[strings.ToLower(host)] {
			return dialer.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: sameHost}
}

// sameHost follows up to five redirects, all on the host first asked.
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("%w: more than 5 redirects", ErrRefused)
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return fmt.Errorf("%w: a redirect to another host (%s)", ErrRefused, req.URL.Hostname())
	}
	return nil
}
