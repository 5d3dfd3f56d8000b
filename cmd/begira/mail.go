package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/begira/begira/internal/alert"
	"github.com/begira/begira/internal/config"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/mail"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
)

// newNotifier builds the email notifier when --smtp-url is set (nil
// otherwise: every hook is then a no-op), and the alerter, whose email
// rules need the same sender.
func newNotifier(cfg config.Serve, st *store.Store, snaps *snapshot.Service, log *slog.Logger) (*mail.Notifier, *alert.Alerter, error) {
	alerts := &alert.Alerter{Store: st, Secret: []byte(cfg.WebhookSecret), Log: log}
	if cfg.SMTPURL == "" {
		return nil, alerts, nil
	}
	settings, err := mail.ParseURL(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, nil, err
	}
	log.Info("email on", "smtp", mail.Redacted(cfg.SMTPURL), "from", cfg.MailFrom)
	alerts.Mail = mail.SMTP{S: settings}
	return &mail.Notifier{Sender: mail.SMTP{S: settings}, Store: st, Snapshots: snaps, BaseURL: cfg.PublicURL, Log: log}, alerts, nil
}

// tellingSnapshots is the snapshot service the web layer uses: a snapshot
// taken through the API or the UI is then emailed to its subscribers and
// checked for new blind spots, in the background.
type tellingSnapshots struct {
	*snapshot.Service
	notify *mail.Notifier
	alerts *alert.Alerter
}

func (m tellingSnapshots) Take(ctx context.Context, mission, label, trigger string) (*portfolio.Snapshot, error) {
	snap, err := m.Service.Take(ctx, mission, label, trigger)
	if err == nil {
		m.notify.SnapshotTaken(mission, snap.ID)
		m.alerts.SnapshotTaken(m.Service, mission, snap.ID)
	}
	return snap, err
}

// alertingImports is the import service the web layer uses: a commit that
// fails raises import_failed (a file refused at preview is the analyst's
// to fix, not an alert).
type alertingImports struct {
	*ingest.Service
	alerts *alert.Alerter
}

func (a alertingImports) Commit(ctx context.Context, id int64, skipInvalid bool) (*portfolio.ImportBatch, error) {
	b, err := a.Service.Commit(ctx, id, skipInvalid)
	if err != nil {
		switch portfolio.ErrorCode(err) {
		case portfolio.EINVALID, portfolio.ENOTFOUND, portfolio.ECONFLICT, portfolio.EFORBIDDEN:
		default: // rejected rows, internal failures
			if cur, berr := a.Service.Batch(ctx, id); berr == nil {
				a.alerts.ImportFailed(cur.Mission, id, portfolio.ErrorMessage(err))
			}
		}
	}
	return b, err
}

// waitMail lets deliveries in flight finish (or the timeout pass) before
// the database closes.
func waitMail(n *mail.Notifier, timeout time.Duration, log *slog.Logger) {
	waitIdle(n.WaitIdle, timeout, log)
}

// waitIdle waits for wait to return, up to timeout.
func waitIdle(wait func(), timeout time.Duration, log *slog.Logger) {
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		log.Warn("deliveries still running at shutdown")
	}
}
