-- huifang schema 15: the regulator's spot checks (抽查, DOMAIN.md §8,
-- docs/spot-checks.md).

-- A sample records everything its draw used (period, companies, rate, minimum,
-- seed) so that drawing again with them gives the same items. seed is the
-- unsigned 64-bit seed in decimal: it does not fit a signed BIGINT.
CREATE TABLE spot_checks (
    id           INTEGER PRIMARY KEY,
    regulator_id INTEGER NOT NULL REFERENCES orgs (id),
    period       TEXT NOT NULL,
    companies    TEXT NOT NULL,
    rate_bp      INTEGER NOT NULL,
    min_size     INTEGER NOT NULL,
    seed         TEXT NOT NULL,
    population   INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    drawn_by     TEXT NOT NULL,
    drawn_by_id  INTEGER NOT NULL DEFAULT 0,
    drawn_at     INTEGER NOT NULL
);
CREATE INDEX spot_checks_regulator ON spot_checks (regulator_id, id);

-- One row per sampled callback, with what the stratification saw at the
-- draw, and the verdict (recorded once) with the problem case it opened.
CREATE TABLE spot_check_items (
    id            INTEGER PRIMARY KEY,
    spot_check_id INTEGER NOT NULL REFERENCES spot_checks (id),
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    callback_id   INTEGER NOT NULL REFERENCES callbacks (id),
    policy_no     TEXT NOT NULL,
    channel_class TEXT NOT NULL CHECK (channel_class IN ('agency', 'bancassurance', 'other')),
    product_class TEXT NOT NULL CHECK (product_class IN ('participating', 'universal', 'investment-linked', 'other')),
    had_problem   INTEGER NOT NULL DEFAULT 0,
    assignee_id   INTEGER NOT NULL DEFAULT 0,
    verdict       TEXT NOT NULL DEFAULT '' CHECK (verdict IN ('', 'consistent', 'inconsistent', 'not-policyholder', 'script-not-followed')),
    note          TEXT NOT NULL DEFAULT '',
    verdict_by    TEXT NOT NULL DEFAULT '',
    verdict_by_id INTEGER NOT NULL DEFAULT 0,
    verdict_at    INTEGER NOT NULL DEFAULT 0,
    case_id       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (spot_check_id, callback_id)
);
CREATE INDEX spot_check_items_check ON spot_check_items (spot_check_id, org_id, verdict);
CREATE INDEX spot_check_items_org ON spot_check_items (org_id, verdict);
CREATE INDEX spot_check_items_callback ON spot_check_items (org_id, callback_id);
