-- huifang schema 10: policy imports as jobs whose progress is stored.
-- A checked file is written in chunks that commit separately; each chunk
-- adds its rows to its job in the same transaction, so rows_written is what
-- is committed. state: running, done, interrupted (the process stopped or
-- died; importing the same file again resumes it), failed.
CREATE TABLE import_jobs (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    file_hash    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'interrupted', 'failed')),
    rows_total   INTEGER NOT NULL,
    rows_written INTEGER NOT NULL DEFAULT 0,
    chunks       INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    callbacks    INTEGER NOT NULL DEFAULT 0,
    user_id      INTEGER NOT NULL DEFAULT 0,
    actor        TEXT NOT NULL,
    owner        TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    finished_at  INTEGER NOT NULL DEFAULT 0,
    message      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_jobs_org ON import_jobs (org_id, started_at);
CREATE INDEX import_jobs_file ON import_jobs (org_id, kind, file_hash);
