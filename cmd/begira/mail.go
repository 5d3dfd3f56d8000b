package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/begira/begira/internal/config"
	"github.com/begira/begira/internal/mail"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
)

// newNotifier builds the email notifier when --smtp-url is set (nil
// otherwise: every hook is then a no-op).
func newNotifier(cfg config.Serve, st *store.Store, snaps *snapshot.Service, log *slog.Logger) (*mail.Notifier, error) {
	if cfg.SMTPURL == "" {
		return nil, nil
	}
	settings, err := mail.ParseURL(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, err
	}
	log.Info("email on", "smtp", mail.Redacted(cfg.SMTPURL), "from", cfg.MailFrom)
	return &mail.Notifier{Sender: mail.SMTP{S: settings}, Store: st, Snapshots: snaps, BaseURL: cfg.PublicURL, Log: log}, nil
}

// mailingSnapshots is the snapshot service the web layer uses: a snapshot
// taken through the API or the UI is then emailed to its subscribers, in
// the background.
type mailingSnapshots struct {
	*snapshot.Service
	notify *mail.Notifier
}

func (m mailingSnapshots) Take(ctx context.Context, mission, label, trigger string) (*snapshot.Snapshot, error) {
	snap, err := m.Service.Take(ctx, mission, label, trigger)
	if err == nil {
		m.notify.SnapshotTaken(mission, snap.ID)
	}
	return snap, err
}

// waitMail lets deliveries in flight finish (or the timeout pass) before
// the database closes.
func waitMail(n *mail.Notifier, timeout time.Duration, log *slog.Logger) {
	done := make(chan struct{})
	go func() { n.WaitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		log.Warn("email deliveries still running at shutdown")
	}
}
