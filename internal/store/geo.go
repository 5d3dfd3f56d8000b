package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/begira/begira/internal/portfolio"
)

// UpsertGeoAreas inserts or replaces reference areas (municipalities,
// comarcas) by code, in one transaction.
func (s *Store) UpsertGeoAreas(ctx context.Context, areas []portfolio.GeoArea, year int) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, a := range areas {
			_, err := tx.ExecContext(ctx, `
				INSERT OR REPLACE INTO geo_area (code, name_eu, name_es, level, parent_code, population, population_year, lat, lon)
				VALUES (?, ?, ?, ?, nullif(?, ''), ?, ?, ?, ?)`,
				a.Code, a.NameEU, a.NameES, a.Level, a.ParentCode, a.Population, year, a.Lat, a.Lon)
			if err != nil {
				return fmt.Errorf("store: upsert geo area %s: %w", a.Code, err)
			}
		}
		return nil
	})
}

// GeoAreas lists the areas of a level ("municipality", "comarca").
func (s *Store) GeoAreas(ctx context.Context, level string) ([]portfolio.GeoArea, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT code, name_eu, name_es, level, coalesce(parent_code, ''), population, lat, lon
		FROM geo_area WHERE level = ? ORDER BY code`, level)
	if err != nil {
		return nil, fmt.Errorf("store: geo areas: %w", err)
	}
	defer rows.Close()
	var out []portfolio.GeoArea
	for rows.Next() {
		var a portfolio.GeoArea
		if err := rows.Scan(&a.Code, &a.NameEU, &a.NameES, &a.Level, &a.ParentCode, &a.Population, &a.Lat, &a.Lon); err != nil {
			return nil, fmt.Errorf("store: geo areas: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
