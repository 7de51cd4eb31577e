-- huifang schema 1 (SQLite). Timestamps are Unix milliseconds (UTC); dates are
-- YYYY-MM-DD text. PostgreSQL has the same tables in postgres/0001_init.sql.

CREATE TABLE orgs (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('regulator', 'insurer')),
    regulator_id     INTEGER REFERENCES orgs (id),
    pre_underwriting INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    branch_code   TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL -- 0: never (API tokens)
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE branches (
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_code TEXT NOT NULL DEFAULT '',
    level       INTEGER NOT NULL,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE products (
    org_id             INTEGER NOT NULL REFERENCES orgs (id),
    code               TEXT NOT NULL,
    name               TEXT NOT NULL,
    design             TEXT NOT NULL,
    term_years         INTEGER NOT NULL,
    whole_life         INTEGER NOT NULL,
    guaranteed_renewal INTEGER NOT NULL,
    cooling_off_days   INTEGER NOT NULL,
    pre_underwriting   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE agents (
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone_enc   TEXT NOT NULL,
    phone_hash  TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    reg_no      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    PRIMARY KEY (org_id, code)
);
CREATE INDEX agents_phone ON agents (org_id, phone_hash);

CREATE TABLE outlets (
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    bank        TEXT NOT NULL DEFAULT '',
    branch_code TEXT NOT NULL,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE policies (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs (id),
    policy_no         TEXT NOT NULL,
    product_code      TEXT NOT NULL,
    channel           TEXT NOT NULL,
    branch_code       TEXT NOT NULL,
    agent_code        TEXT NOT NULL DEFAULT '',
    outlet_code       TEXT NOT NULL DEFAULT '',
    holder_name       TEXT NOT NULL,
    holder_id_enc     TEXT NOT NULL,
    holder_id_hash    TEXT NOT NULL,
    holder_birth      TEXT,
    holder_phone_enc  TEXT NOT NULL,
    holder_phone_hash TEXT NOT NULL,
    insured_name      TEXT NOT NULL,
    applied_on        TEXT,
    issued_on         TEXT,
    receipt_on        TEXT,
    premium_fen       INTEGER NOT NULL,
    pay_mode          TEXT NOT NULL,
    pay_years         INTEGER NOT NULL,
    term_years        INTEGER NOT NULL,
    whole_life        INTEGER NOT NULL,
    row_hash          TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (org_id, policy_no)
);
CREATE INDEX policies_phone ON policies (org_id, holder_phone_hash);

CREATE TABLE callbacks (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    policy_no     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    channel       TEXT NOT NULL,
    branch_code   TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    status        TEXT NOT NULL,
    result        TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    late          INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL DEFAULT 0,
    lease_user_id INTEGER NOT NULL DEFAULT 0,
    lease_until   INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    finished_at   INTEGER NOT NULL DEFAULT 0,
    finished_by   INTEGER NOT NULL DEFAULT 0,
    answers       TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (org_id, policy_no, kind)
);
-- The pool: open callbacks, most urgent first.
CREATE INDEX callbacks_pool ON callbacks (org_id, due_on, id) WHERE status = 'open';
CREATE INDEX callbacks_scheduled ON callbacks (org_id, next_at) WHERE status = 'scheduled';
CREATE INDEX callbacks_lease ON callbacks (org_id, lease_user_id) WHERE lease_user_id <> 0;
CREATE INDEX callbacks_due ON callbacks (org_id, due_on);

CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    callback_id INTEGER NOT NULL REFERENCES callbacks (id),
    user_id     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    schedule_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attempts_callback ON attempts (callback_id);

CREATE TABLE problem_cases (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    callback_id INTEGER NOT NULL DEFAULT 0,
    policy_no   TEXT NOT NULL,
    type        TEXT NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    branch_code TEXT NOT NULL,
    channel     TEXT NOT NULL,
    opened_at   INTEGER NOT NULL,
    opened_by   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX problem_cases_org ON problem_cases (org_id, status, opened_at);
CREATE INDEX problem_cases_callback ON problem_cases (callback_id);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    user_id    INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit (org_id, entity, entity_key);
CREATE INDEX audit_at ON audit (org_id, at);

-- The audit trail is append-only.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
