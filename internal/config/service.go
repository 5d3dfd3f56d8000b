package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
)

// Service holds the settings of running Begira as a service: Prometheus
// metrics. Serve embeds it.
type Service struct {
	// MetricsAddr serves /metrics on its own address ("" = not at all,
	// unless MetricsToken opens it on the main address).
	MetricsAddr  string
	MetricsToken string
}

func (c *Service) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve Prometheus /metrics on this address, e.g. 127.0.0.1:9464 (default: off)")
	fs.StringVar(&c.MetricsToken, "metrics-token", "", "serve /metrics on the main address to scrapers that send this bearer token (default: off)")
}

func (c *Service) problems() []string {
	var out []string
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			out = append(out, fmt.Sprintf("metrics-addr %q must be host:port", c.MetricsAddr))
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		out = append(out, "metrics-token must be at least 16 characters")
	}
	return out
}

func (c Service) log(log *slog.Logger) {
	token := ""
	if c.MetricsToken != "" {
		token = "(set, redacted)"
	}
	log.Info("service configuration", "metrics_addr", c.MetricsAddr, "metrics_token", token)
}
