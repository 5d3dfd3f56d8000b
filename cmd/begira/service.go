package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/begira/begira/internal/alert"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/telemetry"
)

// observedRuns records job runs in the store, as the scheduler asks, and
// tells Prometheus of each finished or skipped run. It embeds the store so
// that the scheduler's optional interfaces (abandon, latest runs) still
// reach it.
type observedRuns struct {
	*store.Store
	tel     *telemetry.Telemetry
	alerts  *alert.Alerter
	mu      sync.Mutex
	started map[int64]portfolio.JobRun
}

func observeRuns(st *store.Store, tel *telemetry.Telemetry, alerts *alert.Alerter) *observedRuns {
	return &observedRuns{Store: st, tel: tel, alerts: alerts, started: map[int64]portfolio.JobRun{}}
}

func (o *observedRuns) StartJobRun(ctx context.Context, r portfolio.JobRun) (int64, error) {
	id, err := o.Store.StartJobRun(ctx, r)
	if err != nil {
		return id, err
	}
	if r.Status == portfolio.JobSkipped {
		o.tel.JobRun(r.Job, r.Status, 0)
		return id, nil
	}
	o.mu.Lock()
	o.started[id] = r
	o.mu.Unlock()
	return id, nil
}

func (o *observedRuns) FinishJobRun(ctx context.Context, id int64, finishedAt time.Time, status, errText string, detail json.RawMessage) error {
	err := o.Store.FinishJobRun(ctx, id, finishedAt, status, errText, detail)
	o.mu.Lock()
	r, ok := o.started[id]
	delete(o.started, id)
	o.mu.Unlock()
	if ok {
		o.tel.JobRun(r.Job, status, finishedAt.Sub(r.StartedAt))
		o.alerts.JobFinished(r.Job, r.Mission, status, errText)
	}
	return err
}

// metricsServer serves /metrics alone on --metrics-addr, an address an
// administrator keeps private (no token there).
type metricsServer struct {
	srv  *http.Server
	addr string
	done chan error
}

func startMetrics(addr string, h http.Handler, log *slog.Logger) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	m := &metricsServer{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { m.done <- m.srv.Serve(ln) }()
	log.Info("metrics listening", "url", "http://"+m.addr+"/metrics")
	return m, nil
}

func (m *metricsServer) shutdown(timeout time.Duration) error {
	if m == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := m.srv.Shutdown(ctx)
	if serr := <-m.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
