-- huifang schema 12: agents' misconduct records (营销员不良行为记录,
-- DOMAIN.md §6, docs/misconduct.md).

-- One row per closed problem case attributable to the selling agent
-- (signed by another, false phone number, misleading sale): proposed when
-- the case closes, then confirmed (with a category and a reason) or rejected
-- (with a reason) by the insurer's compliance, once. reg_no is the agent's
-- 执业证号 at the proposal, so that a regulator finds an agent's records
-- across its companies. A record is kept at least until keep_until (five
-- years after the proposal): no code path deletes one, and the trigger
-- below refuses a deletion before that day.
CREATE TABLE misconduct_records (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    agent_code  TEXT NOT NULL,
    agent_name  TEXT NOT NULL DEFAULT '',
    reg_no      TEXT NOT NULL DEFAULT '',
    policy_no   TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES problem_cases (id),
    case_type   TEXT NOT NULL,
    facts       TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL CHECK (category IN ('beyond-authority', 'improper-selling', 'improper-recruitment', 'improper-conduct', 'surrender-by-proxy', 'other')),
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    proposed_at INTEGER NOT NULL,
    decided_at  INTEGER NOT NULL DEFAULT 0,
    decided_by  TEXT NOT NULL DEFAULT '',
    keep_until  TEXT NOT NULL,
    UNIQUE (case_id)
);
CREATE INDEX misconduct_org ON misconduct_records (org_id, status, id);
CREATE INDEX misconduct_reg_no ON misconduct_records (reg_no, status);
CREATE INDEX misconduct_agent ON misconduct_records (org_id, agent_code, status);

CREATE TRIGGER misconduct_kept BEFORE DELETE ON misconduct_records
WHEN OLD.keep_until > date('now')
BEGIN SELECT RAISE(ABORT, 'misconduct records are kept at least five years'); END;
