package store

import (
	"context"
	"strings"

	"github.com/huifang/huifang"
)

// riskCond is the SQL condition that a policy (alias a) of insurer orgID
// carries a sign of a false phone number under the bounds (package risk
// decides the same from huifang.PhoneFacts), or only the given sign. The
// flagged policies are found once per statement, as one set the policy's
// number is looked up in: those whose number is an agent's of the insurers
// under the regulator (or of the insurer's own), those whose number the
// insurer's policies share between at least SharedMin distinct
// policyholders, and those whose number changed in the window. (Written as
// three IN conditions joined by OR, PostgreSQL ran the shared numbers'
// aggregate again for every policy once it outgrew work_mem: an export of a
// million policies waited more than five minutes for it.)
func riskCond(a string, orgID int64, b huifang.RiskBounds, sign huifang.RiskSign) (string, []any) {
	min := b.SharedMin
	if min < 2 {
		min = 2
	}
	var parts []string
	var args []any
	if sign == "" || sign == huifang.RiskAgentPhone {
		parts = append(parts, `SELECT ap.policy_no FROM policies ap WHERE ap.org_id = ? AND ap.holder_phone_hash IN (SELECT ra.phone_hash FROM agents ra JOIN orgs ro ON ro.id = ra.org_id
			WHERE (ro.regulator_id = ? OR ra.org_id = ?) AND ra.phone_hash <> '')`)
		args = append(args, orgID, b.RegulatorID, orgID)
	}
	if sign == "" || sign == huifang.RiskShared {
		parts = append(parts, `SELECT sp.policy_no FROM policies sp JOIN (SELECT rs.holder_phone_hash AS h FROM policies rs WHERE rs.org_id = ? AND rs.holder_phone_hash <> ''
			GROUP BY rs.holder_phone_hash HAVING COUNT(DISTINCT rs.holder_id_hash) >= ?) sh ON sh.h = sp.holder_phone_hash WHERE sp.org_id = ?`)
		args = append(args, orgID, min, orgID)
	}
	if sign == "" || sign == huifang.RiskChanged {
		parts = append(parts, `SELECT cp.policy_no FROM policies cp WHERE cp.org_id = ? AND cp.phone_changed_at > 0 AND cp.phone_changed_at >= ? AND cp.phone_changed_at <= ?`)
		args = append(args, orgID, ms64(b.ChangedSince), ms64(b.At))
	}
	return a + ".holder_phone_hash <> '' AND " + a + ".policy_no IN (" + strings.Join(parts, " UNION ") + ")", args
}

// riskFacts are the columns of the facts of a policy's number (alias p).
const riskFacts = `(SELECT COUNT(*) FROM agents fa JOIN orgs fo ON fo.id = fa.org_id
		WHERE fa.phone_hash = p.holder_phone_hash AND p.holder_phone_hash <> '' AND (fo.regulator_id = ? OR fa.org_id = p.org_id)),
	(SELECT COUNT(DISTINCT fh.holder_id_hash) FROM policies fh WHERE fh.org_id = p.org_id AND fh.holder_phone_hash = p.holder_phone_hash AND p.holder_phone_hash <> ''),
	p.phone_changed_at`

// PhoneFacts are the facts about the number of one policy of an insurer
// (huifang.ErrNotFound when there is no such policy): how many agents of
// the insurers under the regulator (and of the insurer) have it, how many
// distinct policyholders of the insurer carry it, and when an import last
// changed it.
func (db *DB) PhoneFacts(ctx context.Context, orgID, regulatorID int64, policyNo string) (huifang.PhoneFacts, error) {
	var f huifang.PhoneFacts
	var changed int64
	err := db.queryRow(ctx, db.read, db.q(`SELECT `+riskFacts+` FROM policies p WHERE p.org_id = ? AND p.policy_no = ?`),
		regulatorID, orgID, policyNo).Scan(&f.AgentPhones, &f.Holders, &changed)
	if err != nil {
		return f, mapErr(err)
	}
	f.ChangedAt = fromMS(changed)
	return f, nil
}

func riskWhere(orgID int64, f huifang.RiskFilter) where {
	w := where{}
	w.add("p.org_id = ?", orgID)
	cond, args := riskCond("p", orgID, f.Bounds, f.Sign)
	w.add(cond, args...)
	w.addIf(f.OpenOnly, `EXISTS (SELECT 1 FROM callbacks oc WHERE oc.org_id = p.org_id AND oc.policy_no = p.policy_no AND oc.status <> 'done')`)
	return w
}

// ForEachRisk streams an insurer's flagged policies by policy number, with
// the facts of their numbers and their latest callback.
func (db *DB) ForEachRisk(ctx context.Context, orgID int64, f huifang.RiskFilter, fn func(*huifang.RiskRow) error) error {
	w := riskWhere(orgID, f)
	q := `SELECT p.policy_no, p.branch_code, p.agent_code, p.holder_name, p.holder_phone_enc, ` + riskFacts + `,
		COALESCE((SELECT MAX(lc.id) FROM callbacks lc WHERE lc.org_id = p.org_id AND lc.policy_no = p.policy_no), 0),
		COALESCE((SELECT sc.status FROM callbacks sc WHERE sc.org_id = p.org_id AND sc.policy_no = p.policy_no ORDER BY sc.id DESC LIMIT 1), '')
		FROM policies p` + w.sql() + ` ORDER BY p.policy_no`
	if f.Limit > 0 {
		q += ` LIMIT ` + itoa(f.Limit) + ` OFFSET ` + itoa(f.Offset)
	}
	rows, err := db.read.QueryContext(ctx, db.q(q), append([]any{f.Bounds.RegulatorID}, w.args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r huifang.RiskRow
		var changed int64
		if err := rows.Scan(&r.PolicyNo, &r.BranchCode, &r.AgentCode, &r.HolderName, &r.HolderPhoneEnc,
			&r.AgentPhones, &r.Holders, &changed, &r.CallbackID, &r.CallbackStatus); err != nil {
			return err
		}
		r.ChangedAt = fromMS(changed)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountRisks counts an insurer's flagged policies.
func (db *DB) CountRisks(ctx context.Context, orgID int64, f huifang.RiskFilter) (int, error) {
	w := riskWhere(orgID, f)
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM policies p`+w.sql()), w.args...).Scan(&n)
	return n, err
}
