package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/begira/begira/internal/portfolio"
)

// ApplyMission creates the mission or updates it to match the document. A
// term that disappears from the document while rows still use it is refused,
// naming the term and its users: silently orphaning tags would change every
// figure built on them.
func (s *Store) ApplyMission(ctx context.Context, m *portfolio.Mission) (created bool, err error) {
	if err := m.Validate(); err != nil {
		return false, err
	}
	doc, err := json.Marshal(m)
	if err != nil {
		return false, fmt.Errorf("store: apply mission: %w", err)
	}
	now := s.now().UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var oldDoc string
		err := tx.QueryRowContext(ctx, `SELECT id, document FROM mission WHERE slug = ?`, m.Slug).Scan(&id, &oldDoc)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = true
			err = tx.QueryRowContext(ctx, `
				INSERT INTO mission (slug, title_en, title_es, title_eu, statement, timezone, document, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				m.Slug, m.Title.EN, m.Title.ES, m.Title.EU, m.Statement, m.Timezone, string(doc), now, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("store: insert mission: %w", err)
			}
		case err != nil:
			return fmt.Errorf("store: find mission: %w", err)
		default:
			if err := checkRemovedTerms(ctx, tx, id, m); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `
				UPDATE mission SET title_en = ?, title_es = ?, title_eu = ?, statement = ?, timezone = ?,
				       document = ?, updated_at = ?
				WHERE id = ?`,
				m.Title.EN, m.Title.ES, m.Title.EU, m.Statement, m.Timezone, string(doc), now, id)
			if err != nil {
				return fmt.Errorf("store: update mission: %w", err)
			}
		}
		m.ID = id
		if err := replaceTaxonomy(ctx, tx, id, m); err != nil {
			return err
		}
		e := AuditEntry{Action: "mission.apply", Mission: m.Slug, Target: "mission:" + m.Slug, After: Summary(missionSummary(m))}
		if !created {
			var old portfolio.Mission
			if json.Unmarshal([]byte(oldDoc), &old) == nil {
				e.Before = Summary(missionSummary(&old))
			}
		}
		return s.Audit(ctx, tx, e)
	})
	if err != nil {
		return created, err
	}
	// The document's sources (URLs, schedules, mappings) become rows that
	// pulls update with their ETags.
	return created, s.SyncSources(ctx, m)
}

// checkRemovedTerms refuses a document that drops a term still in use.
func checkRemovedTerms(ctx context.Context, tx *sql.Tx, missionID int64, m *portfolio.Mission) error {
	rows, err := tx.QueryContext(ctx, `SELECT scheme_code, code FROM term WHERE mission_id = ?`, missionID)
	if err != nil {
		return fmt.Errorf("store: list terms: %w", err)
	}
	type key struct{ scheme, term string }
	var removed []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.scheme, &k.term); err != nil {
			rows.Close()
			return fmt.Errorf("store: list terms: %w", err)
		}
		if sc := m.Scheme(k.scheme); sc == nil || sc.Term(k.term) == nil {
			removed = append(removed, k)
		}
	}
	rows.Close()
	var problems []string
	for _, k := range removed {
		var projects, signals, orgs int64
		err := tx.QueryRowContext(ctx, `
			SELECT
			  (SELECT count(DISTINCT pt.project_id) FROM project_term pt JOIN project p ON p.id = pt.project_id
			    WHERE p.mission_id = $1 AND pt.scheme_code = $2 AND pt.term_code = $3),
			  (SELECT count(DISTINCT s.id) FROM signal s
			    LEFT JOIN signal_term st ON st.signal_id = s.id AND st.scheme_code = $2 AND st.term_code = $3
			    WHERE s.mission_id = $1 AND (st.signal_id IS NOT NULL
			      OR ($2 = 'level' AND s.level_observed = $3)
			      OR ($2 = 'actor_type' AND s.observer_actor_type = $3))),
			  (SELECT count(*) FROM organisation o
			    WHERE o.mission_id = $1 AND $2 = 'actor_type' AND o.actor_type = $3)`,
			missionID, k.scheme, k.term).Scan(&projects, &signals, &orgs)
		if err != nil {
			return fmt.Errorf("store: count term use: %w", err)
		}
		if projects+signals+orgs > 0 {
			problems = append(problems, fmt.Sprintf("term %q of scheme %q is still used by %d project(s), %d signal(s) and %d organisation(s)",
				k.term, k.scheme, projects, signals, orgs))
		}
	}
	if len(problems) > 0 {
		return &portfolio.Error{
			Code: portfolio.ECONFLICT,
			Message: "cannot remove a term that is in use: " + strings.Join(problems, "; ") +
				". Re-tag or delete those rows first, or mark the term inactive: true",
			Details: problems,
		}
	}
	return nil
}

func replaceTaxonomy(ctx context.Context, tx *sql.Tx, missionID int64, m *portfolio.Mission) error {
	for _, q := range []string{`DELETE FROM term WHERE mission_id = ?`, `DELETE FROM scheme WHERE mission_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, missionID); err != nil {
			return fmt.Errorf("store: replace taxonomy: %w", err)
		}
	}
	for i, sc := range m.Schemes {
		applies := "[" + strings.Join(quoteAll(sc.AppliesTo), ",") + "]"
		_, err := tx.ExecContext(ctx, `
			INSERT INTO scheme (mission_id, code, label_en, label_es, label_eu, cardinality, ordered, applies_to, position)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?)`,
			missionID, sc.Code, sc.Label.EN, sc.Label.ES, sc.Label.EU, sc.Cardinality, sc.Ordered, applies, i)
		if err != nil {
			return fmt.Errorf("store: insert scheme %s: %w", sc.Code, err)
		}
		for j, t := range sc.Terms {
			var ordinal, parent any
			if t.Ordinal != 0 {
				ordinal = t.Ordinal
			}
			if t.Parent != "" {
				parent = t.Parent
			}
			_, err := tx.ExecContext(ctx, `
				INSERT INTO term (mission_id, scheme_code, code, parent_code, label_en, label_es, label_eu, ordinal, active, position)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				missionID, sc.Code, t.Code, parent, t.Label.EN, t.Label.ES, t.Label.EU, ordinal, !t.Inactive, j)
			if err != nil {
				return fmt.Errorf("store: insert term %s/%s: %w", sc.Code, t.Code, err)
			}
		}
	}
	// A term keeps its id (term_key) across applies: projects store their
	// terms as ids (migration 0013), and term rows are replaced above.
	_, err := tx.ExecContext(ctx, `INSERT INTO term_key (scheme_code, term_code)
		SELECT DISTINCT t.scheme_code, t.code FROM term t WHERE t.mission_id = ?
		AND NOT EXISTS (SELECT 1 FROM term_key k WHERE k.scheme_code = t.scheme_code AND k.term_code = t.code)`, missionID)
	if err != nil {
		return fmt.Errorf("store: term ids: %w", err)
	}
	return nil
}

// quoteAll renders strings as DuckDB list literal items. Only validated
// scheme kinds reach it (project, signal, organisation).
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return out
}

// Mission loads a mission with its schemes and terms in document order.
func (s *Store) Mission(ctx context.Context, slug string) (*portfolio.Mission, error) {
	m := &portfolio.Mission{}
	var doc string
	err := s.db.QueryRowContext(ctx, `
		SELECT id, slug, title_en, title_es, title_eu, statement, timezone, created_at, document
		FROM mission WHERE slug = ?`, slug).
		Scan(&m.ID, &m.Slug, &m.Title.EN, &m.Title.ES, &m.Title.EU, &m.Statement, &m.Timezone, &m.CreatedAt, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "mission %q not found", slug)
	} else if err != nil {
		return nil, fmt.Errorf("store: mission %s: %w", slug, err)
	}
	// Targets and relevance masks live only in the applied document.
	var extra struct {
		Targets   map[string]map[string]float64 `json:"targets"`
		Relevance []portfolio.RelevanceMask     `json:"relevance"`
		Schedules map[string]string             `json:"schedules"`
		Sources   []portfolio.SourceDoc         `json:"sources"`
		Subs      []portfolio.Subscription      `json:"subscriptions"`
		Alerts    []portfolio.AlertRule         `json:"alerts"`
		Bounds    *portfolio.Boundaries         `json:"boundaries"`
	}
	if err := json.Unmarshal([]byte(doc), &extra); err == nil {
		m.Targets, m.Relevance, m.Schedules, m.Sources = extra.Targets, extra.Relevance, extra.Schedules, extra.Sources
		m.Subscriptions, m.Alerts, m.Boundaries = extra.Subs, extra.Alerts, extra.Bounds
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT code, label_en, label_es, label_eu, cardinality, ordered, array_to_string(applies_to, ',')
		FROM scheme WHERE mission_id = ? ORDER BY position`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("store: schemes of %s: %w", slug, err)
	}
	for rows.Next() {
		var sc portfolio.Scheme
		var applies string
		if err := rows.Scan(&sc.Code, &sc.Label.EN, &sc.Label.ES, &sc.Label.EU, &sc.Cardinality, &sc.Ordered, &applies); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: schemes of %s: %w", slug, err)
		}
		sc.AppliesTo = strings.Split(applies, ",")
		m.Schemes = append(m.Schemes, sc)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `
		SELECT scheme_code, code, coalesce(parent_code, ''), label_en, label_es, label_eu, coalesce(ordinal, 0), active
		FROM term WHERE mission_id = ? ORDER BY scheme_code, position`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("store: terms of %s: %w", slug, err)
	}
	defer rows.Close()
	for rows.Next() {
		var scheme string
		var t portfolio.Term
		var active bool
		if err := rows.Scan(&scheme, &t.Code, &t.Parent, &t.Label.EN, &t.Label.ES, &t.Label.EU, &t.Ordinal, &active); err != nil {
			return nil, fmt.Errorf("store: terms of %s: %w", slug, err)
		}
		t.Inactive = !active
		if sc := m.Scheme(scheme); sc != nil {
			sc.Terms = append(sc.Terms, t)
		}
	}
	return m, rows.Err()
}

// Missions lists every mission by slug.
func (s *Store) Missions(ctx context.Context) ([]portfolio.MissionSummary, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT m.slug, m.title_en, m.title_es, m.title_eu, m.statement, m.timezone,
		       (SELECT count(*) FROM project p WHERE p.mission_id = m.id),
		       (SELECT count(*) FROM signal g WHERE g.mission_id = m.id)
		FROM mission m ORDER BY m.slug`)
	if err != nil {
		return nil, fmt.Errorf("store: missions: %w", err)
	}
	defer rows.Close()
	items := []portfolio.MissionSummary{}
	for rows.Next() {
		var m portfolio.MissionSummary
		if err := rows.Scan(&m.Slug, &m.Title.EN, &m.Title.ES, &m.Title.EU, &m.Statement, &m.Timezone, &m.Projects, &m.Signals); err != nil {
			return nil, fmt.Errorf("store: missions: %w", err)
		}
		items = append(items, m)
	}
	return items, rows.Err()
}

// missionSummary is what the audit log keeps of a mission document: its
// title, the terms of each scheme, its schedules and sources.
func missionSummary(m *portfolio.Mission) map[string]any {
	terms := map[string][]string{}
	for _, sc := range m.Schemes {
		for _, t := range sc.Terms {
			terms[sc.Code] = append(terms[sc.Code], t.Code)
		}
	}
	var sources []string
	for _, src := range m.Sources {
		sources = append(sources, src.Slug)
	}
	return map[string]any{"title": m.Title.EN, "terms": terms, "schedules": m.Schedules, "sources": sources}
}
