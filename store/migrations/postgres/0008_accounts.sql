-- huifang schema 8: the lifecycle of accounts — login throttling, the last
-- login shown to its user, named API tokens that expire.

-- Failed password checks, per login ('login:NAME') and per client address
-- ('addr:IP'); the rule that turns them into a wait is throttle.Login and
-- throttle.Address. Kept here so that every server agrees and a restart does
-- not forget. A successful login deletes its login's row.
CREATE TABLE login_failures (
    subject  TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at  BIGINT NOT NULL -- Unix milliseconds of the last failure
);

-- The latest successful login and the one before it, which is what the user
-- is shown ("last login") once they are in.
ALTER TABLE users ADD COLUMN login_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN prev_login_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN prev_login_addr TEXT NOT NULL DEFAULT '';

-- API tokens have a name, and none is valid for ever: those made before
-- this schema expire 90 days after it is applied.
ALTER TABLE sessions ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE sessions SET expires_at = CAST(extract(epoch FROM now()) AS BIGINT) * 1000 + CAST(90 AS BIGINT) * 86400000 WHERE kind = 'api' AND expires_at = 0;
