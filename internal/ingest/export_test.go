package ingest

import (
	"context"
	"database/sql"
)

// TraceSQL makes s hand every statement its commits run to fn.
func TraceSQL(s *Service, fn func(what, q string)) { s.traceSQL = fn }

// GeoCase is the municipality lookup the reading expressions of db embed.
func GeoCase(ctx context.Context, db *sql.DB) (string, error) { return municipalityNames(ctx, db) }
