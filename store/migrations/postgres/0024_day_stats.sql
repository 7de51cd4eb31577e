-- huifang schema 24: the callbacks' counts by the day of the deadline, kept
-- like stat_callbacks in the same transaction as every change (docs/
-- indicators.md, "How the figures stay fast"). A period still running
-- counts its running month's callbacks due so far; the monthly counts
-- cannot tell them apart, and reading them from their rows took a second
-- and more at a million policies a year. Orphan-policy callbacks are not
-- in them (a running month counts them whole). The key carries the
-- dimensions of stat_callbacks but the month, which the day gives.
CREATE TABLE stat_day_callbacks (
    org_id               BIGINT NOT NULL,
    due_on               TEXT NOT NULL,      -- '2026-03-09'
    branch_code          TEXT NOT NULL,
    channel              TEXT NOT NULL,
    design               TEXT NOT NULL,
    aged60               INTEGER NOT NULL,
    method               TEXT NOT NULL,
    due                  BIGINT NOT NULL DEFAULT 0,
    successful           BIGINT NOT NULL DEFAULT 0,
    successful_in_period BIGINT NOT NULL DEFAULT 0,
    completed            BIGINT NOT NULL DEFAULT 0,
    problems             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, due_on, branch_code, channel, design, aged60, method)
);

-- Every insurer's counts are rebuilt from its rows right after migrating,
-- which fills the new table for the data already there.
INSERT INTO stat_rebuild (org_id) SELECT id FROM orgs WHERE kind = 'insurer' AND id NOT IN (SELECT org_id FROM stat_rebuild);
