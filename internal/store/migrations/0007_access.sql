-- 0007_access: who may do what, and the record of everything they did
-- (issue 6). No foreign keys: DuckDB turns an UPDATE of a referenced row
-- into a delete and insert that its constraint check refuses.

CREATE SEQUENCE user_id_seq;
CREATE TABLE app_user (
    id            BIGINT PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username      VARCHAR NOT NULL UNIQUE,  -- lower case
    password_hash VARCHAR NOT NULL,         -- argon2id, PHC string
    disabled      BOOLEAN NOT NULL DEFAULT false,
    failed_logins INTEGER NOT NULL DEFAULT 0, -- consecutive, reset on success
    locked_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);

-- A user's role on one mission (by slug), or on every mission ('*').
-- Admin on '*' is the instance administrator: users and tokens. A user's
-- grants are replaced as a whole (delete, insert) in one transaction, which
-- a primary key here would refuse; Store.SetGrants keeps them unique.
CREATE TABLE user_role (
    user_id BIGINT NOT NULL,
    mission VARCHAR NOT NULL,
    role    VARCHAR NOT NULL                -- viewer | leader | analyst | admin
);

-- Browser sessions. Only the SHA-256 of the cookie is stored, so a copy of
-- the database opens no session.
CREATE TABLE user_session (
    id_hash    VARCHAR PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    csrf       VARCHAR NOT NULL,            -- the session's anti-CSRF token
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- API tokens for scripts and kiosk screens: a role on one mission or '*'.
CREATE SEQUENCE api_token_id_seq;
CREATE TABLE api_token (
    id           BIGINT PRIMARY KEY DEFAULT nextval('api_token_id_seq'),
    name         VARCHAR NOT NULL,
    hash         VARCHAR NOT NULL UNIQUE,   -- SHA-256 of the token
    role         VARCHAR NOT NULL,
    mission      VARCHAR NOT NULL,          -- slug or '*'
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   VARCHAR NOT NULL,
    revoked_at   TIMESTAMPTZ
);

-- Guest links: read-only access to one snapshot of one mission until
-- expires_at. The link carries an HMAC signature over id and expiry (see
-- internal/auth); the row is what revocation and the use count need.
CREATE SEQUENCE guest_link_id_seq;
CREATE TABLE guest_link (
    id          BIGINT PRIMARY KEY DEFAULT nextval('guest_link_id_seq'),
    mission     VARCHAR NOT NULL,
    snapshot_id BIGINT NOT NULL,
    label       VARCHAR NOT NULL DEFAULT '',
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);

-- Keys the instance generates once: the HMAC key of guest links.
CREATE TABLE instance_secret (
    name  VARCHAR PRIMARY KEY,
    value BLOB NOT NULL
);

-- The audit log: one row per change, written in the transaction of the
-- change. Nothing in Begira updates or deletes it; no route writes to it.
CREATE SEQUENCE audit_id_seq;
CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    at_time     TIMESTAMPTZ NOT NULL,
    actor       VARCHAR NOT NULL,           -- user:NAME | token:ID (NAME) | guest:ID | schedule:JOB | cli | system
    action      VARCHAR NOT NULL,           -- e.g. import.commit, decision.create, user.create
    mission     VARCHAR NOT NULL DEFAULT '',
    target      VARCHAR NOT NULL DEFAULT '', -- e.g. import:12, snapshot:3, user:alice
    before_json VARCHAR NOT NULL DEFAULT '',
    after_json  VARCHAR NOT NULL DEFAULT ''
);
