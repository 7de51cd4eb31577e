-- huifang schema 2: each callback records how it was made and the script
-- version it ran; recordings may name the phone attempt they belong to.

-- method: phone, electronic, letter or visit (DOMAIN.md §4).
ALTER TABLE callbacks ADD COLUMN method TEXT NOT NULL DEFAULT 'phone';
-- The script version the answers were given to: script_id is the stored
-- version (0 for a shipped standard script), code and version name it.
ALTER TABLE callbacks ADD COLUMN script_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE callbacks ADD COLUMN script_code TEXT NOT NULL DEFAULT '';
ALTER TABLE callbacks ADD COLUMN script_version INTEGER NOT NULL DEFAULT 0;
-- How the answers were collected, as JSON: for an electronic callback the
-- times, IP address and user agent; for a letter or visit the receipt.
ALTER TABLE callbacks ADD COLUMN evidence TEXT NOT NULL DEFAULT '';

ALTER TABLE recordings ADD COLUMN attempt_id INTEGER NOT NULL DEFAULT 0;

-- The insurer's customer-service number, said at the end of every script.
ALTER TABLE orgs ADD COLUMN service_phone TEXT NOT NULL DEFAULT '';
