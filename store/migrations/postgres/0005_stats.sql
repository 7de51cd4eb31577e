-- huifang schema 5: the counts the indicators are formed from, kept up to
-- date in the same transaction as every change to a policy, callback or
-- problem case (docs/indicators.md, "How the figures stay fast"). A table
-- adds up these rows instead of scanning the callbacks.

-- New-business callbacks: one row per insurer, month of the deadline and
-- dimension values; the counts are those of indicator.CallbackCounts.
CREATE TABLE stat_callbacks (
    org_id               BIGINT NOT NULL,
    month                TEXT NOT NULL,      -- '2026-03'
    branch_code          TEXT NOT NULL,
    channel              TEXT NOT NULL,
    design               TEXT NOT NULL,
    orphan               SMALLINT NOT NULL,
    aged60               SMALLINT NOT NULL,
    method               TEXT NOT NULL,      -- '' while open
    due                  BIGINT NOT NULL DEFAULT 0,
    successful           BIGINT NOT NULL DEFAULT 0,
    successful_in_period BIGINT NOT NULL DEFAULT 0,
    completed            BIGINT NOT NULL DEFAULT 0,
    problems             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, branch_code, channel, design, orphan, aged60, method)
);

-- Problem cases: "opened" in the month of opening, the rest in the month
-- of the deadline (indicator.CaseCounts).
CREATE TABLE stat_cases (
    org_id         BIGINT NOT NULL,
    month          TEXT NOT NULL,
    branch_code    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    design         TEXT NOT NULL,
    type           TEXT NOT NULL,
    opened         BIGINT NOT NULL DEFAULT 0,
    due            BIGINT NOT NULL DEFAULT 0,
    resolved       BIGINT NOT NULL DEFAULT 0,
    closed         BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    pending        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, branch_code, channel, design, type)
);

-- Overdue cases are counted as of the day a table is made: the open ones
-- past their deadline are found through this index.
CREATE INDEX problem_cases_pending_due ON problem_cases (org_id, due_on) WHERE status NOT IN ('resolved', 'closed');

-- Insurers whose counts are still to be built from their rows: all of them
-- at this migration; huifang builds them right after migrating.
CREATE TABLE stat_rebuild (org_id BIGINT PRIMARY KEY);
INSERT INTO stat_rebuild (org_id) SELECT id FROM orgs WHERE kind = 'insurer';
