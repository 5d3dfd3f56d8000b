// Package backup takes and restores Begira backups. A backup is a
// directory holding a consistent copy of the database (a DuckDB file made
// by the store's COPY FROM DATABASE while the server keeps running) and a
// manifest.json with each file's size and SHA-256 and every table's row
// count. Restore refuses a backup whose files do not match their
// checksums, writes the copy under a new name only (never over an existing
// database), and then checks the row counts against the manifest.
//
// The running server backs up through its scheduler (the "backup" job,
// also run by POST /api/v1/backups); `begira backup` does the same on a
// stopped server, since DuckDB lets only one process open the file.
package backup
