-- huifang schema 7: the personal-data key's check value, and key rotation
-- (docs/keys.md).

-- One row once the database is keyed. check_value is an HMAC of a fixed text
-- under the key the data is sealed with: it tells a wrong key at once and
-- tells nothing of the key. During a rotation next_check is the new key's
-- check value, and every row of the stages before stage, and of stage up to
-- (after_org, after_key) in key order, is already sealed under the new key.
CREATE TABLE pii_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    check_value TEXT NOT NULL,
    keyed_at    INTEGER NOT NULL,
    next_check  TEXT NOT NULL DEFAULT '',
    stage       TEXT NOT NULL DEFAULT '',
    after_org   INTEGER NOT NULL DEFAULT 0,
    after_key   TEXT NOT NULL DEFAULT '',
    rows_done   INTEGER NOT NULL DEFAULT 0,
    started_at  INTEGER NOT NULL DEFAULT 0
);
