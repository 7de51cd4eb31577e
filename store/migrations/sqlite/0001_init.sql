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
    agent_code    TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
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
    case_id       INTEGER NOT NULL DEFAULT 0, -- re-callbacks: the problem case they confirm
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (org_id, policy_no, kind, case_id)
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
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    callback_id   INTEGER NOT NULL DEFAULT 0,
    policy_no     TEXT NOT NULL,
    type          TEXT NOT NULL,
    status        TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    branch_code   TEXT NOT NULL,
    channel       TEXT NOT NULL,
    agent_code    TEXT NOT NULL DEFAULT '',
    opened_at     INTEGER NOT NULL,
    opened_by     INTEGER NOT NULL DEFAULT 0,
    opened_on     TEXT,
    due_on        TEXT,
    limit_days    INTEGER NOT NULL DEFAULT 0,
    limit_working INTEGER NOT NULL DEFAULT 0,
    profile_id    INTEGER NOT NULL DEFAULT 0,
    holder_branch TEXT NOT NULL DEFAULT '',
    handler_id    INTEGER NOT NULL DEFAULT 0,
    recallback_id INTEGER NOT NULL DEFAULT 0,
    actions       INTEGER NOT NULL DEFAULT 0,
    resolved_at   INTEGER NOT NULL DEFAULT 0,
    closed_at     INTEGER NOT NULL DEFAULT 0,
    close_reason  TEXT NOT NULL DEFAULT '',
    escalated_at  INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX problem_cases_org ON problem_cases (org_id, status, opened_at);
CREATE INDEX problem_cases_callback ON problem_cases (callback_id);
CREATE INDEX problem_cases_holder ON problem_cases (org_id, holder_branch, status);
CREATE INDEX problem_cases_due ON problem_cases (org_id, due_on);

-- Each hop of a problem case down the organisation.
CREATE TABLE transfers (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    case_id     INTEGER NOT NULL REFERENCES problem_cases (id),
    from_branch TEXT NOT NULL,
    to_branch   TEXT NOT NULL,
    to_user_id  INTEGER NOT NULL DEFAULT 0,
    due_on      TEXT,
    prior       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'acknowledged', 'returned', 'cancelled')),
    reason      TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    by_user     INTEGER NOT NULL,
    acted_at    INTEGER NOT NULL DEFAULT 0,
    acted_by    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX transfers_case ON transfers (case_id, id);

-- The timeline of a problem case.
CREATE TABLE problem_events (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    case_id     INTEGER NOT NULL REFERENCES problem_cases (id),
    at          INTEGER NOT NULL,
    user_id     INTEGER NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    evidence_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX problem_events_case ON problem_events (case_id, id);

-- Documents uploaded as evidence (signed receipts, re-signed forms).
CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    case_id      INTEGER NOT NULL REFERENCES problem_cases (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL
);
CREATE INDEX evidence_case ON evidence (case_id);

-- In-app notifications: escalations and the daily digest. A dedupe key makes
-- a notification that two processes could both produce arrive once.
CREATE TABLE notifications (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER NOT NULL REFERENCES orgs (id),
    user_id INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL,
    dedupe  TEXT NOT NULL,
    read_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, dedupe)
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Rule profiles: dated versions owned by a regulator (DOMAIN.md §9).
CREATE TABLE profile_versions (
    id             INTEGER PRIMARY KEY,
    regulator_id   INTEGER NOT NULL REFERENCES orgs (id),
    name           TEXT NOT NULL,
    base           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    rules          TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX profile_versions_regulator ON profile_versions (regulator_id, effective_from);

-- Working-day calendars loaded by administrators (the shipped years are
-- embedded in the binary; a year here replaces a shipped one).
CREATE TABLE calendar_years (
    year      INTEGER PRIMARY KEY,
    body      TEXT NOT NULL,
    loaded_at INTEGER NOT NULL,
    loaded_by TEXT NOT NULL
);

-- Callback scripts: every version kept; draft → filed (with the regulator)
-- → active from a date → retired.
CREATE TABLE scripts (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    code         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    design       TEXT NOT NULL DEFAULT '',
    channels     TEXT NOT NULL DEFAULT '', -- comma-separated; empty: any
    product_code TEXT NOT NULL DEFAULT '', -- a per-product override
    status       TEXT NOT NULL CHECK (status IN ('draft', 'filed', 'active', 'retired')),
    active_from  TEXT,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (org_id, code, version)
);
CREATE INDEX scripts_org ON scripts (org_id, status);

-- Call recordings: the audio is in the blob store under storage_key.
CREATE TABLE recordings (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    callback_id  INTEGER NOT NULL REFERENCES callbacks (id),
    storage_key  TEXT NOT NULL UNIQUE,
    format       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    retain_until TEXT, -- NULL: kept while the contract runs (whole life)
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL,
    source       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX recordings_callback ON recordings (org_id, callback_id);

-- Background jobs: one row each; a process runs a job only after taking its
-- lock, so two servers on one database run each job once.
CREATE TABLE jobs (
    name         TEXT PRIMARY KEY,
    next_run     INTEGER NOT NULL DEFAULT 0,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_run     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);

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
