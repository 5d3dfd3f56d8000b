// Package telemetry exposes Begira's own numbers to Prometheus: requests by
// route pattern and status, job runs, imports, the page and metric caches,
// DuckDB's memory and the build. It owns one registry (never the global
// one, so two servers in one test binary do not collide) and the handler
// that serves it. The web layer and the scheduler call its methods through
// their own small interfaces; the database figures are read at scrape time.
package telemetry
