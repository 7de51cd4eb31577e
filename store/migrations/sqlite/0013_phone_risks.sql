-- huifang schema 13: signs of false phone numbers (DOMAIN.md §6).
-- phone_changed_at is when an import last changed a policy's phone number
-- (Unix milliseconds; 0: never changed since the policy was first loaded).
-- Agents' phones are compared across the insurers of a regulator, so the
-- agents' phone hashes get an index of their own.
ALTER TABLE policies ADD COLUMN phone_changed_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX policies_phone_changed ON policies (org_id, phone_changed_at) WHERE phone_changed_at > 0;
CREATE INDEX agents_phone_hash ON agents (phone_hash);
