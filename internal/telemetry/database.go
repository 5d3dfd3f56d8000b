package telemetry

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// dbCollector reads DuckDB's memory and the import totals at each scrape.
// Import totals come from the import batches themselves, so they count
// every import since the database was created (the CLI's included) and
// survive restarts, as counters should.
type dbCollector struct {
	db  Database
	log *slog.Logger
}

var (
	memoryDesc = prometheus.NewDesc("begira_duckdb_memory_bytes",
		"Memory DuckDB holds in its buffer manager (sum of duckdb_memory()).", nil, nil)
	importBatchesDesc = prometheus.NewDesc("begira_import_batches_total",
		"Import batches by kind (projects, organisations, signals) and outcome (committed, rolled_back, failed, previewed).",
		[]string{"kind", "outcome"}, nil)
	importRowsDesc = prometheus.NewDesc("begira_import_rows_total",
		"Rows read by imports, by kind, outcome of the batch, and whether the row was accepted (ok) or rejected.",
		[]string{"kind", "outcome", "row"}, nil)
	importSecondsDesc = prometheus.NewDesc("begira_import_seconds_total",
		"Seconds from upload to commit of committed imports, by kind (a preview waiting for an analyst counts).",
		[]string{"kind"}, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- memoryDesc
	ch <- importBatchesDesc
	ch <- importRowsDesc
	ch <- importSecondsDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := c.db.MemoryInUse(ctx); err != nil {
		c.log.Warn("metrics: DuckDB memory", "error", err.Error())
	} else {
		ch <- prometheus.MustNewConstMetric(memoryDesc, prometheus.GaugeValue, float64(n))
	}
	totals, err := c.db.ImportTotals(ctx)
	if err != nil {
		c.log.Warn("metrics: import totals", "error", err.Error())
		return
	}
	seconds := map[string]float64{}
	for _, t := range totals {
		ch <- prometheus.MustNewConstMetric(importBatchesDesc, prometheus.CounterValue, float64(t.Batches), t.Kind, t.Status)
		ch <- prometheus.MustNewConstMetric(importRowsDesc, prometheus.CounterValue, float64(t.RowsOK), t.Kind, t.Status, "ok")
		ch <- prometheus.MustNewConstMetric(importRowsDesc, prometheus.CounterValue, float64(t.RowsRejected), t.Kind, t.Status, "rejected")
		seconds[t.Kind] += t.Seconds
	}
	for kind, s := range seconds {
		ch <- prometheus.MustNewConstMetric(importSecondsDesc, prometheus.CounterValue, s, kind)
	}
}
