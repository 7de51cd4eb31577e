-- huifang schema 23: the counts of the drill-down by seller (the agent, or
-- the bank outlet for bancassurance), kept like stat_callbacks and
-- stat_cases in the same transaction as every change to a policy, callback
-- or problem case (docs/indicators.md, "How the figures stay fast"). They
-- carry the dimensions the drill-down narrows by (branch, channel, design
-- type) and no others, so a year of a province's sellers is a few hundred
-- thousand rows at most.

-- Callbacks owed to a policy, by the month of the deadline and the seller;
-- the counts are those of indicator.CallbackCounts.
CREATE TABLE stat_seller_callbacks (
    org_id               BIGINT NOT NULL,
    month                TEXT NOT NULL,      -- '2026-03'
    seller               TEXT NOT NULL,      -- the outlet code, else the agent code ('' for neither)
    branch_code          TEXT NOT NULL,
    channel              TEXT NOT NULL,
    design               TEXT NOT NULL,
    orphan               SMALLINT NOT NULL,
    due                  BIGINT NOT NULL DEFAULT 0,
    successful           BIGINT NOT NULL DEFAULT 0,
    successful_in_period BIGINT NOT NULL DEFAULT 0,
    completed            BIGINT NOT NULL DEFAULT 0,
    problems             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, seller, branch_code, channel, design, orphan)
);

-- Problem cases by seller: "opened" in the month of opening, the rest in
-- the month of the deadline (indicator.CaseCounts).
CREATE TABLE stat_seller_cases (
    org_id         BIGINT NOT NULL,
    month          TEXT NOT NULL,
    seller         TEXT NOT NULL,
    branch_code    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    design         TEXT NOT NULL,
    opened         BIGINT NOT NULL DEFAULT 0,
    due            BIGINT NOT NULL DEFAULT 0,
    resolved       BIGINT NOT NULL DEFAULT 0,
    closed         BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    pending        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, seller, branch_code, channel, design)
);

-- Every insurer's counts are rebuilt from its rows right after migrating,
-- which fills the new tables for the data already there.
INSERT INTO stat_rebuild (org_id) SELECT id FROM orgs WHERE kind = 'insurer' AND id NOT IN (SELECT org_id FROM stat_rebuild);
