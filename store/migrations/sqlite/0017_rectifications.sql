-- huifang schema 17: rectification notices (整改通知, docs/rectification.md).

-- A supervisor of the regulator sends one of its companies a notice: a
-- subject, the requirements and a due date. The company answers; the
-- supervisor closes it or returns it for another answer (open again).
-- answer and comment hold the latest of each; every step is a row of
-- rectification_events, and a line of the audit trail.
CREATE TABLE rectifications (
    id           INTEGER PRIMARY KEY,
    regulator_id INTEGER NOT NULL REFERENCES orgs (id),
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    answer       TEXT NOT NULL DEFAULT '',
    comment      TEXT NOT NULL DEFAULT '',
    returns      INTEGER NOT NULL DEFAULT 0,
    sent_at      INTEGER NOT NULL,
    sent_by      TEXT NOT NULL,
    sent_by_id   INTEGER NOT NULL DEFAULT 0,
    answered_at  INTEGER NOT NULL DEFAULT 0,
    answered_by  TEXT NOT NULL DEFAULT '',
    closed_at    INTEGER NOT NULL DEFAULT 0,
    closed_by    TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);
CREATE INDEX rectifications_org ON rectifications (org_id, status, due_on);
CREATE INDEX rectifications_regulator ON rectifications (regulator_id, status, due_on);

CREATE TABLE rectification_events (
    id        INTEGER PRIMARY KEY,
    notice_id INTEGER NOT NULL REFERENCES rectifications (id),
    kind      TEXT NOT NULL CHECK (kind IN ('sent', 'answered', 'returned', 'closed')),
    text      TEXT NOT NULL DEFAULT '',
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL
);
CREATE INDEX rectification_events_notice ON rectification_events (notice_id, id);
