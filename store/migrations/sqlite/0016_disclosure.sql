-- huifang schema 16: the regulator's quarterly public disclosure (信息披露,
-- DOMAIN.md §8, docs/disclosure.md).

-- One row per published quarter of a regulator: published once (the unique
-- key refuses a second), never changed. indicators: the indicator IDs shown,
-- comma-separated, in order.
CREATE TABLE disclosures (
    id           INTEGER PRIMARY KEY,
    regulator_id INTEGER NOT NULL REFERENCES orgs (id),
    period       TEXT NOT NULL,
    indicators   TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    UNIQUE (regulator_id, period)
);

-- One row per company of a published quarter, its figures frozen as values
-- (figures: JSON [{"indicator", "num", "den"}]), never recomputed. source:
-- the accepted statistics table (submission_id, submission_version) or the
-- live table of the day of publication.
CREATE TABLE disclosure_rows (
    id                 INTEGER PRIMARY KEY,
    disclosure_id      INTEGER NOT NULL REFERENCES disclosures (id),
    org_id             INTEGER NOT NULL REFERENCES orgs (id),
    org_code           TEXT NOT NULL,
    org_name           TEXT NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('submission', 'live')),
    submission_id      INTEGER NOT NULL DEFAULT 0,
    submission_version INTEGER NOT NULL DEFAULT 0,
    figures            TEXT NOT NULL,
    double_hundred     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (disclosure_id, org_id)
);
CREATE INDEX disclosure_rows_org ON disclosure_rows (org_id, disclosure_id);

-- Errata of a published quarter: a note on a company's row, optionally a
-- corrected figure of one indicator. Only ever added.
CREATE TABLE disclosure_errata (
    id            INTEGER PRIMARY KEY,
    disclosure_id INTEGER NOT NULL REFERENCES disclosures (id),
    row_id        INTEGER NOT NULL REFERENCES disclosure_rows (id),
    indicator     TEXT NOT NULL DEFAULT '',
    corrected     INTEGER NOT NULL DEFAULT 0,
    num           INTEGER NOT NULL DEFAULT 0,
    den           INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL,
    added_at      INTEGER NOT NULL,
    by_login      TEXT NOT NULL
);
CREATE INDEX disclosure_errata_disclosure ON disclosure_errata (disclosure_id, id);

-- Published figures and errata never change.
CREATE TRIGGER disclosures_frozen BEFORE UPDATE ON disclosures
BEGIN SELECT RAISE(ABORT, 'published disclosures are frozen'); END;
CREATE TRIGGER disclosure_rows_frozen BEFORE UPDATE ON disclosure_rows
BEGIN SELECT RAISE(ABORT, 'published disclosures are frozen'); END;
CREATE TRIGGER disclosure_errata_frozen BEFORE UPDATE ON disclosure_errata
BEGIN SELECT RAISE(ABORT, 'published disclosures are frozen'); END;
