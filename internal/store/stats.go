package store

import (
	"context"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// MemoryInUse is the memory DuckDB's buffer manager holds, in bytes.
func (s *Store) MemoryInUse(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory()`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: memory in use: %w", err)
	}
	return n, nil
}

// ImportTotals sums every import batch by kind and status (Prometheus).
func (s *Store) ImportTotals(ctx context.Context) ([]portfolio.ImportTotal, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT kind, status, count(*), coalesce(sum(rows_ok), 0)::BIGINT, coalesce(sum(rows_rejected), 0)::BIGINT,
		       coalesce(sum(epoch(committed_at) - epoch(created_at)) FILTER (WHERE committed_at IS NOT NULL), 0)::DOUBLE
		FROM import_batch GROUP BY kind, status ORDER BY kind, status`)
	if err != nil {
		return nil, fmt.Errorf("store: import totals: %w", err)
	}
	defer rows.Close()
	var out []portfolio.ImportTotal
	for rows.Next() {
		var t portfolio.ImportTotal
		if err := rows.Scan(&t.Kind, &t.Status, &t.Batches, &t.RowsOK, &t.RowsRejected, &t.Seconds); err != nil {
			return nil, fmt.Errorf("store: import totals: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
