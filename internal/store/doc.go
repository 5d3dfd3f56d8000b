// Package store is the only package that talks to DuckDB. It opens the
// database with safe settings, applies the embedded migrations, and offers one
// file of methods per entity. Short statements are written inline; long
// analytic queries live in queries/*.sql so they can be pasted into the
// DuckDB CLI.
package store
