package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/begira/begira/internal/mail"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// Event is what happened.
type Event struct {
	Kind    string         `json:"event"`
	Mission string         `json:"mission"`
	At      time.Time      `json:"at"`
	Summary string         `json:"summary"` // one line, in English
	Details map[string]any `json:"details,omitempty"`
}

// Store is what the Alerter reads and writes.
type Store interface {
	Mission(ctx context.Context, slug string) (*portfolio.Mission, error)
	Missions(ctx context.Context) ([]portfolio.MissionSummary, error)
	Coverage(ctx context.Context, m *portfolio.Mission, a, b string, sc portfolio.Scope) ([]portfolio.CoverageCell, error)
	Audit(ctx context.Context, q store.Querier, e store.AuditEntry) error
	DB() *sql.DB
}

// Alerter delivers events to the rules that want them.
type Alerter struct {
	Store Store
	// Mail sends the emails (nil: email rules fail, audited as such).
	Mail mail.Sender
	// Secret signs webhook bodies (nil: webhook rules fail, audited).
	Secret []byte
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
	// Attempts and Backoff as in mail.Notifier (defaults 4 and 30 s);
	// Wait sleeps (tests pass one that does not).
	Attempts int
	Backoff  time.Duration
	Wait     func(ctx context.Context, d time.Duration) error

	wg sync.WaitGroup
	mu sync.Mutex
	// failures counts each job's failures in a row (job|mission).
	failures map[string]int
	// empty holds each mission's empty relevant cells, as last seen.
	empty map[string]map[string]bool
}

// Raise delivers ev in the background to every rule of its mission that
// wants it.
func (a *Alerter) Raise(ev Event) {
	if a == nil {
		return
	}
	if ev.At.IsZero() {
		ev.At = a.now().UTC()
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(portfolio.WithActor(context.Background(), "alert"), time.Hour)
		defer cancel()
		a.raise(ctx, ev)
	}()
}

func (a *Alerter) raise(ctx context.Context, ev Event) {
	m, err := a.Store.Mission(ctx, ev.Mission)
	if err != nil {
		a.log().Error("alert: mission", "mission", ev.Mission, "error", err.Error())
		return
	}
	for _, r := range m.Alerts {
		if !r.Wants(ev.Kind) {
			continue
		}
		if len(r.Email) > 0 {
			a.deliver(ctx, ev, "alert.email", fmt.Sprint(r.Email), func(ctx context.Context) error { return a.email(ctx, m, r, ev) })
		}
		if r.Webhook != "" {
			a.deliver(ctx, ev, "alert.webhook", r.Webhook, func(ctx context.Context) error { return a.webhook(ctx, r.Webhook, ev) })
		}
	}
}

// WaitIdle blocks until every delivery in flight has ended.
func (a *Alerter) WaitIdle() {
	if a != nil {
		a.wg.Wait()
	}
}

// deliver tries send with backoff and audits the outcome.
func (a *Alerter) deliver(ctx context.Context, ev Event, action, target string, send func(ctx context.Context) error) {
	attempts, backoff := a.Attempts, a.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if backoff <= 0 {
		backoff = 30 * time.Second
	}
	var err error
	n := 0
	for n = 1; ; n++ {
		if err = send(ctx); err == nil || n == attempts {
			break
		}
		if werr := a.wait(ctx, backoff); werr != nil {
			break
		}
		backoff *= 2
	}
	outcome := map[string]any{"event": ev.Kind, "attempts": n, "delivered": err == nil}
	if err != nil {
		outcome["error"] = err.Error()
		a.log().Error("alert: delivery failed", "action", action, "target", target, "event", ev.Kind, "error", err.Error())
	}
	if aerr := a.Store.Audit(ctx, a.Store.DB(), store.AuditEntry{Action: action, Mission: ev.Mission, Target: target,
		After: store.Summary(outcome)}); aerr != nil {
		a.log().Error("alert: audit", "error", aerr.Error())
	}
}

// Signature is the X-Begira-Signature of body: "sha256=" and the hex
// HMAC-SHA256 of the exact bytes with the webhook secret.
func Signature(secret, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}

func (a *Alerter) webhook(ctx context.Context, url string, ev Event) error {
	if len(a.Secret) == 0 {
		return errors.New("no --webhook-secret: webhooks are not signed, so not sent")
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "begira-alert")
	req.Header.Set("X-Begira-Event", ev.Kind)
	req.Header.Set("X-Begira-Signature", Signature(a.Secret, body))
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook answered %d", res.StatusCode)
	}
	return nil
}

func (a *Alerter) email(ctx context.Context, m *portfolio.Mission, r portfolio.AlertRule, ev Event) error {
	if a.Mail == nil {
		return errors.New("no --smtp-url: alert emails cannot be sent")
	}
	var msgs []mail.Message
	for _, to := range r.Email {
		msgs = append(msgs, composeAlert(m, r.Lang, ev, to))
	}
	return errors.Join(a.Mail.Send(ctx, msgs)...)
}

func (a *Alerter) wait(ctx context.Context, d time.Duration) error {
	if a.Wait != nil {
		return a.Wait(ctx, d)
	}
	return mail.Sleep(ctx, d)
}

func (a *Alerter) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Alerter) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}
