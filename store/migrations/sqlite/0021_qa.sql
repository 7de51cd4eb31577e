-- huifang schema 21: QA scoring of calls (质检, docs/qa.md).

-- One evaluation of one finished call: queued by the weekly draw, a rule's
-- flag or a calibration request, then scored by QA, appealed once by the
-- operator and decided by QA. A calibration is a second evaluation of the
-- same call, pair_id naming the first; a call has one first evaluation and
-- at most one calibration of it. items is the answered form as JSON.
CREATE TABLE qa_evaluations (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    callback_id   INTEGER NOT NULL REFERENCES callbacks (id),
    operator_id   INTEGER NOT NULL,
    week          TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('random', 'flag-no-as-success', 'flag-short-call', 'flag-complaint', 'calibration')),
    pair_id       INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'evaluated', 'appealed', 'upheld', 'rejected')),
    evaluator_id  INTEGER NOT NULL DEFAULT 0,
    evaluator     TEXT NOT NULL DEFAULT '',
    items         TEXT NOT NULL DEFAULT '',
    score         INTEGER NOT NULL DEFAULT 0,
    critical_fail INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    evaluated_at  INTEGER NOT NULL DEFAULT 0,
    appeal        TEXT NOT NULL DEFAULT '',
    appealed_at   INTEGER NOT NULL DEFAULT 0,
    decision_note TEXT NOT NULL DEFAULT '',
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (org_id, callback_id, pair_id)
);
CREATE INDEX qa_evaluations_status ON qa_evaluations (org_id, status, id);
CREATE INDEX qa_evaluations_operator ON qa_evaluations (org_id, operator_id, id);

-- The draw and the figures read an organisation's finished calls and
-- attempts of a period.
CREATE INDEX callbacks_finished ON callbacks (org_id, finished_at) WHERE status = 'done';
CREATE INDEX attempts_org_at ON attempts (org_id, at);
