// Package metrics computes the metric catalogue of DOMAIN.md §5: coverage,
// balance, pipeline, territory, network and signal figures, each returned as
// rows {code, dims, value, n}. Set logic runs in DuckDB (embedded named
// queries in queries/*.sql); graph algorithms run in Go on gonum. Every
// metric honours the scope filters, reports its denominator n, and answers
// null — never NaN, Inf or a crash — when it is undefined (DOMAIN.md §5.3).
package metrics
