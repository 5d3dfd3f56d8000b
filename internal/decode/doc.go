// Package decode turns the files analysts send into text DuckDB can read,
// and explains in the analyst's terms why a file cannot be read: it
// detects and converts encodings, writes an XLSX sheet out as CSV, checks
// the shape of text files (line lengths, fields, quotes), diagnoses
// dialects, and maps records to the lines of the file. It knows nothing of
// missions, fields or the database: the import pipeline (internal/ingest)
// calls it.
package decode
