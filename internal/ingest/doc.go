// Package ingest turns an analyst's file into portfolio rows. Every door
// (upload wizard, API, CLI, the embedded demo) runs the same pipeline:
//
//	file → staging table (all text, DuckDB read_csv) → validation in SQL
//	(types, required fields, taxonomy terms, municipality codes, duplicates)
//	→ preview with per-row rejects → commit in ONE transaction, recorded as
//	an import batch.
//
// Validation runs over every row in DuckDB rather than row by row in Go: it is
// both the fastest path and the one where a type is never inferred from a
// sample and then fails late.
//
// The pipeline's own SQL (staging, validation, commit) lives in sql/*.sql as
// named statements and runs through the store's connection; the import
// records (batches, rejects, saved mappings) are read and written by the
// store. Decoding a file to text is internal/decode's; fetching a source
// over HTTP is internal/pull's, which then calls this pipeline.
package ingest
