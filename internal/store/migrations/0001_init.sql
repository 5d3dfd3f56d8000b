-- 0001_init: the portfolio schema of DOMAIN.md §2.
-- Large tables (project, signal and their link tables) carry no indexes or
-- constraints on purpose: DuckDB scans are fast and ART indexes slow bulk
-- loads; the ingest pipeline enforces ext_ref uniqueness per mission.

CREATE SEQUENCE mission_id_seq;
CREATE TABLE mission (
    id          BIGINT PRIMARY KEY DEFAULT nextval('mission_id_seq'),
    slug        VARCHAR NOT NULL UNIQUE,
    title_en    VARCHAR NOT NULL,
    title_es    VARCHAR NOT NULL DEFAULT '',
    title_eu    VARCHAR NOT NULL DEFAULT '',
    statement   VARCHAR NOT NULL DEFAULT '',
    timezone    VARCHAR NOT NULL DEFAULT 'Europe/Madrid',
    document    VARCHAR NOT NULL,          -- the applied mission document, as JSON
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE scheme (
    mission_id  BIGINT NOT NULL,
    code        VARCHAR NOT NULL,
    label_en    VARCHAR NOT NULL,
    label_es    VARCHAR NOT NULL DEFAULT '',
    label_eu    VARCHAR NOT NULL DEFAULT '',
    cardinality VARCHAR NOT NULL,          -- single | multi
    ordered     BOOLEAN NOT NULL DEFAULT false,
    applies_to  VARCHAR[] NOT NULL,        -- project | signal | organisation
    position    INTEGER NOT NULL,
    PRIMARY KEY (mission_id, code)
);

CREATE TABLE term (
    mission_id  BIGINT NOT NULL,
    scheme_code VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    parent_code VARCHAR,
    label_en    VARCHAR NOT NULL,
    label_es    VARCHAR NOT NULL DEFAULT '',
    label_eu    VARCHAR NOT NULL DEFAULT '',
    ordinal     INTEGER,
    active      BOOLEAN NOT NULL DEFAULT true,
    position    INTEGER NOT NULL,
    PRIMARY KEY (mission_id, scheme_code, code)
);

CREATE TABLE geo_area (
    code            VARCHAR PRIMARY KEY,   -- INE 5-character string for municipalities
    name_eu         VARCHAR NOT NULL,
    name_es         VARCHAR NOT NULL,
    level           VARCHAR NOT NULL,      -- municipality | comarca | province
    parent_code     VARCHAR,
    population      BIGINT,
    population_year INTEGER,
    lat             DOUBLE,
    lon             DOUBLE
);

CREATE SEQUENCE source_id_seq;
CREATE TABLE source (
    id             BIGINT PRIMARY KEY DEFAULT nextval('source_id_seq'),
    mission_id     BIGINT NOT NULL,
    slug           VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    default_level  VARCHAR,
    column_mapping VARCHAR,                -- JSON object header -> field
    pull_url       VARCHAR,
    pull_schedule  VARCHAR,
    UNIQUE (mission_id, slug)
);

CREATE SEQUENCE import_batch_id_seq;
CREATE TABLE import_batch (
    id            BIGINT PRIMARY KEY DEFAULT nextval('import_batch_id_seq'),
    mission_id    BIGINT NOT NULL,
    source_id     BIGINT,
    kind          VARCHAR NOT NULL,        -- projects | organisations | signals
    filename      VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    mode          VARCHAR NOT NULL,        -- append | replace | upsert
    dialect       VARCHAR NOT NULL,        -- JSON
    columns       VARCHAR NOT NULL DEFAULT '[]', -- JSON [{header, field}]
    status        VARCHAR NOT NULL,        -- previewed | committed | rolled_back | failed
    rows_total    BIGINT NOT NULL DEFAULT 0,
    rows_ok       BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    created_by    VARCHAR NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    committed_at  TIMESTAMPTZ
);

CREATE TABLE import_reject (
    batch_id    BIGINT NOT NULL,
    line        BIGINT NOT NULL,           -- 1-based, header line included
    column_name VARCHAR NOT NULL,
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);

CREATE SEQUENCE organisation_id_seq;
CREATE TABLE organisation (
    id           BIGINT PRIMARY KEY DEFAULT nextval('organisation_id_seq'),
    mission_id   BIGINT NOT NULL,
    ext_ref      VARCHAR,
    name         VARCHAR NOT NULL,
    name_key     VARCHAR NOT NULL,         -- normalised name: matching ignores case, accents and spacing
    actor_type   VARCHAR,
    size_class   VARCHAR,
    founded_year INTEGER,
    geo_code     VARCHAR,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    batch_id     BIGINT
);

CREATE SEQUENCE project_id_seq;
CREATE TABLE project (
    id                 BIGINT NOT NULL DEFAULT nextval('project_id_seq'),
    mission_id         BIGINT NOT NULL,
    ext_ref            VARCHAR NOT NULL,
    title              VARCHAR NOT NULL,
    summary            VARCHAR,
    status             VARCHAR NOT NULL,
    lead_org_id        BIGINT,
    budget_total_eur   DOUBLE,
    public_funding_eur DOUBLE,
    funding_instrument VARCHAR,
    start_date         DATE,
    end_date           DATE,
    stage_entered_at   DATE,
    geo_code           VARCHAR,
    lat                DOUBLE,
    lon                DOUBLE,
    directionality     SMALLINT,
    uncertainty        SMALLINT,
    leverage_layer     SMALLINT,
    follow_on_of       VARCHAR,
    intent             VARCHAR,
    updated_at         DATE,
    source_id          BIGINT,
    batch_id           BIGINT NOT NULL
);

-- Every classification of a project, level and stage included.
CREATE TABLE project_term (
    project_id  BIGINT NOT NULL,
    scheme_code VARCHAR NOT NULL,
    term_code   VARCHAR NOT NULL,
    is_primary  BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE project_org (
    project_id BIGINT NOT NULL,
    org_id     BIGINT NOT NULL,
    role       VARCHAR NOT NULL            -- lead | partner | funder | beneficiary | community_host
);

CREATE SEQUENCE signal_id_seq;
CREATE TABLE signal (
    id                  BIGINT NOT NULL DEFAULT nextval('signal_id_seq'),
    mission_id          BIGINT NOT NULL,
    ext_ref             VARCHAR NOT NULL,
    headline            VARCHAR NOT NULL,
    description         VARCHAR,
    url                 VARCHAR,
    source_type         VARCHAR,
    observed_at         DATE,
    captured_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    status              VARCHAR NOT NULL,
    novelty             SMALLINT,
    level_observed      VARCHAR,
    observer_actor_type VARCHAR,
    signal_type         VARCHAR,
    sentiment           VARCHAR,
    persistence_days    INTEGER,
    geo_code            VARCHAR,
    batch_id            BIGINT NOT NULL
);

CREATE TABLE signal_term (
    signal_id   BIGINT NOT NULL,
    scheme_code VARCHAR NOT NULL,
    term_code   VARCHAR NOT NULL
);

CREATE TABLE signal_project (
    signal_id  BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    relation   VARCHAR NOT NULL            -- informs | addressed_by | challenges
);

-- Staging tables of imports in progress live apart from the portfolio.
CREATE SCHEMA staging;

-- begira_key normalises a label or header for matching: case and accents
-- are ignored and any run of other characters becomes one '_'. It mirrors
-- ingest.key in Go.
CREATE MACRO begira_key(x) AS
    trim(regexp_replace(lower(strip_accents(trim(x))), '[^a-z0-9]+', '_', 'g'), '_');

-- begira_name_key normalises an organisation name: case, accents and
-- spacing never make two organisations.
CREATE MACRO begira_name_key(x) AS
    regexp_replace(lower(strip_accents(trim(x))), '\s+', ' ', 'g');

-- begira_scope is the set P of DOMAIN.md §5: a mission's projects filtered by
-- status and by the scope filters of every page and API call. An empty list
-- means "no filter"; statuses default to planned and active in the callers.
-- Example: SELECT count(*) FROM begira_scope(1, ['active'], [], [], [], [], [], [], NULL, NULL);
CREATE MACRO begira_scope(mission, statuses, levels, pillars, challenges, levers, stages, comarcas, date_from, date_to) AS TABLE
    SELECT p.*
    FROM project p
    WHERE p.mission_id = mission
      AND (len(statuses) = 0 OR list_contains(statuses, p.status))
      AND (len(levels) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE scheme_code = 'level' AND list_contains(levels, term_code)))
      AND (len(pillars) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE scheme_code = 'pillar' AND list_contains(pillars, term_code)))
      AND (len(challenges) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE scheme_code = 'challenge' AND list_contains(challenges, term_code)))
      AND (len(levers) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE scheme_code = 'lever' AND list_contains(levers, term_code)))
      AND (len(stages) = 0 OR p.id IN (SELECT project_id FROM project_term WHERE scheme_code = 'stage' AND list_contains(stages, term_code)))
      AND (len(comarcas) = 0 OR p.geo_code IN (SELECT code FROM geo_area WHERE level = 'municipality' AND list_contains(comarcas, parent_code)))
      AND (date_from IS NULL OR coalesce(p.end_date, DATE '9999-12-31') >= date_from)
      AND (date_to IS NULL OR coalesce(p.start_date, DATE '0001-01-01') < date_to);
