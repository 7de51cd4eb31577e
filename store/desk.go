package store

import (
	"context"

	"github.com/huifang/huifang"
)

// PhoneTailsToFill lists up to limit policies whose phone's last digits have
// no keyed hash yet (imported before there was one, or whose number
// changed), with their sealed phones, for the application to hash.
func (db *DB) PhoneTailsToFill(ctx context.Context, limit int) ([]huifang.PhoneTail, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT org_id, policy_no, holder_phone_enc FROM policies
		WHERE holder_phone_tail_hash = '' ORDER BY org_id, policy_no LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.PhoneTail
	for rows.Next() {
		var t huifang.PhoneTail
		if err := rows.Scan(&t.OrgID, &t.PolicyNo, &t.PhoneEnc); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetPhoneTails stores the keyed hashes of the policies' phones' last
// digits, unless the phone changed meanwhile (its sealed value differs).
func (db *DB) SetPhoneTails(ctx context.Context, ts []huifang.PhoneTail) error {
	return db.tx(ctx, func(tx txn) error {
		for _, t := range ts {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE policies SET holder_phone_tail_hash = ? WHERE org_id = ? AND policy_no = ? AND holder_phone_enc = ?`),
				t.TailHash, t.OrgID, t.PolicyNo, t.PhoneEnc); err != nil {
				return err
			}
		}
		return nil
	})
}
