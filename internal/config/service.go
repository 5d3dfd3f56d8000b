package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
)

// Service holds the settings of running Begira as a service: Prometheus
// metrics and backups. Serve embeds it.
type Service struct {
	// MetricsAddr serves /metrics on its own address ("" = not at all,
	// unless MetricsToken opens it on the main address).
	MetricsAddr  string
	MetricsToken string
	// BackupDir receives the scheduled backups and those asked through the
	// API, each in its own dated directory; BackupKeep of them are kept.
	BackupDir  string
	BackupKeep int
	// SMTPURL and MailFrom switch email on (digests, snapshot summaries);
	// PublicURL is how recipients reach this server, for the links in them.
	SMTPURL   string
	MailFrom  string
	PublicURL string
	// WebhookSecret signs the alert webhooks (HMAC-SHA256).
	WebhookSecret string
}

func (c *Service) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve Prometheus /metrics on this address, e.g. 127.0.0.1:9464 (default: off)")
	fs.StringVar(&c.MetricsToken, "metrics-token", "", "serve /metrics on the main address to scrapers that send this bearer token (default: off)")
	fs.StringVar(&c.BackupDir, "backup-dir", "", "directory of the server's backups (default: backups/ beside the database)")
	fs.IntVar(&c.BackupKeep, "backup-keep", 7, "backups kept in --backup-dir; older ones are removed after each backup")
	fs.StringVar(&c.SMTPURL, "smtp-url", "", "SMTP server for email: smtp://user:pass@host:587 (STARTTLS; ?starttls=off for a local relay) or smtps://…:465 (implicit TLS); default: no email")
	fs.StringVar(&c.MailFrom, "mail-from", "", "From address of Begira's email, e.g. begira@example.org")
	fs.StringVar(&c.WebhookSecret, "webhook-secret", "", "key that signs alert webhooks (HMAC-SHA256 in X-Begira-Signature); at least 16 characters")
	fs.StringVar(&c.PublicURL, "public-url", "", "the URL recipients reach Begira at, for links in email (default: http://ADDR)")
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
	if c.WebhookSecret != "" && len(c.WebhookSecret) < 16 {
		out = append(out, "webhook-secret must be at least 16 characters")
	}
	if c.SMTPURL != "" && c.MailFrom == "" {
		out = append(out, "mail-from is required with smtp-url")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			out = append(out, fmt.Sprintf("public-url %q must be an http(s) URL", c.PublicURL))
		}
	}
	if c.BackupKeep < 1 {
		out = append(out, "backup-keep must be at least 1")
	}
	return out
}

func (c Service) log(log *slog.Logger) {
	log.Info("service configuration", "metrics_addr", c.MetricsAddr, "metrics_token", redactSecret(c.MetricsToken),
		"backup_dir", c.BackupDir, "backup_keep", strconv.Itoa(c.BackupKeep),
		"smtp_url", redactURL(c.SMTPURL), "mail_from", c.MailFrom, "public_url", c.PublicURL,
		"webhook_secret", redactSecret(c.WebhookSecret))
}

func redactSecret(s string) string {
	if s == "" {
		return ""
	}
	return "(set, redacted)"
}

// redactURL hides a URL's password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
