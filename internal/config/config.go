// Package config reads Begira's settings: flags first, then BEGIRA_*
// environment variables, then defaults. It validates them once and can log
// the effective values with secrets redacted.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

// Serve holds the settings of `begira serve`.
type Serve struct {
	Addr            string
	DB              string
	Demo            bool
	Dashboards      string
	LogLevel        string
	LogFormat       string
	MemoryLimit     string
	Threads         int
	Lang            string
	BodyLimitMB     int
	UploadLimitMB   int
	StagingLimitMB  int
	TempDir         string
	GeoJSON         string
	GeoJSONName     string
	Schedules       []string // JOB=SPEC overrides, repeatable
	JobRunsKeepDays int
	UploadTimeout   time.Duration
	SecureCookies   bool
	TrustedProxies  []string
	SessionTTL      time.Duration
	Service
	// MinSnapshotInterval is the shortest time allowed between two
	// scheduled snapshots of a mission.
	MinSnapshotInterval time.Duration
	// HSTS sends Strict-Transport-Security (TLS terminated in front).
	HSTS bool
	// PullAllowHosts may be pulled from although internal (loopback,
	// private, link-local): host names, addresses, CIDR ranges.
	PullAllowHosts []string
}

// envPrefix prefixes every environment variable: --db is BEGIRA_DB.
const envPrefix = "BEGIRA_"

// envName returns the variable that backs a flag: memory-limit →
// BEGIRA_MEMORY_LIMIT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its
// environment variable, so flags win over env, and env over defaults.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", envName(f.Name), v, err))
			}
		}
	})
	return errors.Join(errs...)
}

// ParseServe reads the serve settings from args and the environment.
func ParseServe(args []string, getenv func(string) string, stderr io.Writer) (Serve, error) {
	var c Serve
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address (host:port)")
	fs.StringVar(&c.DB, "db", "data/begira.duckdb", "DuckDB database file, or :memory:")
	fs.BoolVar(&c.Demo, "demo", false, "load the embedded demo mission into an empty database")
	fs.StringVar(&c.Dashboards, "dashboards", "", "directory of dashboard *.yaml files that add to or override the defaults")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.MemoryLimit, "memory-limit", "1GB", "DuckDB memory limit (e.g. 512MB, 2GB)")
	fs.IntVar(&c.Threads, "threads", 2, "DuckDB worker threads")
	fs.StringVar(&c.Lang, "lang", "en", "default language when the browser asks for none of en, es, eu")
	fs.IntVar(&c.BodyLimitMB, "body-limit-mb", 4, "largest request body accepted (uploads excepted), in MiB")
	fs.IntVar(&c.UploadLimitMB, "upload-limit-mb", 200, "largest import upload accepted, in MiB")
	fs.IntVar(&c.StagingLimitMB, "staging-limit-mb", 4096, "most that previews awaiting commit may hold in the staging database, in MiB")
	fs.DurationVar(&c.UploadTimeout, "upload-timeout", 15*time.Minute, "longest time an import upload may take to arrive")
	fs.StringVar(&c.TempDir, "temp-dir", "", "directory for uploads while they are imported (default: the system's)")
	fs.Func("schedule", "override a job's schedule for every mission: JOB=SPEC, repeatable (e.g. \"snapshot=@every 2s\", \"digest=off\"); also BEGIRA_SCHEDULE_<JOB>", func(v string) error {
		c.Schedules = append(c.Schedules, v)
		return nil
	})
	fs.IntVar(&c.JobRunsKeepDays, "job-runs-keep-days", 90, "job runs older than this are pruned daily")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", false, "mark cookies Secure even on plain HTTP (behind a TLS proxy that sends no X-Forwarded-Proto)")
	fs.Func("trusted-proxies", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed", func(v string) error {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
		return nil
	})
	fs.DurationVar(&c.SessionTTL, "session-ttl", 12*time.Hour, "how long a login lasts")
	fs.Func("pull-allow-hosts", "comma-separated hosts, addresses or CIDR ranges that pull sources may reach although loopback, private or link-local (refused otherwise)", func(v string) error {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				c.PullAllowHosts = append(c.PullAllowHosts, h)
			}
		}
		return nil
	})
	fs.BoolVar(&c.HSTS, "hsts", false, "send Strict-Transport-Security (max-age one year): only when users reach Begira over HTTPS, through a proxy that terminates TLS")
	fs.DurationVar(&c.MinSnapshotInterval, "min-snapshot-interval", time.Hour, "shortest time allowed between two scheduled snapshots of a mission (mission documents and --schedule)")
	fs.StringVar(&c.GeoJSON, "geojson", "", "GeoJSON file of municipality boundaries for the territory map of missions whose document names none (default: the built-in Gipuzkoa map)")
	fs.StringVar(&c.GeoJSONName, "geojson-code-property", "code", "feature property of --geojson that holds the 5-digit INE code")
	c.Service.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: begira serve [flags]\n\nEvery flag can also be set as %sNAME (e.g. BEGIRA_DB).\n\n", envPrefix)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	if err := applyEnv(fs, getenv); err != nil {
		return c, err
	}
	return c, c.validate()
}

func (c *Serve) validate() error {
	var problems []string
	if !strings.Contains(c.Addr, ":") {
		problems = append(problems, fmt.Sprintf("addr %q must be host:port", c.Addr))
	}
	if c.DB == "" {
		problems = append(problems, "db must not be empty")
	}
	problems = append(problems, c.Service.problems()...)
	if _, err := ParseLevel(c.LogLevel); err != nil {
		problems = append(problems, err.Error())
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, fmt.Sprintf("log-format %q must be text or json", c.LogFormat))
	}
	if c.Threads < 1 {
		problems = append(problems, "threads must be at least 1")
	}
	if c.MinSnapshotInterval < time.Second {
		problems = append(problems, "min-snapshot-interval must be at least 1s")
	}
	if c.Lang != "en" && c.Lang != "es" && c.Lang != "eu" {
		problems = append(problems, fmt.Sprintf("lang %q must be en, es or eu", c.Lang))
	}
	if c.BodyLimitMB < 1 {
		problems = append(problems, "body-limit-mb must be at least 1")
	}
	if c.UploadTimeout < time.Second {
		problems = append(problems, "upload-timeout must be at least 1s")
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			problems = append(problems, fmt.Sprintf("trusted-proxies: %q is neither an address nor a CIDR range", p))
		}
	}
	if c.SessionTTL < time.Minute {
		problems = append(problems, "session-ttl must be at least 1m")
	}
	if c.JobRunsKeepDays < 1 {
		problems = append(problems, "job-runs-keep-days must be at least 1")
	}
	if c.UploadLimitMB < 1 {
		problems = append(problems, "upload-limit-mb must be at least 1")
	}
	if c.StagingLimitMB < 1 {
		problems = append(problems, "staging-limit-mb must be at least 1")
	}
	if c.GeoJSON != "" {
		if st, err := os.Stat(c.GeoJSON); err != nil || st.IsDir() {
			problems = append(problems, fmt.Sprintf("geojson %q is not a readable file", c.GeoJSON))
		}
	}
	if c.Dashboards != "" {
		if st, err := os.Stat(c.Dashboards); err != nil || !st.IsDir() {
			problems = append(problems, fmt.Sprintf("dashboards %q is not a readable directory", c.Dashboards))
		}
	}
	if len(problems) > 0 {
		return &portfolio.Error{Code: portfolio.EINVALID, Message: "invalid configuration: " + strings.Join(problems, "; "), Details: problems}
	}
	return nil
}

// ParseLevel reads a slog level name.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("log-level %q must be debug, info, warn or error", s)
	}
	return l, nil
}

// NewLogger builds the process logger in the configured format.
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	l, _ := ParseLevel(level)
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Log writes the effective configuration. Nothing here is secret yet; when
// secrets arrive they are redacted here.
func (c Serve) Log(log *slog.Logger) {
	log.Info("configuration", "addr", c.Addr, "db", c.DB, "demo", c.Demo, "dashboards", c.Dashboards,
		"log_level", c.LogLevel, "log_format", c.LogFormat, "memory_limit", c.MemoryLimit,
		"threads", strconv.Itoa(c.Threads), "lang", c.Lang, "body_limit_mb", c.BodyLimitMB,
		"upload_limit_mb", c.UploadLimitMB, "staging_limit_mb", c.StagingLimitMB, "temp_dir", c.TempDir, "geojson", c.GeoJSON,
		"schedule_overrides", strings.Join(c.Schedules, " "), "job_runs_keep_days", c.JobRunsKeepDays,
		"upload_timeout", c.UploadTimeout.String(), "secure_cookies", c.SecureCookies, "trusted_proxies", strings.Join(c.TrustedProxies, ","), "session_ttl", c.SessionTTL.String(),
		"min_snapshot_interval", c.MinSnapshotInterval.String(), "hsts", c.HSTS,
		"pull_allow_hosts", strings.Join(c.PullAllowHosts, ","))
	c.Service.log(log)
}
