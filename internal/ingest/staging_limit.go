package ingest

import (
	"context"
	"fmt"
	"os"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// DefaultStagingLimit caps what previews awaiting commit may hold in the
// staging database: uploads that are previewed and never committed (or
// whose commit was killed) once grew it to 3 GB.
const DefaultStagingLimit int64 = 4 << 30

// stagingUsed returns the bytes the staging database's blocks hold.
func (s *Service) stagingUsed(ctx context.Context) (int64, error) {
	var used int64
	err := s.st.DB().QueryRowContext(ctx,
		`SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = ?`, store.StagingCatalog).Scan(&used)
	if isNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ingest: staging size: %w", err)
	}
	return used, nil
}

// checkStagingRoom refuses a file whose staged copy (about its size) would
// take the staging database past the limit, naming what to do.
func (s *Service) checkStagingRoom(ctx context.Context, path string) error {
	limit := s.StagingLimit
	if limit <= 0 {
		limit = DefaultStagingLimit
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	used, err := s.stagingUsed(ctx)
	if err != nil {
		return err
	}
	if used+fi.Size() <= limit {
		return nil
	}
	const mb = 1 << 20
	return portfolio.Refusef(portfolio.ETOOLARGE, "refusal.staging_limit",
		"the import was not started: previews awaiting commit hold %d MB of the %d MB staging limit and this file needs about %d MB more. Commit or discard the pending previews on the imports page, or ask the instance administrator to raise --staging-limit-mb",
		(used+mb-1)/mb, limit/mb, (fi.Size()+mb-1)/mb)
}
