-- huifang schema 22: indexes for the callback lists' keyset pages
-- (docs/performance.md, "Callback lists at a province's size").
--
-- A list page reads the rows after the last one's sort key, by an index
-- in the list's order, and stops after a page: every filter the list offers
-- with the insurer and the deadline order has one.

-- The default order, by deadline then id (the keyset's whole key).
DROP INDEX callbacks_due;
CREATE INDEX callbacks_due ON callbacks (org_id, due_on, id);
-- A status filter or the status order; with a channel, the pair.
CREATE INDEX callbacks_status_due ON callbacks (org_id, status, due_on, id);
CREATE INDEX callbacks_channel_status_due ON callbacks (org_id, channel, status, due_on, id);
-- overdue=1: not done, past the deadline.
CREATE INDEX callbacks_overdue ON callbacks (org_id, due_on, id) WHERE status <> 'done';
-- The callbacks behind a figure: the callbacks owed (kind, a period) and
-- their outcome classes (result).
CREATE INDEX callbacks_kind_due ON callbacks (org_id, kind, due_on, id);
CREATE INDEX callbacks_kind_result_due ON callbacks (org_id, kind, result, due_on, id);
-- The policy-number order.
CREATE INDEX callbacks_policy_order ON callbacks (org_id, policy_no, id);

ANALYZE callbacks;
