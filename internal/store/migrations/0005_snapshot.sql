-- 0005_snapshot: frozen snapshots for steering committees, and the decisions
-- taken on them (DOMAIN.md §2).
--
-- A snapshot is written once, in one transaction (Store.TakeSnapshot), and
-- never updated or deleted. Besides these rows it owns a DuckDB schema
-- snap_<id> holding copies of the mission's portfolio tables as they were;
-- a store "as of" the snapshot reads them through the search path.

CREATE SEQUENCE snapshot_id_seq;
CREATE TABLE snapshot (
    id            BIGINT PRIMARY KEY DEFAULT nextval('snapshot_id_seq'),
    mission_id    BIGINT NOT NULL,
    taken_at      TIMESTAMPTZ NOT NULL,    -- UTC
    trigger       VARCHAR NOT NULL,        -- schedule | manual
    label         VARCHAR NOT NULL DEFAULT '',
    taxonomy_hash VARCHAR NOT NULL,        -- sha256 of the mission's schemes and terms (JSON)
    data_hash     VARCHAR NOT NULL,        -- sha256 of the sorted project states (snapshot_project)
    batch_ids     BIGINT[] NOT NULL,       -- committed import batches of the mission behind the data
    projects      BIGINT NOT NULL,         -- rows frozen: every project of the mission, any status
    organisations BIGINT NOT NULL,
    signals       BIGINT NOT NULL,
    metrics       BIGINT NOT NULL          -- rows of snapshot_metric
);

-- Every figure of the catalogue at taken_at, in catalogue order (ord), over
-- the default scope and parameters. dims is a JSON object with sorted keys.
CREATE TABLE snapshot_metric (
    snapshot_id BIGINT NOT NULL,
    ord         INTEGER NOT NULL,
    metric_code VARCHAR NOT NULL,
    dims        VARCHAR NOT NULL,
    value       DOUBLE,
    n           BIGINT NOT NULL
);

-- The state of every project of the mission (any status) at taken_at.
CREATE TABLE snapshot_project (
    snapshot_id      BIGINT NOT NULL,
    project_id       BIGINT NOT NULL,
    ext_ref          VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,
    stage            VARCHAR,              -- term of scheme stage
    status           VARCHAR NOT NULL,
    level            VARCHAR,              -- term of scheme level
    budget_total_eur DOUBLE,
    geo_code         VARCHAR
);

-- The organisations taking part in the projects in scope (planned, active)
-- at taken_at, by normalised name: metric C14 (new entrants) compares them
-- with those of earlier snapshots.
CREATE TABLE snapshot_org (
    snapshot_id BIGINT NOT NULL,
    org_id      BIGINT NOT NULL,
    name_key    VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    actor_type  VARCHAR,
    projects    BIGINT NOT NULL            -- projects in scope it takes part in
);

-- A committee decision, recorded against the snapshot it was taken on.
-- scope: mission | project (ref = ext_ref) | cell (ref = "a/b" terms of the
-- coverage matrix). Its status moves on; every move is a decision_update.
CREATE SEQUENCE decision_id_seq;
CREATE TABLE decision (
    id          BIGINT PRIMARY KEY DEFAULT nextval('decision_id_seq'),
    mission_id  BIGINT NOT NULL,
    snapshot_id BIGINT NOT NULL,
    scope       VARCHAR NOT NULL,          -- mission | project | cell
    ref         VARCHAR NOT NULL DEFAULT '',
    type        VARCHAR NOT NULL,          -- keep | leave_behind | do_differently | connect | scale | start_new | stop
    rationale   VARCHAR NOT NULL,
    owner       VARCHAR NOT NULL DEFAULT '',
    due_date    DATE,
    status      VARCHAR NOT NULL,          -- open | in_progress | done | dropped
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- The status history of decisions, the creation included.
CREATE TABLE decision_update (
    decision_id BIGINT NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL,      -- "at" is reserved in DuckDB
    status      VARCHAR NOT NULL,
    note        VARCHAR NOT NULL DEFAULT ''
);
