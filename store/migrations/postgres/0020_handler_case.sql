-- huifang schema 20: the handler's case (docs/problems.md).

-- A case closed unresolved keeps its fixed reason (closereason.*) beside the
-- note in close_reason; '' for a case closed before this schema or not closed.
ALTER TABLE problem_cases ADD COLUMN close_code TEXT NOT NULL DEFAULT '';

-- A notification about a case links to it; 0 for the others.
ALTER TABLE notifications ADD COLUMN case_id BIGINT NOT NULL DEFAULT 0;
