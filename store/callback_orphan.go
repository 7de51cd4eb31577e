package store

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
)

// orphanInsert plans an open orphan callback of a policy, filed under the
// policy's channel and branch; its arguments: due, created, updated, org,
// policy number.
const orphanInsert = `INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, created_at, updated_at)
	SELECT org_id, policy_no, 'orphan', channel, branch_code, ?, 'open', ?, ? FROM policies WHERE org_id = ? AND policy_no = ?`

// PlanOrphanCallback gives a policy an open orphan-policy callback due on a
// day (DOMAIN.md §6), with the indicators' counts in the same transaction:
// it counts in the orphan columns of the month of its deadline. The channel
// and branch are the policy's. A policy has at most one orphan callback (the
// callbacks' unique key); a second one is a conflict.
func (db *DB) PlanOrphanCallback(ctx context.Context, orgID int64, policyNo string, dueOn huifang.Date, now time.Time) (*huifang.Callback, error) {
	var out *huifang.Callback
	err := db.tx(ctx, func(tx txn) error {
		return db.counted(ctx, db.txQ(tx), orgID, byPolicy(policyNo), func() error {
			c, err := scanCallback(tx.QueryRowContext(ctx, db.q(orphanInsert+` RETURNING `+callbackCols), dueOn, ms64(now), ms64(now), orgID, policyNo))
			if err != nil {
				return fmt.Errorf("plan orphan callback of %s: %w", policyNo, err)
			}
			out = c
			return nil
		})
	})
	return out, err
}
