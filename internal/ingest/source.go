package ingest

import (
	"context"

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
	return s.st.SourceMapping(ctx, missionID, req.Source)
}

// saveMapping stores the headers → fields mapping of this file on its
// source, creating the source, so next month's file needs no mapping.
func (s *Service) saveMapping(ctx context.Context, missionID int64, b *portfolio.ImportBatch, req Request) error {
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
	return s.st.SaveSourceMapping(ctx, missionID, req.Source, m)
}
