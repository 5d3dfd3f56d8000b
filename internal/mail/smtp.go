package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/begira/begira/internal/portfolio"
)

// Settings say how to reach the SMTP server, from --smtp-url.
type Settings struct {
	Host     string
	Port     int
	Username string
	Password string
	// Implicit is TLS from the first byte (smtps://, usually port 465);
	// otherwise StartTLS says whether STARTTLS is "required" (the
	// default), "opportunistic" or "off" (a relay on localhost).
	Implicit bool
	StartTLS string
	From     string
	// TLS overrides the TLS configuration (tests trust their own CA).
	TLS *tls.Config
}

// ParseURL reads an SMTP URL: smtp://user:pass@host:587 (STARTTLS
// required), smtp://host:25?starttls=off, smtps://user:pass@host:465.
func ParseURL(raw, from string) (Settings, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Settings{}, portfolio.Errorf(portfolio.EINVALID, "smtp-url %q: want smtp://[user:password@]host[:port] or smtps://…", redact(raw))
	}
	s := Settings{Host: u.Hostname(), From: from, StartTLS: "required"}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.Implicit = 465, true
	default:
		return Settings{}, portfolio.Errorf(portfolio.EINVALID, "smtp-url: scheme %q must be smtp (STARTTLS) or smtps (implicit TLS)", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port < 1 || s.Port > 65535 {
			return Settings{}, portfolio.Errorf(portfolio.EINVALID, "smtp-url: port %q is not a port number", p)
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if v := u.Query().Get("starttls"); v != "" {
		if s.Implicit || (v != "required" && v != "opportunistic" && v != "off") {
			return Settings{}, portfolio.Errorf(portfolio.EINVALID, "smtp-url: starttls=%q must be required, opportunistic or off, and only with smtp://", v)
		}
		s.StartTLS = v
	}
	if from == "" {
		return Settings{}, portfolio.Errorf(portfolio.EINVALID, "mail-from is required with smtp-url (e.g. begira@example.org)")
	}
	return s, nil
}

// redact hides the password of an SMTP URL in messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted is the URL as it may be logged.
func Redacted(raw string) string { return redact(raw) }

// Message is one email.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Sender delivers messages; SMTP is the real one.
type Sender interface {
	Send(ctx context.Context, msgs []Message) []error
}

// SMTP sends through the server of its settings.
type SMTP struct{ S Settings }

// Send delivers msgs over one connection and returns an error per
// message (nil for those delivered).
func (m SMTP) Send(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	var out []*gomail.Msg
	var idx []int
	for i, msg := range msgs {
		g := gomail.NewMsg()
		if err := g.From(m.S.From); err != nil {
			errs[i] = fmt.Errorf("mail: from %q: %w", m.S.From, err)
			continue
		}
		if err := g.To(msg.To); err != nil {
			errs[i] = fmt.Errorf("mail: to %q: %w", msg.To, err)
			continue
		}
		g.Subject(msg.Subject)
		g.SetDate()
		g.SetMessageID()
		g.SetBodyString(gomail.TypeTextPlain, msg.Text)
		g.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
		out, idx = append(out, g), append(idx, i)
	}
	if len(out) == 0 {
		return errs
	}
	opts := []gomail.Option{gomail.WithPort(m.S.Port), gomail.WithTimeout(30 * time.Second)}
	switch {
	case m.S.Implicit:
		opts = append(opts, gomail.WithSSL())
	case m.S.StartTLS == "off":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case m.S.StartTLS == "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.S.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(m.S.TLS))
	} else {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: m.S.Host, MinVersion: tls.VersionTLS12}))
	}
	if m.S.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(m.S.Username), gomail.WithPassword(m.S.Password))
	}
	c, err := gomail.NewClient(m.S.Host, opts...)
	if err == nil {
		err = c.DialAndSendWithContext(ctx, out...)
	}
	if err != nil {
		// go-mail reports per message where it can; otherwise the
		// connection failed and no message went.
		for k, g := range out {
			if g.HasSendError() {
				errs[idx[k]] = fmt.Errorf("mail: to %s: %w", msgs[idx[k]].To, g.SendError())
			} else if !g.IsDelivered() {
				errs[idx[k]] = fmt.Errorf("mail: %s:%d: %w", m.S.Host, m.S.Port, err)
			}
		}
	}
	return errs
}

var _ = net.JoinHostPort
