-- huifang schema 11: agents' departures and their orphan policies (DOMAIN.md §6).
-- A policy's status tells in-force policies from cancelled ones, which never
-- become orphan policies. A departure is one per agent; its orphan policies
-- are listed with the orphan callback each got. mode is the profile's orphan
-- mode when the departure started (gate: the agent stays 'leaving' until
-- every orphan callback succeeded; notify: completed at once).
ALTER TABLE policies ADD COLUMN policy_status TEXT NOT NULL DEFAULT 'in-force';
CREATE INDEX policies_agent ON policies (org_id, agent_code);

CREATE TABLE departures (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    agent_code     TEXT NOT NULL,
    successor_code TEXT NOT NULL DEFAULT '',
    mode           TEXT NOT NULL CHECK (mode IN ('gate', 'notify')),
    started_on     TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('leaving', 'completed')),
    policies       INTEGER NOT NULL DEFAULT 0,
    completed_at   INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    UNIQUE (org_id, agent_code)
);
CREATE INDEX departures_status ON departures (org_id, status);

CREATE TABLE departure_policies (
    departure_id INTEGER NOT NULL REFERENCES departures (id),
    org_id       INTEGER NOT NULL,
    policy_no    TEXT NOT NULL,
    callback_id  INTEGER NOT NULL,
    PRIMARY KEY (departure_id, policy_no)
);
CREATE INDEX departure_policies_callback ON departure_policies (org_id, callback_id);
