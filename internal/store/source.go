package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// UpsertSource registers a source of a mission document or updates it. A
// mapping left out of the document keeps the one saved from an upload; a
// new URL forgets the validators of the old one.
func (s *Store) UpsertSource(ctx context.Context, mission string, d portfolio.SourceDoc) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := missionID(ctx, tx, mission)
		if err != nil {
			return err
		}
		return upsertSource(ctx, tx, id, d)
	})
}

// SyncSources makes the mission's sources match its document: every
// declared source is upserted, and a source that is no longer declared stops
// being pulled (its row, mapping and batches stay).
func (s *Store) SyncSources(ctx context.Context, m *portfolio.Mission) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := missionID(ctx, tx, m.Slug)
		if err != nil {
			return err
		}
		declared := []string{}
		for _, d := range m.Sources {
			if err := upsertSource(ctx, tx, id, d); err != nil {
				return err
			}
			declared = append(declared, d.Slug)
		}
		list, _ := json.Marshal(declared)
		_, err = tx.ExecContext(ctx, `
			UPDATE source SET pull_url = NULL, pull_schedule = NULL
			WHERE mission_id = ? AND pull_url IS NOT NULL AND NOT list_contains(?::VARCHAR[], slug)`, id, string(list))
		if err != nil {
			return fmt.Errorf("store: sync sources of %s: %w", m.Slug, err)
		}
		return nil
	})
}

func missionID(ctx context.Context, tx *sql.Tx, slug string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM mission WHERE slug = ?`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, portfolio.Errorf(portfolio.ENOTFOUND, "mission %q not found", slug)
	} else if err != nil {
		return 0, fmt.Errorf("store: find mission %s: %w", slug, err)
	}
	return id, nil
}

func upsertSource(ctx context.Context, tx *sql.Tx, missionID int64, d portfolio.SourceDoc) error {
	if !portfolio.ValidSlug(d.Slug) {
		return portfolio.Errorf(portfolio.EINVALID, "source %q must be a slug (lower-case letters, digits, '-' or '_')", d.Slug)
	}
	name := d.Name
	if name == "" {
		name = d.Slug
	}
	var mapping any
	if len(d.Mapping) > 0 {
		b, _ := json.Marshal(d.Mapping)
		mapping = string(b)
	}
	var id int64
	var oldURL sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, pull_url FROM source WHERE mission_id = ? AND slug = ?`, missionID, d.Slug).Scan(&id, &oldURL)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `
			INSERT INTO source (mission_id, slug, name, kind, pull_kind, pull_mode, column_mapping, pull_url, pull_schedule)
			VALUES (?, ?, ?, 'other', ?, ?, ?, ?, ?)`,
			missionID, d.Slug, name, nullIfEmpty(d.Kind), nullIfEmpty(d.Mode), mapping, nullIfEmpty(d.URL), nullIfEmpty(d.Schedule))
	case err != nil:
	default:
		_, err = tx.ExecContext(ctx, `
			UPDATE source SET name = ?, pull_kind = ?, pull_mode = ?, column_mapping = coalesce(?, column_mapping),
			       pull_url = ?, pull_schedule = ?
			WHERE id = ?`,
			name, nullIfEmpty(d.Kind), nullIfEmpty(d.Mode), mapping, nullIfEmpty(d.URL), nullIfEmpty(d.Schedule), id)
		if err == nil && oldURL.String != d.URL {
			_, err = tx.ExecContext(ctx, `UPDATE source SET etag = NULL, last_modified = NULL, last_sha256 = NULL WHERE id = ?`, id)
		}
	}
	if err != nil {
		return fmt.Errorf("store: upsert source %s: %w", d.Slug, err)
	}
	return nil
}

const sourceSelect = `
	SELECT s.id, m.slug, s.slug, s.name, s.kind, coalesce(s.pull_kind, ''), coalesce(s.pull_mode, ''),
	       coalesce(s.pull_url, ''), coalesce(s.pull_schedule, ''), s.column_mapping,
	       coalesce(s.etag, ''), coalesce(s.last_modified, ''), coalesce(s.last_sha256, ''), s.last_pulled_at,
	       coalesce(s.last_status, ''), coalesce(s.last_error, ''), coalesce(s.last_batch_id, 0)
	FROM source s JOIN mission m ON m.id = s.mission_id`

// Sources lists a mission's sources by slug.
func (s *Store) Sources(ctx context.Context, mission string) ([]portfolio.Source, error) {
	rows, err := s.db.QueryContext(ctx, sourceSelect+` WHERE m.slug = ? ORDER BY s.slug`, mission)
	if err != nil {
		return nil, fmt.Errorf("store: sources of %s: %w", mission, err)
	}
	defer rows.Close()
	out := []portfolio.Source{}
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sources of %s: %w", mission, err)
		}
		out = append(out, *src)
	}
	return out, rows.Err()
}

// Source loads one source of a mission.
func (s *Store) Source(ctx context.Context, mission, slug string) (*portfolio.Source, error) {
	rows, err := s.db.QueryContext(ctx, sourceSelect+` WHERE m.slug = ? AND s.slug = ?`, mission, slug)
	if err != nil {
		return nil, fmt.Errorf("store: source %s/%s: %w", mission, slug, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: source %s/%s: %w", mission, slug, err)
		}
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "source %q of mission %q not found", slug, mission)
	}
	src, err := scanSource(rows)
	if err != nil {
		return nil, fmt.Errorf("store: source %s/%s: %w", mission, slug, err)
	}
	return src, nil
}

func scanSource(rows *sql.Rows) (*portfolio.Source, error) {
	var src portfolio.Source
	var mapping sql.NullString
	var pulled sql.NullTime
	if err := rows.Scan(&src.ID, &src.Mission, &src.Slug, &src.Name, &src.Kind, &src.PullKind, &src.PullMode,
		&src.URL, &src.Schedule, &mapping, &src.ETag, &src.LastModified, &src.LastSHA256, &pulled,
		&src.LastStatus, &src.LastError, &src.LastBatchID); err != nil {
		return nil, err
	}
	if mapping.Valid && mapping.String != "" {
		if err := json.Unmarshal([]byte(mapping.String), &src.Mapping); err != nil {
			return nil, fmt.Errorf("column mapping: %w", err)
		}
	}
	if pulled.Valid {
		t := pulled.Time.UTC()
		src.LastPulledAt = &t
	}
	return &src, nil
}

// RecordPull stores the outcome of a pull on its source.
func (s *Store) RecordPull(ctx context.Context, mission, slug string, r portfolio.PullRecord) error {
	q := `UPDATE source SET last_pulled_at = ?, last_status = ?, last_error = ?,
	             last_batch_id = coalesce(?, last_batch_id)`
	args := []any{r.At.UTC(), r.Status, nullIfEmpty(r.Error), nullIfZero(r.BatchID)}
	if r.Validators {
		q += `, etag = ?, last_modified = ?, last_sha256 = ?`
		args = append(args, nullIfEmpty(r.ETag), nullIfEmpty(r.LastModified), nullIfEmpty(r.SHA256))
	}
	q += ` WHERE mission_id = (SELECT id FROM mission WHERE slug = ?) AND slug = ?`
	args = append(args, mission, slug)
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: record pull of %s/%s: %w", mission, slug, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return portfolio.Errorf(portfolio.ENOTFOUND, "source %q of mission %q not found", slug, mission)
	}
	return nil
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// SourceMapping returns the headers → fields mapping saved on the source
// slug of the mission missionID: nil when there is no such source or it
// has no mapping.
func (s *Store) SourceMapping(ctx context.Context, missionID int64, slug string) (map[string]string, error) {
	var saved *string
	err := s.db.QueryRowContext(ctx, `SELECT column_mapping FROM source WHERE mission_id = ? AND slug = ?`, missionID, slug).Scan(&saved)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && saved == nil) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: source mapping: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(*saved), &m); err != nil {
		return nil, fmt.Errorf("store: source mapping: %w", err)
	}
	return m, nil
}

// SaveSourceMapping saves mapping on the source slug of the mission
// missionID, registering the source (kind other) when it is new, so that
// next month's file needs no mapping.
func (s *Store) SaveSourceMapping(ctx context.Context, missionID int64, slug string, mapping map[string]string) error {
	body, _ := json.Marshal(mapping)
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO source (mission_id, slug, name, kind, column_mapping) VALUES (?, ?, ?, 'other', ?)
		ON CONFLICT (mission_id, slug) DO UPDATE SET column_mapping = excluded.column_mapping`,
		missionID, slug, slug, string(body))
	if err != nil {
		return fmt.Errorf("store: save source mapping: %w", err)
	}
	return nil
}
