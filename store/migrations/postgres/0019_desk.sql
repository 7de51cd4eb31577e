-- huifang schema 19: the operator's desk (docs/desk.md).

-- An appointment is a scheduled callback with the operator who agreed the
-- time: it goes to them first when its time comes, and to anyone only after
-- the profile's appointment_hold_minutes. 0: nobody in particular.
ALTER TABLE callbacks ADD COLUMN appointed_by BIGINT NOT NULL DEFAULT 0;
CREATE INDEX callbacks_appointed ON callbacks (org_id, appointed_by, next_at) WHERE status = 'scheduled' AND appointed_by <> 0;
-- An operator's finished callbacks, newest first: today's count and the
-- recent list of the desk.
CREATE INDEX callbacks_finished_by ON callbacks (org_id, finished_by, finished_at) WHERE finished_by <> 0;

-- A keyed hash of the last four digits of the policyholder's phone, for
-- searching by them; the digits themselves are never stored in the clear.
ALTER TABLE policies ADD COLUMN holder_phone_tail_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX policies_phone_tail ON policies (org_id, holder_phone_tail_hash);
CREATE INDEX policies_phone_tail_todo ON policies (org_id, policy_no) WHERE holder_phone_tail_hash = '';
-- Searching by the policyholder's name.
CREATE INDEX policies_holder_name ON policies (org_id, holder_name);
