-- A handler's reveal of a policyholder's number looks for the policy's
-- unfinished problem cases; the audit trail counts a user's reveals of the
-- last hour.
CREATE INDEX problem_cases_policy ON problem_cases (org_id, policy_no);
CREATE INDEX audit_user_action ON audit (org_id, user_id, action, at);
