-- huifang schema 6: statistics tables submitted to the regulator
-- (DOMAIN.md §8, docs/submissions.md).

-- One row per submitted version of a company's table for a period. The
-- content is the table frozen at submission (the JSON of the statistics API,
-- canonical) and content_hash its SHA-256 in hex; neither ever changes. The
-- current version of a period is its highest; a correction adds the next
-- one with its reason. status: submitted, returned, accepted.
CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    period         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'year')),
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('submitted', 'returned', 'accepted')),
    source         TEXT NOT NULL CHECK (source IN ('generated', 'upload')),
    content        TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    due_on         TEXT NOT NULL,
    late           INTEGER NOT NULL DEFAULT 0,
    submitted_at   INTEGER NOT NULL,
    submitted_by   TEXT NOT NULL,
    review_comment TEXT NOT NULL DEFAULT '',
    reviewed_at    INTEGER NOT NULL DEFAULT 0,
    reviewed_by    TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, period, version)
);
