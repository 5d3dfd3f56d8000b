package telemetry

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Database is what a scrape reads from the store.
type Database interface {
	MemoryInUse(ctx context.Context) (int64, error)
	ImportTotals(ctx context.Context) ([]portfolio.ImportTotal, error)
}

// Telemetry holds the registry and the instruments Begira updates.
type Telemetry struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	requestSeconds *prometheus.HistogramVec
	jobRuns        *prometheus.CounterVec
	jobSeconds     *prometheus.HistogramVec
	cacheLookups   *prometheus.CounterVec
	cacheRefreshes *prometheus.CounterVec
}

// New registers every collector; db is read at each scrape (a scrape that
// cannot read it still answers, without those series, and logs why).
func New(version string, db Database, log *slog.Logger) *Telemetry {
	t := &Telemetry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "begira_http_requests_total",
			Help: "HTTP requests answered, by route pattern (\"\" when no route matched), method and status.",
		}, []string{"route", "method", "status"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "begira_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "begira_job_runs_total",
			Help: "Job runs by job and status (ok, failed, skipped), scheduled or run on demand.",
		}, []string{"job", "status"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "begira_job_duration_seconds",
			Help:    "Duration of finished job runs, by job and status.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300, 900, 3600},
		}, []string{"job", "status"}),
		cacheLookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "begira_cache_lookups_total",
			Help: "Reads of a cache (page: rendered dashboards; page_compressed: their brotli/gzip copies; metric: metric results), by result (hit or miss).",
		}, []string{"cache", "result"}),
		cacheRefreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "begira_cache_refreshes_total",
			Help: "Background refreshes of stale cache entries (after an import or a mission change), by cache.",
		}, []string{"cache"}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "begira_build_info",
		Help: "Always 1; the labels say which Begira is running.",
	}, []string{"version", "goversion"})
	build.WithLabelValues(version, runtime.Version()).Set(1)
	t.reg.MustRegister(t.requests, t.requestSeconds, t.jobRuns, t.jobSeconds, t.cacheLookups, t.cacheRefreshes, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&dbCollector{db: db, log: log})
	return t
}

// Handler serves the registry in Prometheus's exposition formats.
func (t *Telemetry) Handler() http.Handler {
	return promhttp.HandlerFor(t.reg, promhttp.HandlerOpts{Registry: t.reg, Timeout: 10 * time.Second})
}

// Registry is the registry itself (tests gather from it).
func (t *Telemetry) Registry() *prometheus.Registry { return t.reg }

// Request counts one answered request.
func (t *Telemetry) Request(route, method string, status int, took time.Duration) {
	s := strconv.Itoa(status)
	t.requests.WithLabelValues(route, method, s).Inc()
	t.requestSeconds.WithLabelValues(route, method, s).Observe(took.Seconds())
}

// CacheLookup counts one read of cache.
func (t *Telemetry) CacheLookup(cache string, hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	t.cacheLookups.WithLabelValues(cache, result).Inc()
}

// CacheRefresh counts one background refresh of cache.
func (t *Telemetry) CacheRefresh(cache string) { t.cacheRefreshes.WithLabelValues(cache).Inc() }

// JobRun counts a finished (or skipped) job run.
func (t *Telemetry) JobRun(job, status string, took time.Duration) {
	t.jobRuns.WithLabelValues(job, status).Inc()
	if status != portfolio.JobSkipped {
		t.jobSeconds.WithLabelValues(job, status).Observe(took.Seconds())
	}
}
