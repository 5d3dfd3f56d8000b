package ingest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// sourceMapping returns the mapping to use: the request's own, or the one
// saved on its source.
func (s *Service) sourceMapping(ctx context.Context, missionID int64, req Request) (map[string]string, error) {
	if len(req.Mapping) > 0 || req.Source == "" {
		return req.Mapping, nil
	}
	if !portfolio.ValidSlug(req.Source) {
		return nil, portfolio.Errorf(portfolio.EINVALID, "source %q must be a slug (lower-case letters, digits, '-' or '_')", req.Source)
	}
	var saved *string
	err := s.st.DB().QueryRowContext(ctx, `SELECT column_mapping FROM source WHERE mission_id = ? AND slug = ?`, missionID, req.Source).Scan(&saved)
	if isNoRows(err) || (err == nil && saved == nil) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("ingest: source mapping: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(*saved), &m); err != nil {
		return nil, fmt.Errorf("ingest: source mapping: %w", err)
	}
	return m, nil
}

// saveMapping stores the headers → fields mapping of this file on its
// source, creating the source, so next month's file needs no mapping.
func (s *Service) saveMapping(ctx context.Context, missionID int64, b *Batch, req Request) error {
	if req.Source == "" || !req.SaveMapping {
		return nil
	}
	if !portfolio.ValidSlug(req.Source) {
		return portfolio.Errorf(portfolio.EINVALID, "source %q must be a slug (lower-case letters, digits, '-' or '_')", req.Source)
	}
	m := map[string]string{}
	for _, c := range b.Columns {
		if c.Field != "" {
			m[c.Header] = c.Field
		}
	}
	body, _ := json.Marshal(m)
	_, err := s.st.DB().ExecContext(ctx, `
		INSERT INTO source (mission_id, slug, name, kind, column_mapping) VALUES (?, ?, ?, 'other', ?)
		ON CONFLICT (mission_id, slug) DO UPDATE SET column_mapping = excluded.column_mapping`,
		missionID, req.Source, req.Source, string(body))
	if err != nil {
		return fmt.Errorf("ingest: save mapping: %w", err)
	}
	return nil
}
