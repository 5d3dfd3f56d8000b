// Package demo loads the embedded demo mission (data/demo) into a store
// through the same pipeline analysts' uploads use: mission document, then
// reference geography, then organisations, projects and signals imported as
// batches.
package demo

import (
	"context"
	"encoding/csv"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/begira/begira/data"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
	"github.com/begira/begira/internal/store"
)

// Slug is the demo mission's slug.
const Slug = "gipuzkoa"

// Load applies the demo mission and imports its files with their history
// (two committee snapshots and the decisions between them, see history.go),
// unless the mission already holds projects (a restart must not duplicate
// the demo).
func Load(ctx context.Context, st *store.Store, ing *ingest.Service, log *slog.Logger) error {
	doc, err := fs.ReadFile(data.Demo, "demo/mission.yaml")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	m, err := missionfile.Parse(doc)
	if err != nil {
		return fmt.Errorf("demo: mission.yaml: %w", err)
	}
	if existing, err := st.Mission(ctx, m.Slug); err == nil {
		if _, total, err := st.Projects(ctx, existing, portfolio.Scope{}, portfolio.Page{Limit: 1}); err == nil && total > 0 {
			log.Info("demo mission already loaded", "mission", m.Slug, "projects", total)
			return nil
		}
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		return fmt.Errorf("demo: apply mission: %w", err)
	}
	if err := loadGeography(ctx, st); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "begira-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{}
	for _, name := range []string{"organisations.csv", "projects.csv", "signals.csv"} {
		if files[name], err = fs.ReadFile(data.Demo, "demo/"+name); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	orgs, projects, signals := files["organisations.csv"], files["projects.csv"], files["signals.csv"]
	projectsSep, pilot, err := september(projects)
	if err != nil {
		return err
	}
	signalsSep, err := signalsBefore(signals, projectsSep)
	if err != nil {
		return err
	}
	load := func(name, kind, mode string, body []byte) error {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, body, 0o600); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		b, err := ing.Import(ctx, ingest.Request{Mission: m.Slug, Kind: kind, Mode: mode,
			Path: path, Filename: name, CreatedBy: "demo"}, false)
		if err != nil {
			return fmt.Errorf("demo: import %s: %w", name, err)
		}
		log.Info("demo file imported", "file", name, "batch", b.ID, "rows", b.RowsOK)
		return nil
	}
	snaps := func(now time.Time) *snapshot.Service { return snapshot.New(st, func() time.Time { return now }) }
	// September's exports, the October committee and its decisions.
	for _, f := range []struct {
		name, kind string
		body       []byte
	}{
		{"organisations.csv", ingest.KindOrganisations, orgs},
		{"projects-2026-09.csv", ingest.KindProjects, projectsSep},
		{"signals-2026-09.csv", ingest.KindSignals, signalsSep},
	} {
		if err := load(f.name, f.kind, ingest.ModeAppend, f.body); err != nil {
			return err
		}
	}
	sn, err := october.take(ctx, snaps)
	if err != nil {
		return err
	}
	if err := decide(ctx, snaps, sn, pilot); err != nil {
		return err
	}
	// October's exports, then the November committee's snapshot.
	if err := load("projects-2026-10.csv", ingest.KindProjects, ingest.ModeUpsert, projects); err != nil {
		return err
	}
	if err := load("signals-2026-10.csv", ingest.KindSignals, ingest.ModeUpsert, signals); err != nil {
		return err
	}
	_, err = november.take(ctx, snaps)
	return err
}

// loadGeography stores the 88 municipalities and their comarcas.
func loadGeography(ctx context.Context, st *store.Store) error {
	areas, year, err := Geography()
	if err != nil {
		return err
	}
	if err := st.UpsertGeoAreas(ctx, areas, year); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// Template is the demo's mission document, which a new instance may start
// from (its first-run page offers it).
func Template() []byte {
	doc, err := fs.ReadFile(data.Demo, "demo/mission.yaml")
	if err != nil {
		panic("demo: " + err.Error()) // embedded: cannot happen
	}
	return doc
}

// Geography returns Gipuzkoa's 88 municipalities (INE codes, names,
// populations, centroids) and its comarcas with their summed populations,
// and the year of the populations: the reference geography of the demo and
// of missions started from its template.
func Geography() ([]portfolio.GeoArea, int, error) {
	f, err := data.Demo.Open("demo/municipalities.csv")
	if err != nil {
		return nil, 0, fmt.Errorf("demo: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil, 0, fmt.Errorf("demo: municipalities.csv: %v", err)
	}
	var areas []portfolio.GeoArea
	comarcas := map[string]*portfolio.GeoArea{}
	var order []string
	var year int
	for _, r := range rows[1:] { // code,name_eu,name_es,comarca_code,comarca_eu,comarca_es,population,population_year,lat,lon
		pop, _ := strconv.ParseInt(r[6], 10, 64)
		year, _ = strconv.Atoi(r[7])
		lat, _ := strconv.ParseFloat(r[8], 64)
		lon, _ := strconv.ParseFloat(r[9], 64)
		areas = append(areas, portfolio.GeoArea{Code: r[0], NameEU: r[1], NameES: r[2], Level: "municipality",
			ParentCode: r[3], Population: &pop, Lat: &lat, Lon: &lon})
		c := comarcas[r[3]]
		if c == nil {
			var zero int64
			c = &portfolio.GeoArea{Code: r[3], NameEU: r[4], NameES: r[5], Level: "comarca", ParentCode: "20", Population: &zero}
			comarcas[r[3]] = c
			order = append(order, r[3])
		}
		*c.Population += pop
	}
	for _, code := range order {
		areas = append(areas, *comarcas[code])
	}
	return areas, year, nil
}
