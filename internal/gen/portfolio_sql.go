package gen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/begira/begira/data"
	"github.com/begira/begira/internal/missionfile"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// PortfolioAnchor is the "today" of the synthetic portfolio LoadSQL writes:
// signals are observed in the three years before it, projects were updated
// up to 420 days before it and planned projects start after it. It is fixed
// (not the wall clock) so that the same seed gives the same rows on any day;
// benchmarks compute metrics with their clock set to it.
var PortfolioAnchor = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// LoadPortfolio applies the demo mission (data/demo/mission.yaml) to st and
// fills it with LoadSQL. It returns the mission as stored (with its ID).
func LoadPortfolio(ctx context.Context, st *store.Store, projects, orgs, signals, seed int) (*portfolio.Mission, error) {
	doc, err := fs.ReadFile(data.Demo, "demo/mission.yaml")
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	m, err := missionfile.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("gen: mission.yaml: %w", err)
	}
	if _, err := st.ApplyMission(ctx, m); err != nil {
		return nil, fmt.Errorf("gen: apply mission: %w", err)
	}
	if err := LoadSQL(ctx, st.DB(), m.ID, projects, orgs, signals, seed); err != nil {
		return nil, err
	}
	return st.Mission(ctx, m.Slug)
}

// LoadSQL fills mission missionID (which must carry the demo mission's
// taxonomy: pillar, level, challenge, lever, stage, facet, horizon, steep,
// actor_type) with a synthetic portfolio: orgs organisations, projects
// projects with their terms and organisations (a lead and 0–4 partners), and
// signals signals over the three years before PortfolioAnchor with their
// terms and project links. When geo_area is empty it also stores the 88
// municipalities of Gipuzkoa and their comarcas (geography.go).
//
// Every table is filled by one INSERT … SELECT … FROM range(n) whose random
// draws are DuckDB hashes of (row, draw, seed), so a million signals load in
// seconds and the same seed always gives the same rows (for the pinned DuckDB
// version). Row order inside a table may vary with DuckDB's parallelism; ids
// are taken from the tables' sequences, so on a fresh database they are the
// same too. Distributions follow the CSV generator of this package (levels,
// statuses, stages, pillars, challenges given the pillar, levers given the
// level, lead types given the level, budgets by level); organisations are
// chosen with a skewed popularity (rank ⌊k·u²⌋, the square of a uniform
// draw), so a few take part in a thousand projects and most in a handful,
// and the shared-partner network is realistic rather than complete. As in
// the demo, no project answers the "water" challenge while signals about it
// grow over the last year.
//
// Everything runs in one transaction on one connection: on error nothing is
// left behind.
func LoadSQL(ctx context.Context, db *sql.DB, missionID int64, projects, orgs, signals int, seed int) error {
	if projects < 0 || orgs < 0 || signals < 0 {
		return fmt.Errorf("gen: counts must be >= 0, got %d projects, %d organisations, %d signals", projects, orgs, signals)
	}
	if projects > 0 && orgs == 0 {
		return errors.New("gen: projects need at least one organisation (their lead)")
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	defer conn.Close()
	// Row order is not part of the data: without preserving it DuckDB
	// inserts in parallel, about 1.5× faster. The setting is global, so the
	// previous value is put back.
	var preserve string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('preserve_insertion_order')::VARCHAR`).Scan(&preserve); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SET preserve_insertion_order = false`); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SET preserve_insertion_order = `+preserve)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("gen: begin: %w", err)
	}
	defer tx.Rollback()
	l := &sqlLoader{ctx: ctx, tx: tx, mission: missionID, seed: int64(seed), muns: municipalities,
		anchor: PortfolioAnchor.Format(time.DateOnly), nProjects: projects, nOrgs: orgs, nSignals: signals}
	for _, step := range []func() error{l.checkTaxonomy, l.macros, l.geography, l.munLookup, l.organisations, l.projects, l.signals, l.cleanup} {
		if err := step(); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("gen: commit: %w", err)
	}
	return nil
}

// sqlLoader carries one LoadSQL run.
type sqlLoader struct {
	ctx                           context.Context
	tx                            *sql.Tx
	mission, seed                 int64
	anchor                        string // PortfolioAnchor as a DuckDB date literal
	muns                          []municipality
	nProjects, nOrgs, nSignals    int
	orgBase, projectBase, sigBase int64 // id of row 0
}

func (l *sqlLoader) exec(what, q string, args ...any) error {
	if _, err := l.tx.ExecContext(l.ctx, q, args...); err != nil {
		return fmt.Errorf("gen: %s: %w", what, err)
	}
	return nil
}

// checkTaxonomy refuses a mission that lacks a term the generator writes:
// rows tagged with undefined terms would silently count as untagged.
func (l *sqlLoader) checkTaxonomy() error {
	want := map[string][]string{
		"pillar": pillarCodes, "level": levelCodes, "challenge": append(append([]string(nil), challengeCodes...), "water"),
		"lever": leverCodes, "stage": stageCodes, "facet": facetCodes, "horizon": horizonCodes,
		"steep": steepCodes, "actor_type": actorTypes,
	}
	for scheme, codes := range want {
		var n int
		err := l.tx.QueryRowContext(l.ctx, `SELECT count(*) FROM term WHERE mission_id = ? AND scheme_code = ? AND list_contains(?::VARCHAR[], code)`,
			l.mission, scheme, codes).Scan(&n)
		if err != nil {
			return fmt.Errorf("gen: check taxonomy: %w", err)
		}
		if n != len(codes) {
			return portfolio.Errorf(portfolio.EINVALID, "gen: mission %d lacks terms of scheme %s (has %d of %s): apply data/demo/mission.yaml first",
				l.mission, scheme, n, strings.Join(codes, ", "))
		}
	}
	return nil
}

// macros defines the pseudo-random draws: gen_u(i, k) is uniform in [0, 1)
// and gen_n(i, k, n) uniform in [0, n), for row i and draw number k; both
// are hashes of (i, k, seed), so every draw is independent of the others and
// of the order in which DuckDB's threads visit the rows.
func (l *sqlLoader) macros() error {
	return l.exec("macros", fmt.Sprintf(`
		CREATE OR REPLACE TEMP MACRO gen_h(i, k) AS hash(i::BIGINT, k::BIGINT, %d::BIGINT);
		CREATE OR REPLACE TEMP MACRO gen_u(i, k) AS (gen_h(i, k) >> 11)::DOUBLE / 9007199254740992.0;
		CREATE OR REPLACE TEMP MACRO gen_n(i, k, n) AS (gen_h(i, k) %% (n)::UBIGINT)::BIGINT;`, l.seed))
}

// geography stores the municipalities and comarcas when geo_area is empty,
// and always creates gen_mun (k, code, lat, lon) for the draws below.
func (l *sqlLoader) geography() error {
	var vals []string
	for k, m := range l.muns {
		c := comarcaOf(m.comarca)
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, %s, %s, %s, %s, %d, %d, %s, %s)", k, lit(m.code), lit(m.eu), lit(m.es),
			lit(m.comarca), lit(c.eu), lit(c.es), m.population, populationYear, flt(m.lat), flt(m.lon)))
	}
	err := l.exec("municipalities", `CREATE OR REPLACE TEMP TABLE gen_mun AS SELECT * FROM (VALUES `+strings.Join(vals, ",\n")+`)
		t(k, code, name_eu, name_es, comarca, comarca_eu, comarca_es, population, population_year, lat, lon)`)
	if err != nil {
		return err
	}
	// Checked apart: a NOT EXISTS in the INSERT itself could see the rows
	// the statement's other branch has just written.
	var areas int
	if err := l.tx.QueryRowContext(l.ctx, `SELECT count(*) FROM geo_area`).Scan(&areas); err != nil {
		return fmt.Errorf("gen: geo_area: %w", err)
	}
	if areas > 0 {
		return nil
	}
	return l.exec("geo_area", `
		INSERT INTO geo_area (code, name_eu, name_es, level, parent_code, population, population_year, lat, lon)
		SELECT code, name_eu, name_es, 'municipality', comarca, population, population_year, lat, lon FROM gen_mun
		UNION ALL
		SELECT comarca, any_value(comarca_eu), any_value(comarca_es), 'comarca', '20', sum(population), any_value(population_year), NULL, NULL
		FROM gen_mun GROUP BY comarca`)
}

// munSlots is the size of gen_mun_lut: municipality k fills a share of
// the slots proportional to its weight, so a uniform slot is a weighted
// draw (a join is far cheaper than an 88-arm CASE on a million rows).
const munSlots = 1 << 16

// munLookup creates gen_mun_lut (slot, k): municipalities weighted by the
// square root of their population, so towns get most projects and every
// village some.
func (l *sqlLoader) munLookup() error {
	w := make([]float64, len(l.muns))
	var total float64
	for i, m := range l.muns {
		w[i] = math.Sqrt(float64(max(m.population, 1)))
		total += w[i]
	}
	// Largest remainder: floor shares, then the leftover slots go to the
	// largest fractional parts (ties by index), so the table is exact.
	slots := make([]int, len(w))
	type rem struct {
		k int
		r float64
	}
	var rs []rem
	used := 0
	for i := range w {
		x := w[i] / total * munSlots
		slots[i] = max(1, int(x))
		used += slots[i]
		rs = append(rs, rem{i, x - math.Floor(x)})
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].r > rs[b].r })
	for i := 0; used < munSlots; i = (i + 1) % len(rs) {
		slots[rs[i].k]++
		used++
	}
	for i := len(slots) - 1; used > munSlots; i = (i + len(slots) - 1) % len(slots) {
		if slots[i] > 1 {
			slots[i]--
			used--
		}
	}
	var vals []string
	for k, n := range slots {
		vals = append(vals, fmt.Sprintf("(%d, %d)", k, n))
	}
	return l.exec("municipality lookup", `
		CREATE OR REPLACE TEMP TABLE gen_mun_lut AS
		SELECT (sum(n) OVER (ORDER BY k) - n + unnest(range(n)))::INTEGER AS slot, k::SMALLINT AS k
		FROM (VALUES `+strings.Join(vals, ", ")+`) t(k, n)`)
}

// munJoin joins gen_mun_lut as alias to the rows of draw i with draw
// number draw: alias.k is then a weighted municipality.
func munJoin(alias, i string, draw int) string {
	return fmt.Sprintf("JOIN gen_mun_lut %s ON %s.slot = gen_n(%s, %d, %d)::INTEGER", alias, alias, i, draw, munSlots)
}

// reserve takes n consecutive values of sequence seq and returns the first.
func (l *sqlLoader) reserve(seq string, n int) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	var lo, hi int64
	err := l.tx.QueryRowContext(l.ctx, fmt.Sprintf(`SELECT min(v), max(v) FROM (SELECT nextval('%s') AS v FROM range(%d))`, seq, n)).Scan(&lo, &hi)
	if err != nil {
		return 0, fmt.Errorf("gen: reserve %s: %w", seq, err)
	}
	if hi-lo+1 != int64(n) {
		return 0, fmt.Errorf("gen: reserve %s: got ids %d..%d for %d rows (sequence in use concurrently?)", seq, lo, hi, n)
	}
	return lo, nil
}

// batch records the rows of one kind as a committed import batch, as the
// ingest would, and returns its id.
func (l *sqlLoader) batch(kind string, rows int) (int64, error) {
	var id int64
	err := l.tx.QueryRowContext(l.ctx, `
		INSERT INTO import_batch (mission_id, kind, filename, sha256, mode, dialect, status, rows_total, rows_ok,
		                          created_by, created_at, committed_at)
		VALUES (?, ?, ?, '', 'append', '{}', 'committed', ?, ?, 'gen.LoadSQL', ?::TIMESTAMPTZ, ?::TIMESTAMPTZ) RETURNING id`,
		l.mission, kind, fmt.Sprintf("gen-%s-seed%d.sql", kind, l.seed), rows, rows, l.anchor, l.anchor).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("gen: import batch: %w", err)
	}
	return id, nil
}

// orgPoolW is poolQuota as weights (actor types in actorTypes order).
var orgPoolW = newWeights(poolQuota[:]...)

var orgTypeName = []string{"Public administration", "Public company", "Development agency", "Large company", "SME",
	"Startup", "Cooperative", "University", "Technology centre", "Foundation", "Association", "Community group"}

// organisations fills organisation and gen_o (j, t, trank, prank): the
// actor type, the rank within the type (for leads) and the popularity rank
// over all organisations, a seeded permutation (for partners).
func (l *sqlLoader) organisations() error {
	if l.nOrgs == 0 {
		return nil
	}
	var err error
	if l.orgBase, err = l.reserve("organisation_id_seq", l.nOrgs); err != nil {
		return err
	}
	batch, err := l.batch("organisations", l.nOrgs)
	if err != nil {
		return err
	}
	err = l.exec("organisation draws", fmt.Sprintf(`
		CREATE OR REPLACE TEMP TABLE gen_o AS
		WITH u AS (SELECT i AS j, gen_u(i, 101) AS u FROM range(%d) r(i)),
		r AS (SELECT j, %s::TINYINT AS t FROM u)
		SELECT j, t,
		       (row_number() OVER (PARTITION BY t ORDER BY j) - 1)::INTEGER AS trank,
		       (row_number() OVER (ORDER BY gen_h(j, 102), j) - 1)::INTEGER AS prank
		FROM r`, l.nOrgs, pick("u", orgPoolW)))
	if err != nil {
		return err
	}
	if err := l.exec("organisation types", `CREATE OR REPLACE TEMP TABLE gen_ot AS SELECT t, count(*)::INTEGER AS n FROM gen_o GROUP BY t`); err != nil {
		return err
	}
	return l.exec("organisations", fmt.Sprintf(`
		INSERT INTO organisation (id, mission_id, ext_ref, name, name_key, actor_type, size_class, founded_year, geo_code, updated_at, batch_id)
		SELECT %[1]d + o.j, %[2]d, 'GEN-ORG-' || lpad((o.j + 1)::VARCHAR, 6, '0'),
		       %[3]s[o.t + 1] || ' ' || lpad((o.j + 1)::VARCHAR, 6, '0'),
		       lower(%[3]s[o.t + 1]) || ' ' || lpad((o.j + 1)::VARCHAR, 6, '0'), %[4]s[o.t + 1],
		       ['micro', 'small', 'medium', 'large'][1 + %[5]s], 1950 + gen_n(o.j, 104, 75)::INTEGER,
		       CASE WHEN gen_u(o.j, 105) < 0.05 THEN NULL ELSE m.code END, '%[6]s'::TIMESTAMPTZ, %[7]d
		FROM (SELECT *, gen_u(j, 103) AS us FROM gen_o) o %[8]s JOIN gen_mun m ON m.k = ml.k`,
		l.orgBase, l.mission, list(orgTypeName), list(actorTypes),
		pick("o.us", newWeights(40, 30, 20, 10)), l.anchor, batch, munJoin("ml", "o.j", 106)))
}

// projects fills project, project_term (as term ids) and project_org from gen_p, one row
// of draws per project.
func (l *sqlLoader) projects() error {
	if l.nProjects == 0 {
		return nil
	}
	var err error
	if l.projectBase, err = l.reserve("project_id_seq", l.nProjects); err != nil {
		return err
	}
	batch, err := l.batch("projects", l.nProjects)
	if err != nil {
		return err
	}
	// Challenge given the first pillar, lever given the level, instrument
	// given the level: one CASE arm per condition.
	challenge := "CASE p0"
	for p, w := range pillarChallengeW {
		challenge += fmt.Sprintf(" WHEN %d THEN %s", p, pick("uc", w))
	}
	challenge += " END"
	lever, instrument, lo, hi, leads := "CASE lv", "CASE lv", []string{}, []string{}, []string{}
	for lv := range levelCodes {
		lever += fmt.Sprintf(" WHEN %d THEN %s", lv, pick("ul", leverW[lv]))
		instrument += fmt.Sprintf(" WHEN %d THEN %s[1 + %s]", lv, list(instruments[lv]), pick("ui", instrumentW[lv]))
		lo, hi = append(lo, flt(budgetRange[lv][0])), append(hi, flt(budgetRange[lv][1]))
		var ts []string
		for _, t := range leadTypes[lv] {
			ts = append(ts, strconv.Itoa(t))
		}
		leads = append(leads, "["+strings.Join(ts, ", ")+"]")
	}
	lever += " END"
	instrument += " END"
	// Draw numbers (the second argument of gen_u/gen_n) are fixed forever:
	// changing one changes the data of every seed.
	// Raw draws first (u), as columns: DuckDB would recompute a hash in
	// every comparison of a pick. Picks and dependent draws next (r, d).
	err = l.exec("project draws", fmt.Sprintf(`
		CREATE OR REPLACE TEMP TABLE gen_p AS
		WITH u AS (
			SELECT i, gen_u(i, 1) AS u1, gen_u(i, 2) AS u2, gen_u(i, 3) AS u3, gen_u(i, 4) AS u4, gen_n(i, 5, 2) AS pd,
			       gen_u(i, 6) AS uc, gen_u(i, 7) < 0.3 AS two_challenges, gen_n(i, 8, 6) AS cd,
			       gen_u(i, 9) AS ul, gen_u(i, 10) AS u10, gen_n(i, 11, 7) AS e1, gen_n(i, 12, 6) AS e2,
			       gen_u(i, 13) AS us, gen_u(i, 14) AS u14, gen_u(i, 15) AS u15,
			       gen_u(i, 16) AS ub, gen_u(i, 17) < 0.03 AS no_budget, gen_u(i, 18) AS upf, gen_u(i, 19) AS ui,
			       ml.k AS mk, gen_u(i, 21) < 0.04 AS no_geo,
			       gen_n(i, 22, 2840) AS sd, 180 + gen_n(i, 23, 1620) AS dur, gen_u(i, 24) AS ue, gen_n(i, 25, 420) AS upd,
			       gen_u(i, 26) AS ult, gen_u(i, 27) AS ulr, gen_u(i, 28) AS u28,
			       [gen_u(i, 29), gen_u(i, 30), gen_u(i, 31), gen_u(i, 32)] AS q,
			       gen_u(i, 33) AS ulay, gen_n(i, 34, 5) AS dir, gen_n(i, 35, 5) AS unc,
			       gen_u(i, 36) < 0.01 AS no_pillar, gen_u(i, 37) < 0.015 AS no_stage
			FROM range(%[10]d) r(i) %[20]s
		),
		r AS (
			SELECT *, %[1]s AS st, %[2]s AS lv, %[3]s AS p0, 1 + %[4]s AS pn, 1 + %[5]s AS ln,
			       %[6]s AS fc, %[7]s AS hz, %[9]s AS np
			FROM u
		),
		d AS (
			SELECT *, (p0 + 1 + pd) %% 3 AS p1, %[11]s AS c0, %[12]s AS l0,
			       CASE WHEN st = 0 THEN %[13]s ELSE %[14]s END AS sg,
			       %[15]s[lv + 1] AS lead_types
			FROM r
		)
		SELECT i, st::TINYINT AS st, lv::TINYINT AS lv, p0::TINYINT AS p0, p1::TINYINT AS p1, (3 - p0 - p1)::TINYINT AS p2,
		       (CASE WHEN no_pillar THEN 0 ELSE pn END)::TINYINT AS pn,
		       c0::TINYINT AS c0, ((c0 + 1 + cd) %% 7)::TINYINT AS c1, two_challenges,
		       l0::TINYINT AS l0, ((l0 + 1 + e1) %% 8)::TINYINT AS l1, ((l0 + 1 + (e1 + 1 + e2) %% 7) %% 8)::TINYINT AS l2, ln::TINYINT AS ln,
		       sg::TINYINT AS sg, no_stage, fc::TINYINT AS fc, hz::TINYINT AS hz,
		       CASE WHEN no_budget THEN NULL
		            ELSE round(%[16]s[lv + 1] * pow(%[17]s[lv + 1] / %[16]s[lv + 1], ub), -2) END AS budget,
		       upf, (%[18]s) AS instrument, mk, no_geo,
		       CASE WHEN st = 0 THEN DATE '%[19]s' + (sd %% 300)::INTEGER ELSE DATE '%[19]s' - 60 - sd::INTEGER END AS start_date,
		       dur::INTEGER AS dur, ue, upd::INTEGER AS upd,
		       lead_types[1 + floor(ult * len(lead_types))::INTEGER]::TINYINT AS lead_type, ulr,
		       np::TINYINT AS np, q, ulay, dir::TINYINT AS dir, unc::TINYINT AS unc
		FROM d`,
		pick("u1", statusW), pick("u2", levelW), pick("u3", pillarW), pick("u4", pillarCountW),
		pick("u10", leverCountW), pick("u14", facetW), pick("u15", horizonW), "", /* %[8]s: unused */
		pick("u28", partnerW), l.nProjects, challenge, lever, pick("us", stagePlanW), pick("us", stageW),
		"["+strings.Join(leads, ", ")+"]", "["+strings.Join(lo, ", ")+"]", "["+strings.Join(hi, ", ")+"]", instrument, l.anchor,
		munJoin("ml", "i", 20)))
	if err != nil {
		return err
	}
	// The lead: an organisation of one of the level's lead types, ranked
	// ⌊n·u^1.5⌋ within the type (or over all organisations when the pool
	// has none of that type).
	err = l.exec("project leads", fmt.Sprintf(`
		CREATE OR REPLACE TEMP TABLE gen_lead AS
		SELECT p.i, coalesce(o.j, a.j) AS j
		FROM gen_p p
		LEFT JOIN gen_ot ot ON ot.t = p.lead_type
		LEFT JOIN gen_o o ON o.t = p.lead_type AND o.trank = floor(ot.n * pow(p.ulr, 1.5))::INTEGER
		LEFT JOIN gen_o a ON a.prank = floor(%d * pow(p.ulr, 1.5))::INTEGER`, l.nOrgs))
	if err != nil {
		return err
	}
	err = l.exec("projects", fmt.Sprintf(`
		INSERT INTO project (id, mission_id, ext_ref, title, summary, status, lead_org_id, budget_total_eur, public_funding_eur,
		                     funding_instrument, start_date, end_date, stage_entered_at, geo_code, lat, lon, directionality,
		                     uncertainty, leverage_layer, follow_on_of, intent, updated_at, source_id, batch_id)
		SELECT %[1]d + p.i, %[2]d, 'GEN-P-' || lpad((p.i + 1)::VARCHAR, 7, '0'),
		       %[3]s[p.lv + 1] || ': ' || %[4]s[p.c0 + 1] || ' (' || m.name_eu || ') #' || (p.i + 1)::VARCHAR, NULL,
		       %[5]s[p.st + 1], %[6]d + ld.j, p.budget, round(p.budget * (0.2 + 0.7 * p.upf), 2), p.instrument,
		       p.start_date, p.start_date + p.dur,
		       least(p.start_date + floor(p.ue * p.dur)::INTEGER, greatest(p.start_date, DATE '%[7]s' - 1)),
		       CASE WHEN p.no_geo THEN NULL ELSE m.code END,
		       CASE WHEN p.no_geo THEN NULL ELSE round(m.lat + (p.ue - 0.5) * 0.02, 5) END,
		       CASE WHEN p.no_geo THEN NULL ELSE round(m.lon + (p.upf - 0.5) * 0.02, 5) END,
		       1 + p.dir, 1 + p.unc,
		       CASE WHEN p.ulay < 0.6 THEN 1 WHEN p.ulay < 0.85 THEN 2 WHEN p.ulay < 0.95 THEN 3 END,
		       NULL, NULL, DATE '%[7]s' - p.upd, NULL, %[8]d
		FROM gen_p p JOIN gen_lead ld ON ld.i = p.i JOIN gen_mun m ON m.k = p.mk`,
		l.projectBase, l.mission, list(levelNoun[en]), list(challengeLabel[en]), list(statusCodes), l.orgBase, l.anchor, batch))
	if err != nil {
		return err
	}
	id := fmt.Sprintf("%d + i", l.projectBase)
	// Terms are stored as ids (term_key, see store migration 0013): the
	// mission's apply gave its terms one; any code it lacks gets one here.
	err = l.exec("term ids", fmt.Sprintf(`
		INSERT INTO term_key (scheme_code, term_code)
		SELECT DISTINCT g.s, g.c FROM (
		          SELECT 'pillar' AS s, unnest(%[1]s) AS c UNION ALL SELECT 'challenge', unnest(%[2]s)
		UNION ALL SELECT 'lever', unnest(%[3]s) UNION ALL SELECT 'level', unnest(%[4]s) UNION ALL SELECT 'stage', unnest(%[5]s)
		UNION ALL SELECT 'facet', unnest(%[6]s) UNION ALL SELECT 'horizon', unnest(%[7]s)) g
		WHERE NOT EXISTS (SELECT 1 FROM term_key k WHERE k.scheme_code = g.s AND k.term_code = g.c)`,
		list(pillarCodes), list(challengeCodes), list(leverCodes), list(levelCodes), list(stageCodes),
		list(facetCodes), list(horizonCodes)))
	if err != nil {
		return err
	}
	err = l.exec("project terms", fmt.Sprintf(`
		INSERT INTO project_term_link (project_id, term_id, is_primary)
		SELECT g.project_id, k.id, g.is_primary FROM (
		SELECT %[1]s AS project_id, 'pillar' AS scheme_code, %[2]s[p0 + 1] AS term_code, true AS is_primary FROM gen_p WHERE pn >= 1
		UNION ALL SELECT %[1]s, 'pillar', %[2]s[p1 + 1], false FROM gen_p WHERE pn >= 2
		UNION ALL SELECT %[1]s, 'pillar', %[2]s[p2 + 1], false FROM gen_p WHERE pn >= 3
		UNION ALL SELECT %[1]s, 'challenge', %[3]s[c0 + 1], true FROM gen_p
		UNION ALL SELECT %[1]s, 'challenge', %[3]s[c1 + 1], false FROM gen_p WHERE two_challenges
		UNION ALL SELECT %[1]s, 'lever', %[4]s[l0 + 1], true FROM gen_p
		UNION ALL SELECT %[1]s, 'lever', %[4]s[l1 + 1], false FROM gen_p WHERE ln >= 2
		UNION ALL SELECT %[1]s, 'lever', %[4]s[l2 + 1], false FROM gen_p WHERE ln >= 3
		UNION ALL SELECT %[1]s, 'level', %[5]s[lv + 1], true FROM gen_p
		UNION ALL SELECT %[1]s, 'stage', %[6]s[sg + 1], true FROM gen_p WHERE NOT no_stage
		UNION ALL SELECT %[1]s, 'facet', %[7]s[fc + 1], true FROM gen_p
		UNION ALL SELECT %[1]s, 'horizon', %[8]s[hz + 1], true FROM gen_p) g
		JOIN term_key k ON k.scheme_code = g.scheme_code AND k.term_code = g.term_code`,
		id, list(pillarCodes), list(challengeCodes), list(leverCodes), list(levelCodes), list(stageCodes),
		list(facetCodes), list(horizonCodes)))
	if err != nil {
		return err
	}
	// Partners: popularity rank ⌊n·u²⌋. A partner drawn twice, or equal to
	// the lead, is one participation ('lead' sorts before 'partner').
	return l.exec("project organisations", fmt.Sprintf(`
		INSERT INTO project_org (project_id, org_id, role)
		SELECT %[1]d + i, %[2]d + j, min(role) FROM (
			SELECT i, j, 'lead' AS role FROM gen_lead
			UNION ALL
			SELECT x.i, o.j, 'partner'
			FROM (SELECT i, unnest(q[1:np]) AS u FROM gen_p) x
			JOIN gen_o o ON o.prank = floor(%[3]d * x.u * x.u)::INTEGER
		)
		GROUP BY i, j`, l.projectBase, l.orgBase, l.nOrgs))
}

var (
	steepCodes     = []string{"social", "technological", "economic", "environmental", "political", "values"}
	sourceTypes    = []string{"news", "research", "policy", "citizen_story", "expert", "workshop", "project_report", "indicator", "other"}
	signalStatuses = []string{"approved", "archived", "new", "draft"}
	signalTypes    = []string{"weak_signal", "emerging_issue", "trend_evidence", "wild_card"}
	sentiments     = []string{"positive", "negative", "mixed"}
	relations      = []string{"informs", "addressed_by", "challenges"}
	// Weights from the demo's signals.csv, in the orders above.
	sourceTypeW    = newWeights(572, 144, 141, 220, 186, 168, 237, 125, 71)
	signalStatusW  = newWeights(80, 8, 7, 5)
	signalTypeW    = newWeights(581, 409, 714, 160)
	sentimentW     = newWeights(623, 589, 652)
	steepW         = newWeights(419, 395, 370, 417, 172, 91)
	noveltyW       = newWeights(280, 510, 576, 312, 186)
	levelObservedW = newWeights(536, 381, 209, 562, 176)
	observerW      = newWeights(188, 94, 109, 102, 144, 120, 124, 133, 107, 123, 242, 378)
	sigChallengeW  = newWeights(3, 2, 3, 2, 2, 2, 1) // food, mobility, energy, … (water is drawn apart)
	relationW      = newWeights(70, 20, 10)
)

// signals fills signal, signal_term and signal_project from gen_s.
func (l *sqlLoader) signals() error {
	if l.nSignals == 0 {
		return nil
	}
	var err error
	if l.sigBase, err = l.reserve("signal_id_seq", l.nSignals); err != nil {
		return err
	}
	batch, err := l.batch("signals", l.nSignals)
	if err != nil {
		return err
	}
	// Observation: days before the anchor, ⌊1096·u^1.25⌋ (the recent past is
	// busier). Water: 2 % of the oldest signals' first challenge, rising to
	// 27 % of today's, so it emerges over the last year.
	err = l.exec("signal draws", fmt.Sprintf(`
		CREATE OR REPLACE TEMP TABLE gen_s AS
		WITH u AS (
			SELECT i, floor(1096 * pow(gen_u(i, 201), 1.25))::INTEGER AS ago,
			       gen_u(i, 202) AS u202, gen_u(i, 203) < 0.03 AS no_novelty, gen_u(i, 204) AS u204,
			       gen_u(i, 205) < 0.02 AS no_level, gen_u(i, 206) AS u206, gen_u(i, 207) AS u207, gen_u(i, 208) AS u208,
			       gen_u(i, 209) AS u209, gen_u(i, 210) AS u210, gen_u(i, 228) AS u228,
			       gen_u(i, 211) AS uw, gen_u(i, 212) AS u212, gen_u(i, 213) < 0.3 AS two_challenges, gen_n(i, 214, 7) AS cd,
			       gen_n(i, 215, 8) AS l0, gen_u(i, 216) < 0.4 AS two_levers, gen_n(i, 217, 7) AS ld,
			       gen_u(i, 218) AS u218, gen_u(i, 219) < 0.15 AS two_pillars, gen_n(i, 220, 2) AS pd,
			       ml.k AS mk, gen_u(i, 222) < 0.08 AS no_geo,
			       gen_u(i, 223) AS ulink, gen_n(i, 224, %[12]d) AS pa, gen_n(i, 225, %[12]d) AS pb, gen_u(i, 226) AS u226,
			       gen_n(i, 227, 10) AS capture_lag
			FROM range(%[14]d) r(i) %[15]s
		),
		r AS (
			SELECT *, %[1]s AS st, CASE WHEN NOT no_novelty THEN 1 + %[2]s END AS novelty,
			       CASE WHEN NOT no_level THEN %[3]s END AS lvo, %[4]s AS obs,
			       %[5]s AS src, %[6]s AS typ, %[7]s AS sen, %[8]s AS steep, %[9]s AS c0x, %[10]s AS p0, %[13]s AS rel
			FROM u
		)
		SELECT i, ago::SMALLINT AS ago, st::TINYINT AS st, novelty::TINYINT AS novelty, lvo::TINYINT AS lvo, obs::TINYINT AS obs,
		       src::TINYINT AS src, typ::TINYINT AS typ, sen::TINYINT AS sen, steep::TINYINT AS steep,
		       (CASE WHEN uw < 0.02 + 0.25 * pow(1 - ago / 1096, 4) THEN 7 ELSE c0x END)::TINYINT AS c0, two_challenges, cd::TINYINT AS cd,
		       l0::TINYINT AS l0, two_levers, ((l0 + 1 + ld) %% 8)::TINYINT AS l1,
		       p0::TINYINT AS p0, two_pillars, ((p0 + 1 + pd) %% 3)::TINYINT AS p1,
		       mk, no_geo, ulink, pa, pb, rel::TINYINT AS rel, capture_lag::INTEGER AS capture_lag
		FROM r`,
		pick("u202", signalStatusW), pick("u204", noveltyW), pick("u206", levelObservedW),
		pick("u207", observerW), pick("u208", sourceTypeW), pick("u209", signalTypeW),
		pick("u210", sentimentW), pick("u228", steepW), pick("u212", sigChallengeW),
		pick("u218", pillarW), "" /* %[11]s: unused */, max(l.nProjects, 1), pick("u226", relationW), l.nSignals, munJoin("ml", "i", 221)))
	if err != nil {
		return err
	}
	allChallenges := append(append([]string(nil), challengeCodes...), "water")
	err = l.exec("signals", fmt.Sprintf(`
		INSERT INTO signal (id, mission_id, ext_ref, headline, description, url, source_type, observed_at, captured_at, status,
		                    novelty, level_observed, observer_actor_type, signal_type, sentiment, persistence_days, geo_code, batch_id)
		SELECT %[1]d + s.i, %[2]d, 'GEN-S-' || lpad((s.i + 1)::VARCHAR, 7, '0'),
		       %[3]s[s.steep + 1] || ' signal on ' || %[4]s[s.c0 + 1] || ' in ' || m.name_eu || ' #' || (s.i + 1)::VARCHAR, NULL,
		       CASE WHEN s.src IN (0, 1, 2) THEN 'https://example.org/signals/' || (s.i + 1)::VARCHAR END,
		       %[5]s[s.src + 1], DATE '%[6]s' - 1 - s.ago, (DATE '%[6]s' - 1 - s.ago + s.capture_lag)::TIMESTAMPTZ,
		       %[7]s[s.st + 1], s.novelty, %[8]s[s.lvo + 1], %[9]s[s.obs + 1], %[10]s[s.typ + 1], %[11]s[s.sen + 1], NULL,
		       CASE WHEN s.no_geo THEN NULL ELSE m.code END, %[12]d
		FROM gen_s s JOIN gen_mun m ON m.k = s.mk`,
		l.sigBase, l.mission, list(steepCodes), list(allChallenges), list(sourceTypes), l.anchor, list(signalStatuses),
		list(levelCodes), list(actorTypes), list(signalTypes), list(sentiments), batch))
	if err != nil {
		return err
	}
	id := fmt.Sprintf("%d + i", l.sigBase)
	err = l.exec("signal terms", fmt.Sprintf(`
		INSERT INTO signal_term (signal_id, scheme_code, term_code)
		SELECT %[1]s, 'steep', %[2]s[steep + 1] FROM gen_s
		UNION ALL SELECT %[1]s, 'challenge', %[3]s[c0 + 1] FROM gen_s
		UNION ALL SELECT %[1]s, 'challenge', %[3]s[(c0 + 1 + cd) %% 8 + 1] FROM gen_s WHERE two_challenges
		UNION ALL SELECT %[1]s, 'lever', %[4]s[l0 + 1] FROM gen_s
		UNION ALL SELECT %[1]s, 'lever', %[4]s[l1 + 1] FROM gen_s WHERE two_levers
		UNION ALL SELECT %[1]s, 'pillar', %[5]s[p0 + 1] FROM gen_s
		UNION ALL SELECT %[1]s, 'pillar', %[5]s[p1 + 1] FROM gen_s WHERE two_pillars`,
		id, list(steepCodes), list(allChallenges), list(leverCodes), list(pillarCodes)))
	if err != nil {
		return err
	}
	if l.nProjects == 0 {
		return nil
	}
	// 40 % of approved signals inform a project, a tenth of those two.
	return l.exec("signal projects", fmt.Sprintf(`
		INSERT INTO signal_project (signal_id, project_id, relation)
		SELECT DISTINCT %[1]d + i, %[2]d + p, %[3]s[rel + 1] FROM (
			SELECT i, pa AS p, rel FROM gen_s WHERE st = 0 AND ulink < 0.4
			UNION ALL
			SELECT i, pb, rel FROM gen_s WHERE st = 0 AND ulink < 0.04
		)`, l.sigBase, l.projectBase, list(relations)))
}

// cleanup drops the connection's temporary tables and macros.
func (l *sqlLoader) cleanup() error {
	for _, t := range []string{"gen_s", "gen_lead", "gen_p", "gen_ot", "gen_o", "gen_mun"} {
		if err := l.exec("cleanup", "DROP TABLE IF EXISTS temp."+t); err != nil {
			return err
		}
	}
	return l.exec("cleanup", `DROP MACRO IF EXISTS temp.gen_n; DROP MACRO IF EXISTS temp.gen_u; DROP MACRO IF EXISTS temp.gen_h;`)
}

// pick is SQL for a weighted draw: the 0-based index i of w such that u (an
// expression uniform in [0, 1)) falls in the i-th share of the total, as the
// number of cumulative shares at or below u. A sum of comparisons is
// branch-free, several times faster than a CASE in DuckDB; u should be a
// column, not a hash, since it appears once per comparison.
func pick(u string, w weights) string {
	var terms []string
	for _, c := range w.cum[:len(w.cum)-1] {
		terms = append(terms, fmt.Sprintf("(%s >= %s)::INTEGER", u, flt(float64(c)/float64(w.total))))
	}
	if len(terms) == 0 {
		return "0"
	}
	return "(" + strings.Join(terms, " + ") + ")"
}

// lit quotes s as a SQL string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// list is a SQL list literal of strings.
func list(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = lit(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// flt formats x as an exact DOUBLE literal.
func flt(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) + "::DOUBLE" }
