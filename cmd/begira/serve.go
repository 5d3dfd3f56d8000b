package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/dashboards"
	"github.com/begira/begira/internal/alert"
	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/config"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/mail"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/outbound"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/pull"
	"github.com/begira/begira/internal/schedule"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/telemetry"
	"github.com/begira/begira/internal/web"
)

// server is the wired application: what `begira serve` runs and what the
// end-to-end test starts on 127.0.0.1:0.
type server struct {
	sched *schedule.Scheduler
	dash  *dashboard.Set
	cfg   config.Serve
	log   *slog.Logger
	store *store.Store
	app   *fiber.App
	ln    net.Listener
	done  chan error
	tel   *telemetry.Telemetry
	prom  *metricsServer
	mail  *mail.Notifier
	alert *alert.Alerter
	// setupCode opens /setup while no user exists (printed at start).
	setupCode string
}

// newServer opens the database, loads the demo if asked, and builds the app.
func newServer(ctx context.Context, cfg config.Serve, log *slog.Logger) (*server, error) {
	if err := ensureDBDir(cfg.DB, log); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DB, store.Options{MemoryLimit: cfg.MemoryLimit, Threads: cfg.Threads})
	if err != nil {
		return nil, err
	}
	ing := ingest.New(st, time.Now)
	ing.TempDir = cfg.TempDir
	ing.StagingLimit = int64(cfg.StagingLimitMB) << 20
	if n, err := ing.Recover(ctx); err != nil {
		st.Close()
		return nil, err
	} else if n > 0 {
		log.Warn("imports interrupted by a stop were marked failed, and stale previews discarded", "count", n)
	}
	if cfg.Demo {
		start := time.Now()
		if err := demo.Load(portfolio.WithActor(ctx, "demo"), st, ing, log); err != nil {
			st.Close()
			return nil, err
		}
		log.Info("demo mission ready", "mission", demo.Slug, "took_ms", time.Since(start).Milliseconds())
	}
	dash := dashboard.Load(dashboards.Defaults, cfg.Dashboards, log)
	var geo []byte
	if cfg.GeoJSON != "" {
		if geo, err = readGeoJSON(cfg.GeoJSON); err != nil {
			st.Close()
			return nil, err
		}
	}
	tel := telemetry.New(version, st, log)
	engine := metrics.NewEngine(st, time.Now, log)
	engine.Observe(tel)
	ing.OnCommitted(engine.Invalidate)
	snaps := snapshot.New(st, time.Now)
	notify, alerts, err := newNotifier(cfg, st, snaps, log)
	if err == nil {
		err = alerts.Watch(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	ing.OnCommitted(alerts.Committed)
	sched, replan, err := newScheduler(ctx, cfg, st, ing, engine, snaps, getenvList(), log, tel, notify, alerts)
	if err != nil {
		st.Close()
		return nil, err
	}
	// There is no anonymous administrator: with no user yet, a one-time
	// code printed on the console opens the setup page.
	var setupCode string
	if n, err := st.CountUsers(ctx); err != nil {
		st.Close()
		return nil, err
	} else if n == 0 {
		setupCode = auth.NewSecret()
	}
	var public string
	if cfg.Demo {
		public = demo.Slug
	}
	app := web.New(web.Deps{Store: st, Imports: alertingImports{ing, alerts}, Metrics: engine, Dashboards: dash, Log: log,
		Scheduler: sched, Jobs: st, Snapshots: tellingSnapshots{snaps, notify, alerts}, Access: st, OnMissionApplied: replan, Observer: tel},
		web.Options{BodyLimit: cfg.BodyLimitMB << 20, DefaultLanguage: cfg.Lang,
			UploadLimit: int64(cfg.UploadLimitMB) << 20, UploadTimeout: cfg.UploadTimeout, TempDir: cfg.TempDir, GeoJSON: geo, GeoJSONName: cfg.GeoJSONName,
			MinSnapshotInterval: cfg.MinSnapshotInterval, HSTS: cfg.HSTS,
			PublicMission: public, SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies, SessionTTL: cfg.SessionTTL, SetupCode: setupCode,
			Metrics: tel.Handler(), MetricsToken: cfg.MetricsToken})
	return &server{cfg: cfg, log: log, store: st, app: app, dash: dash, sched: sched, done: make(chan error, 1),
		setupCode: setupCode, tel: tel, mail: notify, alert: alerts}, nil
}

// getenvList is the process environment, for BEGIRA_SCHEDULE_<JOB>.
var getenvList = os.Environ

// newScheduler plans the jobs of every mission (its document's schedules,
// overridden by --schedule and BEGIRA_SCHEDULE_<JOB>) and registers them.
// Each job is a one-line call of a method the CLI can also run. The
// returned replan re-plans one mission when its document is applied again.
func newScheduler(ctx context.Context, cfg config.Serve, st *store.Store, ing *ingest.Service, engine *metrics.Engine,
	snaps *snapshot.Service, environ []string, log *slog.Logger, tel *telemetry.Telemetry, notify *mail.Notifier, alerts *alert.Alerter) (*schedule.Scheduler, func(context.Context, *portfolio.Mission) error, error) {
	overrides, err := schedule.ParseOverrides(cfg.Schedules, environ)
	if err != nil {
		return nil, nil, err
	}
	if err := schedule.CheckSnapshotSpec("--schedule snapshot=", overrides[schedule.JobSnapshot], cfg.MinSnapshotInterval); err != nil {
		return nil, nil, err
	}
	// Documents stored before the limit may ask for more: those snapshot
	// jobs are not run (the web API refuses such documents now).
	plan := func(missions []*portfolio.Mission) []schedule.Planned {
		kept, dropped := schedule.DropFrequentSnapshots(schedule.Plan(missions, overrides), cfg.MinSnapshotInterval)
		for _, d := range dropped {
			log.Warn("scheduled snapshot not run", "reason", d)
		}
		return kept
	}
	list, err := st.Missions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var missions []*portfolio.Mission
	for _, ms := range list {
		m, err := st.Mission(ctx, ms.Slug)
		if err != nil {
			return nil, nil, err
		}
		missions = append(missions, m)
	}
	allow, err := outbound.ParseAllow(cfg.PullAllowHosts)
	if err != nil {
		return nil, nil, portfolio.Errorf(portfolio.EINVALID, "--pull-allow-hosts: %v", err)
	}
	// Sources are a mission admin's: they may not reach this machine's
	// network unless the instance administrator allows the host.
	pullClient := outbound.Client(allow, pull.DefaultTimeout)
	puller := pull.New(st, ing, time.Now)
	puller.TempDir = cfg.TempDir
	detail := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	sched := schedule.New(schedule.RealClock{}, observeRuns(st, tel, alerts), log)
	jobs := schedule.Jobs{
		Recompute: func(ctx context.Context, mission string) (string, error) {
			m, err := st.Mission(ctx, mission)
			if err != nil {
				return "", err
			}
			res, err := engine.Refresh(ctx, m)
			if err != nil {
				return "", err
			}
			return detail(map[string]int{"values": len(res.Values)}), nil
		},
		Snapshot: func(ctx context.Context, mission string) (string, error) {
			snap, err := snaps.Take(ctx, mission, "", portfolio.TriggerSchedule)
			if err != nil {
				return "", err
			}
			notify.SnapshotTaken(mission, snap.ID)
			alerts.SnapshotTaken(snaps, mission, snap.ID)
			return detail(map[string]int64{"snapshot": snap.ID}), nil
		},
		Digest: func(ctx context.Context, mission string) (string, error) {
			d, err := snaps.Digest(ctx, mission, time.Now())
			if err != nil {
				return "", err
			}
			notify.DigestReady(mission, d)
			return detail(map[string]any{"signals": d.Total, "from": d.From, "to": d.To}), nil
		},
		Pull: func(ctx context.Context, mission, source string) (string, error) {
			res, err := puller.PullSource(ctx, pullClient, mission, source, 0)
			if err != nil {
				return "", err
			}
			return detail(res), nil
		},
		Prune:  schedule.PruneJob(st, schedule.RealClock{}, cfg.JobRunsKeepDays),
		Backup: backupJob(cfg, st),
	}
	if err := sched.Register(planBackup(plan(missions), jobs, overrides), jobs); err != nil {
		return nil, nil, err
	}
	sched.Start(ctx)
	replan := func(ctx context.Context, m *portfolio.Mission) error {
		sched.RemoveMission(m.Slug)
		var mine []schedule.Planned
		for _, p := range plan([]*portfolio.Mission{m}) {
			if p.Mission == m.Slug { // server-wide jobs (prune) stay as they are
				mine = append(mine, p)
			}
		}
		return sched.Register(mine, jobs)
	}
	return sched, replan, nil
}

// dashboards lists the ids of the loaded dashboards.
func (s *server) dashboards() []string {
	var ids []string
	for _, d := range s.dash.All() {
		ids = append(ids, d.ID)
	}
	return ids
}

// start listens and serves in the background; it returns the bound address.
func (s *server) start() (string, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	go func() { s.done <- s.app.Listener(ln) }()
	if s.mail != nil && s.mail.BaseURL == "" {
		s.mail.BaseURL = "http://" + ln.Addr().String()
	}
	if s.cfg.MetricsAddr != "" {
		if s.prom, err = startMetrics(s.cfg.MetricsAddr, s.tel.Handler(), s.log); err != nil {
			s.app.Shutdown()
			<-s.done
			s.ln = nil
			return "", err
		}
	}
	return ln.Addr().String(), nil
}

// shutdown stops accepting connections, waits for in-flight requests (up to
// the timeout) and closes the database. Fiber's Listener returns as soon as
// shutdown starts, so we wait on ShutdownWithTimeout itself.
func (s *server) shutdown(timeout time.Duration) error {
	err := errors.Join(s.app.ShutdownWithTimeout(timeout), s.prom.shutdown(timeout))
	if s.ln != nil {
		<-s.done
	}
	// Running jobs finish (or the timeout passes) before the database closes.
	select {
	case <-s.sched.Stop().Done():
	case <-time.After(timeout):
		s.log.Warn("scheduled jobs still running at shutdown")
	}
	waitMail(s.mail, timeout, s.log)
	waitIdle(s.alert.WaitIdle, timeout, s.log)
	return errors.Join(err, s.store.Close())
}

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := config.ParseServe(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintln(stderr, "begira serve:", portfolio.ErrorMessage(err))
		return 2
	}
	log := config.NewLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	log.Info("starting begira", "version", version)
	cfg.Log(log)
	started := time.Now()
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		log.Error("cannot start", "error", err.Error())
		return 1
	}
	addr, err := s.start()
	if err != nil {
		log.Error("cannot start", "error", err.Error())
		s.store.Close()
		return 1
	}
	log.Info("listening", "url", "http://"+addr, "startup_ms", time.Since(started).Milliseconds())
	if s.setupCode != "" {
		fmt.Fprintf(stdout, "\nNo user yet. Create the first administrator at:\n\n    http://%s/setup?code=%s\n\n"+
			"The link works once, until the server stops.\n\n", addr, s.setupCode)
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests")
	case err := <-s.done:
		log.Error("server stopped", "error", fmt.Sprint(err))
		s.done <- err
	}
	if err := s.shutdown(30 * time.Second); err != nil {
		log.Error("shutdown", "error", err.Error())
		return 1
	}
	log.Info("stopped")
	return 0
}

// readGeoJSON reads the administrator's boundaries once at start and checks
// they are a GeoJSON FeatureCollection, so a wrong file fails at start, not
// in a reader's browser.
func readGeoJSON(path string) ([]byte, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("geojson: %w", err)
	}
	var doc struct {
		Type     string `json:"type"`
		Features []any  `json:"features"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Type != "FeatureCollection" || len(doc.Features) == 0 {
		return nil, fmt.Errorf("geojson %s: not a GeoJSON FeatureCollection with features", path)
	}
	return body, nil
}
