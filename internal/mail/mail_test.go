package mail

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/mailtest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		raw      string
		ok       bool
		port     int
		implicit bool
		starttls string
	}{
		{"smtp://u:p@mail.example.org", true, 587, false, "required"},
		{"smtp://mail.example.org:25?starttls=off", true, 25, false, "off"},
		{"smtps://mail.example.org", true, 465, true, "required"},
		{"smtps://mail.example.org?starttls=off", false, 0, false, ""},
		{"http://mail.example.org", false, 0, false, ""},
		{"smtp://mail.example.org:99999", false, 0, false, ""},
		{"mail.example.org", false, 0, false, ""},
	} {
		s, err := ParseURL(c.raw, "begira@example.org")
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v, want ok %v", c.raw, err, c.ok)
			continue
		}
		if c.ok && (s.Port != c.port || s.Implicit != c.implicit || s.StartTLS != c.starttls) {
			t.Errorf("%s: %+v", c.raw, s)
		}
	}
	if _, err := ParseURL("smtp://u:secret@h", "begira@example.org"); err != nil {
		t.Fatal(err)
	}
	if got := Redacted("smtp://u:secret@h:25"); strings.Contains(got, "secret") {
		t.Errorf("Redacted kept the password: %s", got)
	}
}

// TestSMTPTransports sends through a real mailpit in each TLS mode and
// reads the message back: subject, both parts, recipient.
func TestSMTPTransports(t *testing.T) {
	for _, c := range []struct{ name, mode, scheme string }{
		{"plain relay", mailtest.Plain, "smtp://%s?starttls=off"},
		{"STARTTLS", mailtest.StartTLS, "smtp://%s"},
		{"implicit TLS", mailtest.Implicit, "smtps://%s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mp := mailtest.Start(t, c.mode)
			s, err := ParseURL(strings.Replace(c.scheme, "%s", mp.SMTP, 1), "begira@example.org")
			if err != nil {
				t.Fatal(err)
			}
			s.TLS = mp.TLS
			errs := SMTP{S: s}.Send(context.Background(), []Message{{To: "ane@example.org", Subject: "Kaixo ñ",
				Text: "testua", HTML: "<p>testua</p>"}})
			if errs[0] != nil {
				t.Fatalf("send: %v", errs[0])
			}
			got := mp.WaitFor(t, 1, 10*time.Second)[0]
			if got.Subject != "Kaixo ñ" || got.To[0].Address != "ane@example.org" || got.From.Address != "begira@example.org" ||
				strings.TrimSpace(got.Text) != "testua" || !strings.Contains(got.HTML, "<p>testua</p>") {
				t.Errorf("received %+v", got)
			}
		})
	}
}

// TestDeliveryIsRetriedWithBackoff: the SMTP server is down at the first
// attempt and comes up during the backoff; the message is delivered on
// the second attempt, after the first backoff, which then doubles.
func TestDeliveryIsRetriedWithBackoff(t *testing.T) {
	addr := mailtest.FreeAddr(t)
	s, _ := ParseURL("smtp://"+addr+"?starttls=off", "begira@example.org")
	var mp *mailtest.Server
	var waits []time.Duration
	n := &Notifier{Sender: SMTP{S: s}, Attempts: 3, Backoff: time.Second,
		Wait: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			if mp == nil {
				mp = mailtest.StartAt(t, addr, mailtest.Plain)
			}
			return nil
		}}
	d, err := n.deliver(context.Background(), func(context.Context) ([]Message, error) {
		return []Message{{To: "jon@example.org", Subject: "s", Text: "t", HTML: "<p>t</p>"}}, nil
	})
	if err != nil || d.Attempts != 2 || len(d.Sent) != 1 || len(waits) != 1 || waits[0] != time.Second {
		t.Fatalf("delivery %+v, err %v, waits %v; want sent at attempt 2 after one 1 s backoff", d, err, waits)
	}
	mp.WaitFor(t, 1, 10*time.Second)

	// Down for good: every attempt fails, the backoff doubles, the error
	// says how many were not delivered.
	waits = nil
	s2, _ := ParseURL("smtp://"+mailtest.FreeAddr(t)+"?starttls=off", "begira@example.org")
	n = &Notifier{Sender: SMTP{S: s2}, Attempts: 3, Backoff: time.Second,
		Wait: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	d, err = n.deliver(context.Background(), func(context.Context) ([]Message, error) {
		return []Message{{To: "jon@example.org", Subject: "s", Text: "t", HTML: "<p>t</p>"}}, nil
	})
	if err == nil || !strings.Contains(err.Error(), "1 of 1 messages not delivered after 3 attempts") || len(d.Failed) != 1 ||
		len(waits) != 2 || waits[1] != 2*time.Second {
		t.Errorf("delivery %+v, err %v, waits %v", d, err, waits)
	}
}

// TestComposeDigest: the digest in Spanish, grouped by term, with the
// untagged signals last, escaped in HTML.
func TestComposeDigest(t *testing.T) {
	m := &portfolio.Mission{Slug: "m", Title: portfolio.Labels{EN: "Mission", ES: "Misión"}}
	d := &snapshot.Digest{From: "2026-11-23", To: "2026-11-30", Total: 2,
		Groups:   []snapshot.DigestGroup{{Label: portfolio.Labels{EN: "Energy", ES: "Energía"}, Signals: []snapshot.DigestSignal{{Headline: "<b>Solar</b> coop"}}}},
		Untagged: []snapshot.DigestSignal{{Headline: "Other"}}}
	msg, err := ComposeDigest(m, d, "https://begira.example.org/m/m/digest?lang=es", portfolio.Subscription{Email: "a@example.org", Lang: "es", Digest: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Misión: señales de la semana 2026-11-23 – 2026-11-30"} {
		if msg.Subject != want {
			t.Errorf("subject %q, want %q", msg.Subject, want)
		}
	}
	for _, want := range []string{"Se observaron 2 señales para Misión", "Energía (1)", "<b>Solar</b> coop", "Sin término (1)", "digest?lang=es"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msg.Text)
		}
	}
	if strings.Contains(msg.HTML, "<b>Solar</b>") || !strings.Contains(msg.HTML, "&lt;b&gt;Solar&lt;/b&gt;") {
		t.Error("the HTML does not escape a headline")
	}
}
