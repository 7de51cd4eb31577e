-- huifang schema 3: electronic callbacks (电子化回访, docs/electronic.md).

-- The callback method the customer chose: 'phone', 'electronic', or '' when
-- they did not say.
ALTER TABLE policies ADD COLUMN callback_method TEXT NOT NULL DEFAULT '';

-- One-time links sent to customers. The token in the link is never stored,
-- only its SHA-256; the one-time code and the browser cookie are kept as
-- keyed hashes. Times are Unix milliseconds, 0 for "not yet".
CREATE TABLE electronic_links (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    callback_id  INTEGER NOT NULL REFERENCES callbacks (id),
    token_hash   TEXT NOT NULL UNIQUE,
    -- active, done, closed (not the policyholder), locked (too many failed
    -- checks), fallback (deadline near), revoked (replaced), unsent
    status       TEXT NOT NULL,
    issued_at    INTEGER NOT NULL,
    issued_by    TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    checks       INTEGER NOT NULL DEFAULT 0, -- failed identity and code checks
    codes_sent   INTEGER NOT NULL DEFAULT 0,
    code_hash    TEXT NOT NULL DEFAULT '',
    code_until   INTEGER NOT NULL DEFAULT 0,
    code_sent_at INTEGER NOT NULL DEFAULT 0,
    cookie_hash  TEXT NOT NULL DEFAULT '',
    cookie_until INTEGER NOT NULL DEFAULT 0,
    opened_at    INTEGER NOT NULL DEFAULT 0,
    identity_at  INTEGER NOT NULL DEFAULT 0,
    verified_at  INTEGER NOT NULL DEFAULT 0,
    closed_at    INTEGER NOT NULL DEFAULT 0,
    retain_until TEXT -- evidence kept until (DOMAIN.md §10); NULL: while the contract runs
);
CREATE INDEX electronic_links_callback ON electronic_links (org_id, callback_id);
-- At most one live link per callback; the fallback job walks them.
CREATE UNIQUE INDEX electronic_links_active ON electronic_links (callback_id) WHERE status = 'active';
CREATE INDEX electronic_links_live ON electronic_links (org_id) WHERE status = 'active';

-- Text messages the development sender keeps instead of sending them, for
-- an insurer's administrator to read. Only the masked number is kept.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    at           INTEGER NOT NULL,
    phone_masked TEXT NOT NULL,
    kind         TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX outbox_org ON outbox (org_id, id);
