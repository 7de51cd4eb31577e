-- huifang schema 14: the companies each supervisor follows (DOMAIN.md §8,
-- docs/regulator.md). A supervisor sees only the insurers listed here; the
-- regulator's administrator sees every insurer of the regulator. The set
-- is replaced whole when it changes; the audit trail keeps every set.
CREATE TABLE supervisor_companies (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX supervisor_companies_org ON supervisor_companies (org_id);
