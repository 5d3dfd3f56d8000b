package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/dashboard"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/schedule"
	"github.com/begira/begira/internal/store"
)

// Store is what the web layer needs from the database.
type Store interface {
	dashboard.Figures
	Mission(ctx context.Context, slug string) (*portfolio.Mission, error)
	Missions(ctx context.Context) ([]portfolio.MissionSummary, error)
	ApplyMission(ctx context.Context, m *portfolio.Mission) (bool, error)
	Projects(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, pg portfolio.Page) ([]portfolio.Project, int64, error)
	ProjectByRef(ctx context.Context, m *portfolio.Mission, ref string) (*portfolio.Project, error)
	ProjectTotals(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, frac []string) (portfolio.ListTotals, error)
	OrganisationsInScope(ctx context.Context, m *portfolio.Mission, sc portfolio.Scope, pg portfolio.Page) ([]portfolio.Organisation, int64, error)
	Signals(ctx context.Context, m *portfolio.Mission, f portfolio.SignalFilter, pg portfolio.Page) ([]portfolio.Signal, int64, error)
	ProjectDetail(ctx context.Context, m *portfolio.Mission, ref string) (*portfolio.ProjectDetail, error)
	SignalDetail(ctx context.Context, m *portfolio.Mission, ref string) (*portfolio.SignalDetail, error)
	OrganisationDetail(ctx context.Context, m *portfolio.Mission, id int64, sc portfolio.Scope) (*portfolio.OrganisationDetail, error)
	Ping(ctx context.Context) error
	// GeoAreas lists the reference areas of a level (comarca, municipality).
	GeoAreas(ctx context.Context, level string) ([]portfolio.GeoArea, error)
	UpsertGeoAreas(ctx context.Context, areas []portfolio.GeoArea, year int) error
}

// Metrics serves metric results (cached per mission and scope).
type Metrics interface {
	Get(ctx context.Context, req metrics.Request) (*metrics.Result, error)
	Env(req metrics.Request) (*metrics.Env, error)
	// Invalidate marks a mission's cached results stale.
	Invalidate(mission string)
}

// source is what dashboards read: the store's figures plus the metrics.
type source struct {
	dashboard.Figures
	m Metrics
}

func (s source) Metrics(ctx context.Context, req metrics.Request) (*metrics.Result, error) {
	return s.m.Get(ctx, req)
}

func (s source) Env(req metrics.Request) (*metrics.Env, error) { return s.m.Env(req) }

// readRetries is how many times a read that ran out of memory is made
// again, each after the imports' heavy steps have ended (store.Heavy).
const readRetries = 2

// Retry makes dashboard panels wait out an import instead of failing.
func (s source) Retry(ctx context.Context, err error, attempt int) bool {
	return retryRead(ctx, s.Figures, err, attempt)
}

// retryRead reports whether a read that failed with err should be made
// again: when DuckDB ran out of memory, after at most readRetries attempts,
// once st's heavy steps have ended.
func retryRead(ctx context.Context, st any, err error, attempt int) bool {
	w, ok := st.(interface{ WaitHeavy(context.Context) error })
	if !ok || attempt >= readRetries || !store.IsOutOfMemory(err) {
		return false
	}
	return w.WaitHeavy(ctx) == nil
}

// Scheduler shows the scheduled jobs and runs one on demand.
type Scheduler interface {
	Entries() []schedule.Entry
	RunNow(ctx context.Context, job, mission string) (portfolio.JobRun, error)
	Running() bool
}

// Jobs is the record of job runs.
type Jobs interface {
	JobRuns(ctx context.Context, limit int) ([]portfolio.JobRun, error)
}

// Deps are the parts the web layer is built on; only cmd/begira wires them.
// Scheduler and Jobs may be nil (a server without schedules).
type Deps struct {
	Store      Store
	Imports    Importer
	Metrics    Metrics
	Dashboards Dashboards
	Scheduler  Scheduler
	Jobs       Jobs
	Snapshots  Snapshots
	// Access knows users, sessions, tokens, guest links and the audit log.
	Access Access
	Log    *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// OnMissionApplied, when set, runs after a mission document is applied
	// through the API (the scheduler re-plans the mission's jobs).
	OnMissionApplied func(ctx context.Context, m *portfolio.Mission) error
	// Observer, when set, is told of requests and cache reads (Prometheus).
	Observer Observer
}

// Dashboards is the set of loaded dashboard definitions.
type Dashboards interface {
	Get(id string) (*dashboard.Dashboard, error)
	All() []*dashboard.Dashboard
}

// Server holds the handlers' dependencies.
type Server struct {
	store      Store
	imports    Importer
	metrics    Metrics
	scheduler  Scheduler
	jobs       Jobs
	snapshots  Snapshots
	access     Access
	dashboards Dashboards
	onApplied  func(ctx context.Context, m *portfolio.Mission) error
	now        func() time.Time
	log        *slog.Logger

	pages *pages     // the parsed templates
	views *viewCache // rendered dashboard pages
	lang  string     // instance default language

	bodyLimit     int64
	uploadLimit   int64
	uploadTimeout time.Duration
	tempDir       string
	busy          busyImports
	geo           geoOption // the administrator's boundaries (--geojson)

	publicMission string
	secureCookies bool
	sessionTTL    time.Duration
	setupCode     string
	logins        loginGuard  // what slows password guessing (session.go)
	guestSecret   guestSecret // guest links' HMAC key (guest.go)
	proxies       proxies
	hsts          bool
	minSnapshot   time.Duration
	service
}

// geoOption is the GeoJSON of municipality boundaries an administrator gave,
// already read and checked, and the feature property holding INE codes.
type geoOption struct {
	json         []byte
	codeProperty string
}

// loginGuard is what slows password guessing: a rate per client address,
// and throttles that double the wait after failures per account and client
// and per client.
type loginGuard struct {
	perClient *auth.Limiter
	account   *auth.Throttle // per account and client
	client    *auth.Throttle // per client
}

// Options configure the HTTP server.
type Options struct {
	// BodyLimit caps request bodies in bytes (Fiber answers 413 beyond).
	BodyLimit int
	// DefaultLanguage is used when neither ?lang= nor Accept-Language picks one.
	DefaultLanguage string
	// UploadLimit caps an import upload in bytes (default 200 MiB).
	UploadLimit int64
	// UploadTimeout bounds the time an upload's body may take to arrive
	// (default 15 min; other requests have 30 s).
	UploadTimeout time.Duration
	// TempDir receives uploads while they are imported ("" = system default).
	TempDir string
	// GeoJSON holds municipality boundaries (already read and checked), and
	// GeoJSONName the feature property with INE codes.
	GeoJSON     []byte
	GeoJSONName string

	// PublicMission is readable by anonymous visitors (the demo under
	// --demo); every other mission needs a login or a token.
	PublicMission string
	// SecureCookies marks cookies Secure even when the request did not
	// arrive over TLS (a proxy that terminates TLS without saying so).
	SecureCookies bool
	// SessionTTL is how long a login lasts (default 12 h).
	SessionTTL time.Duration
	// SetupCode, when set and no user exists, lets /setup?code= create the
	// first administrator.
	SetupCode string
	// LoginBurst attempts per client address are allowed at once, then one
	// per LoginEvery (defaults 10 and 6 s). After LoginFailures wrong
	// passwords for one account from one client (default 5), and after
	// four times as many from one client whatever the accounts, each next
	// attempt waits twice as long as the last, from one second up to
	// LoginMaxDelay (default 15 min). No account is ever locked.
	LoginBurst    int
	LoginEvery    time.Duration
	LoginFailures int
	LoginMaxDelay time.Duration
	// MinSnapshotInterval is the shortest time a mission document may ask
	// between two scheduled snapshots (default one hour).
	MinSnapshotInterval time.Duration
	// HSTS sends Strict-Transport-Security (TLS is terminated in front).
	HSTS bool
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies in
	// front of Begira. Only from them are X-Forwarded-For (the client's
	// address, which the login rate limit counts by) and X-Forwarded-Proto
	// believed; with none, every X-Forwarded-For is ignored.
	TrustedProxies []string

	// Metrics, when set, is served at /metrics on this address to requests
	// that carry MetricsToken as a bearer token (Prometheus's
	// authorization.credentials); without a token /metrics is not served
	// here (use --metrics-addr).
	Metrics      http.Handler
	MetricsToken string
}

// New builds the Fiber app with every route.
func New(d Deps, opt Options) *fiber.App {
	if opt.BodyLimit <= 0 {
		opt.BodyLimit = 4 << 20
	}
	if opt.UploadLimit <= 0 {
		opt.UploadLimit = 200 << 20
	}
	if opt.DefaultLanguage == "" {
		opt.DefaultLanguage = "en"
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{store: d.Store, imports: d.Imports, metrics: d.Metrics, dashboards: d.Dashboards, log: d.Log,
		scheduler: d.Scheduler, jobs: d.Jobs, snapshots: d.Snapshots, now: d.Now, views: newViewCache(), onApplied: d.OnMissionApplied,
		pages: mustParsePages(), lang: opt.DefaultLanguage,
		bodyLimit: int64(opt.BodyLimit), uploadLimit: opt.UploadLimit, tempDir: opt.TempDir,
		uploadTimeout: cmp.Or(opt.UploadTimeout, 15*time.Minute),
		geo:           geoOption{json: opt.GeoJSON, codeProperty: opt.GeoJSONName},
		access:        d.Access, publicMission: opt.PublicMission, secureCookies: opt.SecureCookies,
		sessionTTL: cmp.Or(opt.SessionTTL, 12*time.Hour), setupCode: opt.SetupCode,
		logins: loginGuard{
			perClient: auth.NewLimiter(cmp.Or(opt.LoginBurst, 10), cmp.Or(opt.LoginEvery, 6*time.Second), d.Now),
			account:   auth.NewThrottle(cmp.Or(opt.LoginFailures, 5), time.Second, cmp.Or(opt.LoginMaxDelay, 15*time.Minute), d.Now),
			client:    auth.NewThrottle(4*cmp.Or(opt.LoginFailures, 5), time.Second, cmp.Or(opt.LoginMaxDelay, 15*time.Minute), d.Now),
		},
		proxies:     parseProxies(opt.TrustedProxies),
		minSnapshot: cmp.Or(opt.MinSnapshotInterval, schedule.DefaultMinSnapshotInterval),
		hsts:        opt.HSTS}
	s.service = newService(d, opt)
	if d.Imports != nil {
		d.Imports.OnCommitted(s.views.invalidate)
	}
	app := fiber.New(fiber.Config{
		AppName:               "begira",
		DisableStartupMessage: true,
		// Bodies above BodyLimit are streamed to the handler instead of
		// refused, so uploads of hundreds of MB never sit in memory;
		// onHeaders enforces the limits (limits.go). Multipart bodies are
		// not pre-parsed: fasthttp would spool one of any size to the temp
		// directory before a handler, or a limit, could say no.
		BodyLimit:                    opt.BodyLimit,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		// Request line and headers beyond this answer 431.
		ReadBufferSize: maxHeaderBytes,
		ReadTimeout:    30 * time.Second,
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		// Values from c.Params and c.Query are reused by fasthttp after the
		// handler returns; immutable strings make them safe to keep.
		Immutable:    true,
		ErrorHandler: s.errorHandler,
		// Behind a proxy every client has the proxy's address: the rate
		// limit would then count them all as one. X-Forwarded-Host and
		// -Proto are believed from trusted proxies only; with none, from
		// nobody (Fiber believes everyone unless the check is on).
		ProxyHeader:             proxyHeader(opt.TrustedProxies),
		EnableTrustedProxyCheck: true,
		TrustedProxies:          opt.TrustedProxies,
		EnableIPValidation:      true,
	})
	app.Server().HeaderReceived = s.onHeaders
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(s.logRequests)
	app.Use(s.observeRequests)
	app.Use(securityHeaders)
	app.Use(func(c *fiber.Ctx) error { s.setHSTS(c); return c.Next() })
	app.Use(s.privateByDefault)
	app.Use(s.refuseEarly)
	app.Use(s.limitBody)
	s.routes(app)
	return app
}

// geoJSONFile serves the administrator's boundaries to the territory view.
func (s *Server) geoJSONFile(c *fiber.Ctx) error {
	if len(s.geo.json) == 0 {
		return portfolio.Errorf(portfolio.ENOTFOUND, "no GeoJSON configured (start the server with --geojson FILE)")
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(s.geo.json)
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// uploadRoute is the one route that takes large, streamed bodies.
func uploadRoute(c *fiber.Ctx) bool { return isUpload(c.Method(), c.Path()) }

func isUpload(method, path string) bool {
	return method == fiber.MethodPost && strings.HasPrefix(path, "/api/v1/missions/") && strings.HasSuffix(path, "/imports")
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; estimate the status it will set.
		status = statusOf(err)
	}
	s.log.Info("request", "method", c.Method(), "path", loggedPath(c.Path()), "status", status,
		"duration_ms", time.Since(start).Milliseconds(), "request_id", c.GetRespHeader(fiber.HeaderXRequestID),
		"actor", string(principal(c).Actor()))
	return err
}

// securityHeaders sets the headers every response carries. Pages load only
// same-origin scripts (no inline script), so the policy can be strict.
func securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is securityHeaders without the chain. The error handler
// calls it too: fasthttp answers some requests (a body over BodyLimit, a
// malformed request) through it before any middleware has run.
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
}
