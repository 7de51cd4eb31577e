-- huifang schema 26: the counts of stat_callbacks and stat_cases added up
-- over the branches, kept in the same transaction as every change (docs/
-- indicators.md, "How the figures stay fast"). A table of the whole
-- company (the dashboard's, the regulator's per company) read them summed
-- over a hundred branches on every request, a sort of tens of thousands of
-- rows at a million policies a year; these are a few hundred a year.
CREATE TABLE stat_company_callbacks (
    org_id               BIGINT NOT NULL,
    month                TEXT NOT NULL,
    channel              TEXT NOT NULL,
    design               TEXT NOT NULL,
    orphan               INTEGER NOT NULL,
    aged60               INTEGER NOT NULL,
    method               TEXT NOT NULL,
    due                  BIGINT NOT NULL DEFAULT 0,
    successful           BIGINT NOT NULL DEFAULT 0,
    successful_in_period BIGINT NOT NULL DEFAULT 0,
    completed            BIGINT NOT NULL DEFAULT 0,
    problems             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, channel, design, orphan, aged60, method)
) WITHOUT ROWID;

CREATE TABLE stat_company_cases (
    org_id         BIGINT NOT NULL,
    month          TEXT NOT NULL,
    channel        TEXT NOT NULL,
    design         TEXT NOT NULL,
    type           TEXT NOT NULL,
    opened         BIGINT NOT NULL DEFAULT 0,
    due            BIGINT NOT NULL DEFAULT 0,
    resolved       BIGINT NOT NULL DEFAULT 0,
    closed         BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    pending        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, channel, design, type)
) WITHOUT ROWID;

-- Filled from the counts by branch already there, in one statement each.
INSERT INTO stat_company_callbacks (org_id, month, channel, design, orphan, aged60, method, due, successful, successful_in_period, completed, problems)
SELECT org_id, month, channel, design, orphan, aged60, method, SUM(due), SUM(successful), SUM(successful_in_period), SUM(completed), SUM(problems)
    FROM stat_callbacks GROUP BY org_id, month, channel, design, orphan, aged60, method;
INSERT INTO stat_company_cases (org_id, month, channel, design, type, opened, due, resolved, closed, closed_on_time, pending)
SELECT org_id, month, channel, design, type, SUM(opened), SUM(due), SUM(resolved), SUM(closed), SUM(closed_on_time), SUM(pending)
    FROM stat_cases GROUP BY org_id, month, channel, design, type;
