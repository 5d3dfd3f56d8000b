package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// Jobs named in the job runs.
const (
	JobSnapshot = "mail_snapshot"
	JobDigest   = "mail_digest"
	// TriggerEvent marks a run started by what happened (a snapshot, a
	// digest), not by its own schedule.
	TriggerEvent = "event"
)

// GuestLinkDays is how long the link in a snapshot's email works.
const GuestLinkDays = 14

// Store is what the Notifier reads and records.
type Store interface {
	Mission(ctx context.Context, slug string) (*portfolio.Mission, error)
	Secret(ctx context.Context, name string) ([]byte, error)
	CreateGuestLink(ctx context.Context, g *portfolio.GuestLink) error
	StartJobRun(ctx context.Context, r portfolio.JobRun) (int64, error)
	FinishJobRun(ctx context.Context, id int64, finishedAt time.Time, status, errText string, detail json.RawMessage) error
}

// Snapshots is what the Notifier reads of snapshots.
type Snapshots interface {
	Get(ctx context.Context, id int64) (*portfolio.Snapshot, error)
	List(ctx context.Context, mission string) ([]portfolio.Snapshot, error)
	Diff(ctx context.Context, id, against int64) (*snapshot.Diff, error)
	Decisions() *snapshot.Decisions
}

// Notifier composes and sends the mission emails as background jobs.
type Notifier struct {
	Sender    Sender
	Store     Store
	Snapshots Snapshots
	// BaseURL is where recipients reach Begira (--public-url), for links.
	BaseURL string
	Log     *slog.Logger
	Now     func() time.Time
	// Attempts and Backoff: a failed delivery is tried again after
	// Backoff, then twice that, … (defaults 4 and 30 s). Wait sleeps
	// (tests pass one that does not).
	Attempts int
	Backoff  time.Duration
	Wait     func(ctx context.Context, d time.Duration) error

	wg sync.WaitGroup
}

// SnapshotTaken emails the snapshot's summary to the mission's snapshot
// subscribers, in the background.
func (n *Notifier) SnapshotTaken(mission string, id int64) {
	if n == nil {
		return // no SMTP server configured
	}
	n.background(JobSnapshot, mission, func(ctx context.Context) ([]Message, error) {
		return n.snapshotMessages(ctx, mission, id)
	})
}

// DigestReady emails the weekly digest to the digest subscribers, in the
// background.
func (n *Notifier) DigestReady(mission string, d *snapshot.Digest) {
	if n == nil || d.Total == 0 {
		return // no SMTP server configured, or nothing to tell
	}
	n.background(JobDigest, mission, func(ctx context.Context) ([]Message, error) {
		m, err := n.Store.Mission(ctx, mission)
		if err != nil {
			return nil, err
		}
		var out []Message
		for _, sub := range m.Subscribers("digest") {
			msg, err := ComposeDigest(m, d, strings.TrimSuffix(n.BaseURL, "/")+"/m/"+mission+"/digest?lang="+sub.Lang, sub)
			if err != nil {
				return nil, err
			}
			out = append(out, msg)
		}
		return out, nil
	})
}

// WaitIdle blocks until every background delivery has finished (shutdown,
// tests).
func (n *Notifier) WaitIdle() {
	if n != nil {
		n.wg.Wait()
	}
}

func (n *Notifier) snapshotMessages(ctx context.Context, mission string, id int64) ([]Message, error) {
	m, err := n.Store.Mission(ctx, mission)
	if err != nil {
		return nil, err
	}
	subs := m.Subscribers("snapshots")
	if len(subs) == 0 {
		return nil, nil
	}
	snap, err := n.Snapshots.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	sum := SnapshotSummary{Mission: m, Snapshot: snap, Now: n.now()}
	list, err := n.Snapshots.List(ctx, mission)
	if err != nil {
		return nil, err
	}
	var prev int64
	for _, s := range list { // the newest snapshot before this one
		if s.ID < id && s.ID > prev {
			prev = s.ID
		}
	}
	if prev > 0 {
		if sum.Diff, err = n.Snapshots.Diff(ctx, id, prev); err != nil {
			return nil, err
		}
	}
	if sum.Decisions, err = n.Snapshots.Decisions().List(ctx, mission); err != nil {
		return nil, err
	}
	// One guest link for the email, recorded and revocable like any other.
	key, err := n.Store.Secret(ctx, "guest_link")
	if err != nil {
		return nil, err
	}
	g := &portfolio.GuestLink{Mission: mission, SnapshotID: id, Label: "email",
		ExpiresAt: n.now().Add(GuestLinkDays * 24 * time.Hour).Truncate(time.Second)}
	if err := n.Store.CreateGuestLink(portfolio.WithActor(ctx, "mail"), g); err != nil {
		return nil, err
	}
	sum.Expires = g.ExpiresAt
	sum.Link = strings.TrimSuffix(n.BaseURL, "/") + "/g/" + auth.SignGuestLink(key, g.ID, g.ExpiresAt)
	var out []Message
	for _, sub := range subs {
		msg, err := ComposeSnapshot(sum, sub)
		if err != nil {
			return nil, err
		}
		msg.Text = strings.Replace(msg.Text, sum.Link, sum.Link+"?lang="+sub.Lang, 1)
		msg.HTML = strings.ReplaceAll(msg.HTML, sum.Link, sum.Link+"?lang="+sub.Lang)
		out = append(out, msg)
	}
	return out, nil
}

// background runs compose and delivers its messages as a recorded job.
func (n *Notifier) background(job, mission string, compose func(ctx context.Context) ([]Message, error)) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		n.run(ctx, job, mission, compose)
	}()
}

// run records a job run around one delivery: it composes the messages,
// then sends those not yet delivered, again after each backoff, until all
// are delivered or the attempts are spent.
func (n *Notifier) run(ctx context.Context, job, mission string, compose func(ctx context.Context) ([]Message, error)) {
	id, err := n.Store.StartJobRun(ctx, portfolio.JobRun{Job: job, Mission: mission, Trigger: TriggerEvent, StartedAt: n.now()})
	if err != nil {
		n.log().Error("mail: recording the job run failed", "job", job, "mission", mission, "error", err.Error())
		return
	}
	detail, err := n.deliver(ctx, compose)
	status, errText := portfolio.JobOK, ""
	if err != nil {
		status, errText = portfolio.JobFailed, err.Error()
		n.log().Error("mail: delivery failed", "job", job, "mission", mission, "error", errText)
	}
	b, _ := json.Marshal(detail)
	if err := n.Store.FinishJobRun(context.WithoutCancel(ctx), id, n.now(), status, errText, b); err != nil {
		n.log().Error("mail: recording the job run failed", "job", job, "mission", mission, "error", err.Error())
	}
}

// delivery is what a run's detail says.
type delivery struct {
	Sent     []string `json:"sent"`
	Failed   []string `json:"failed,omitempty"`
	Attempts int      `json:"attempts"`
}

func (n *Notifier) deliver(ctx context.Context, compose func(ctx context.Context) ([]Message, error)) (delivery, error) {
	d := delivery{Sent: []string{}}
	msgs, err := compose(ctx)
	if err != nil {
		return d, err
	}
	attempts, backoff := n.Attempts, n.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if backoff <= 0 {
		backoff = 30 * time.Second
	}
	pending := msgs
	var last []error
	for d.Attempts = 1; len(pending) > 0; d.Attempts++ {
		errs := n.Sender.Send(ctx, pending)
		var again []Message
		last = last[:0]
		for i, e := range errs {
			if e == nil {
				d.Sent = append(d.Sent, pending[i].To)
			} else {
				again, last = append(again, pending[i]), append(last, e)
			}
		}
		pending = again
		if len(pending) == 0 || d.Attempts == attempts {
			break
		}
		if err := n.wait(ctx, backoff); err != nil {
			break
		}
		backoff *= 2
	}
	if len(pending) > 0 {
		for _, m := range pending {
			d.Failed = append(d.Failed, m.To)
		}
		return d, fmt.Errorf("%d of %d messages not delivered after %d attempts: %w", len(pending), len(msgs), d.Attempts, errors.Join(last...))
	}
	return d, nil
}

func (n *Notifier) wait(ctx context.Context, d time.Duration) error {
	if n.Wait != nil {
		return n.Wait(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d, or until ctx is done: the backoff between two tries of a
// delivery (mail here, webhooks in package alert).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) log() *slog.Logger {
	if n.Log != nil {
		return n.Log
	}
	return slog.Default()
}
