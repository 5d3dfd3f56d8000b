// Package store is the only package that opens DuckDB. It opens the
// database with safe settings, applies the embedded migrations, and offers one
// file of methods per entity (the records are portfolio types). The import
// pipeline runs its own statements (internal/ingest/sql) through the
// store's connection. Short statements are written inline; long
// analytic queries live in queries/*.sql so they can be pasted into the
// DuckDB CLI.
package store
