package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/mail"
	"github.com/begira/begira/internal/mailtest"
	"github.com/begira/begira/internal/portfolio"
)

// TestSnapshotEmailInBasque: with a Basque and an English subscriber, a
// snapshot taken through the API is emailed to both through a real SMTP
// server, each in their language, as text and HTML without external
// images, with a guest link that opens the pack; the sending is a job run.
func TestSnapshotEmailInBasque(t *testing.T) {
	t.Parallel()
	mp := mailtest.Start(t, mailtest.Plain)
	s, addr := startDemo(t, "--smtp-url", "smtp://"+mp.SMTP+"?starttls=off", "--mail-from", "begira@example.org")
	ctx := portfolio.WithActor(context.Background(), "test")
	m, err := s.store.Mission(ctx, "gipuzkoa")
	if err != nil {
		t.Fatal(err)
	}
	m.Subscriptions = []portfolio.Subscription{
		{Email: "ane@example.org", Lang: "eu", Snapshots: true},
		{Email: "jane@example.org", Snapshots: true, Digest: true},
		{Email: "digest-only@example.org", Lang: "es", Digest: true},
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	res, err := adminClient(t, s).Post("http://"+addr+"/api/v1/missions/gipuzkoa/snapshots", "application/json", strings.NewReader(`{"label":"Abendua"}`))
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("take snapshot: %v %v", res, err)
	}
	res.Body.Close()

	msgs := mp.WaitFor(t, 2, 30*time.Second)
	byTo := map[string]mailtest.Message{}
	for _, msg := range msgs {
		byTo[msg.To[0].Address] = msg
	}
	eu, en := byTo["ane@example.org"], byTo["jane@example.org"]
	if _, ok := byTo["digest-only@example.org"]; ok || len(msgs) != 2 {
		t.Errorf("%d messages; the digest-only subscriber must get none", len(msgs))
	}
	for _, c := range []struct {
		name string
		msg  mailtest.Message
		want []string
	}{
		{"Basque", eu, []string{"argazkia", "Zifra nagusiak", "Hutsik geratu diren estaldura-gelaxkak", "Proiektuak", "iraungiko da"}},
		{"English", en, []string{"snapshot", "Headline figures", "Coverage cells that became empty", "Projects", "expires"}},
	} {
		if c.msg.ID == "" {
			t.Errorf("%s: no message", c.name)
			continue
		}
		if !strings.Contains(c.msg.Subject, c.want[0]) || !strings.Contains(c.msg.Subject, "Abendua") {
			t.Errorf("%s subject %q", c.name, c.msg.Subject)
		}
		for _, w := range c.want[1:] {
			if !strings.Contains(c.msg.Text, w) || !strings.Contains(c.msg.HTML, w) {
				t.Errorf("%s: text or HTML lacks %q", c.name, w)
			}
		}
		if strings.Contains(c.msg.HTML, "<img") || strings.Contains(c.msg.HTML, "src=") {
			t.Errorf("%s: the HTML loads something: %.300s", c.name, c.msg.HTML)
		}
	}
	if !strings.Contains(eu.HTML, `lang="eu"`) {
		t.Error(`the Basque HTML is not lang="eu"`)
	}
	// The guest link opens the pack, in the subscriber's language, with no login.
	link := regexp.MustCompile(`http://\S+/g/\S+`).FindString(eu.Text)
	if link == "" {
		t.Fatalf("no guest link in %q", eu.Text)
	}
	res, err = http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), `lang="eu"`) {
		t.Errorf("guest link %s: status %d", link, res.StatusCode)
	}
	// Only the mission's administrators see who is subscribed.
	_, viewer, err := auth.CreateToken(ctx, s.store, s.store, "viewer", "viewer", "gipuzkoa")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		client *http.Client
		see    bool
	}{{&http.Client{Transport: bearer(viewer)}, false}, {adminClient(t, s), true}} {
		res, err := c.client.Get("http://" + addr + "/api/v1/missions/gipuzkoa")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "ane@example.org") != c.see {
			t.Errorf("GET the mission: subscribers shown = %v, want %v", !c.see, c.see)
		}
	}
	// The delivery is a job run.
	var run bool
	for deadline := time.Now().Add(10 * time.Second); !run && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		runs, err := s.store.JobRuns(ctx, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			run = run || (r.Job == mail.JobSnapshot && r.Status == "ok" && strings.Contains(string(r.Detail), "ane@example.org"))
		}
	}
	if !run {
		t.Error("no successful mail_snapshot job run recorded")
	}
}

// TestWeeklyDigestEmail: the digest job, run on demand, emails the week's
// signals to the digest subscribers in their language.
func TestWeeklyDigestEmail(t *testing.T) {
	t.Parallel()
	mp := mailtest.Start(t, mailtest.Plain)
	s, addr := startDemo(t, "--smtp-url", "smtp://"+mp.SMTP+"?starttls=off", "--mail-from", "begira@example.org",
		"--schedule", "digest=0 7 * * 1")
	ctx := portfolio.WithActor(context.Background(), "test")
	m, err := s.store.Mission(ctx, "gipuzkoa")
	if err != nil {
		t.Fatal(err)
	}
	m.Subscriptions = []portfolio.Subscription{{Email: "miren@example.org", Lang: "es", Digest: true}}
	if _, err := s.store.ApplyMission(ctx, m); err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(time.FixedZone("", 0)).AddDate(0, 0, -2).Format("2006-01-02")
	path := writeFile(t, t.TempDir(), "s.csv", "ext_ref,headline,observed_at,status,challenges\nSIG-NEW,Auzolan berria Tolosan,"+day+",approved,food\n")
	if _, err := ingest.New(s.store, time.Now).Import(ctx, ingest.Request{Mission: "gipuzkoa", Kind: "signals", Mode: ingest.ModeAppend,
		Path: path, Filename: "s.csv"}, false); err != nil {
		t.Fatal(err)
	}
	res, err := adminClient(t, s).Post("http://"+addr+"/api/v1/jobs/digest/run?mission=gipuzkoa", "", nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("run digest: %v %v", res, err)
	}
	res.Body.Close()
	msg := mp.WaitFor(t, 1, 30*time.Second)[0]
	if msg.To[0].Address != "miren@example.org" || !strings.Contains(msg.Subject, "señales de la semana") ||
		!strings.Contains(msg.Text, "Auzolan berria Tolosan") || !strings.Contains(msg.HTML, "Auzolan berria Tolosan") ||
		!strings.Contains(msg.Text, "/m/gipuzkoa/digest?lang=es") {
		t.Errorf("digest email %q to %v:\n%s", msg.Subject, msg.To, msg.Text)
	}
}
