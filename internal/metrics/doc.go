// Package metrics computes the metric catalogue of docs/METRICS.md: coverage,
// balance, pipeline, territory, network and signal figures, each returned as
// rows {code, dims, value, n}. Set logic runs in DuckDB (embedded named
// queries in queries/*.sql); graph algorithms run in Go on gonum. Every
// metric honours the scope filters, reports its denominator n, and answers
// null — never NaN, Inf or a crash — when it is undefined (docs/METRICS.md,
// "Notation and conventions").
package metrics
