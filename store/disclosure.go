package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
)

// The regulator's quarterly disclosure (docs/disclosure.md): a quarter is
// published once with every company's figures as values, and corrected only
// by errata added beside them. Disclosures are public: reads need no
// organisation, writes are scoped to the publishing regulator.

const disclosureCols = `d.id, d.regulator_id, o.code, o.name, d.period, d.indicators, d.published_at, d.published_by,
	COALESCE((SELECT MAX(e.added_at) FROM disclosure_errata e WHERE e.disclosure_id = d.id), 0)`

func scanDisclosure(sc scanner) (huifang.Disclosure, error) {
	var d huifang.Disclosure
	var inds string
	var published, changed int64
	if err := sc.Scan(&d.ID, &d.RegulatorID, &d.RegulatorCode, &d.RegulatorName, &d.Period, &inds, &published, &d.PublishedBy, &changed); err != nil {
		return d, mapErr(err)
	}
	if inds != "" {
		d.Indicators = strings.Split(inds, ",")
	}
	d.PublishedAt, d.Changed = fromMS(published), fromMS(max(published, changed))
	return d, nil
}

// PublishDisclosure stores a regulator's quarter with its rows, frozen.
// A quarter the regulator already published is a conflict
// (huifang.ErrConflict). Audited in the regulator's trail.
func (db *DB) PublishDisclosure(ctx context.Context, d *huifang.Disclosure) error {
	return db.tx(ctx, func(tx txn) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO disclosures (regulator_id, period, indicators, published_at, published_by)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), d.RegulatorID, d.Period, strings.Join(d.Indicators, ","), ms64(d.PublishedAt), d.PublishedBy).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("publish disclosure: %w", mapErr(err))
		}
		for i := range d.Rows {
			r := &d.Rows[i]
			figs, err := json.Marshal(r.Figures)
			if err != nil {
				return err
			}
			r.DisclosureID = d.ID
			err = tx.QueryRowContext(ctx, db.q(`INSERT INTO disclosure_rows (disclosure_id, org_id, org_code, org_name, source, submission_id, submission_version, figures, double_hundred)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), d.ID, r.OrgID, r.OrgCode, r.OrgName, r.Source, r.SubmissionID, r.SubmissionVersion,
				string(figs), r.DoubleHundred).Scan(&r.ID)
			if err != nil {
				return fmt.Errorf("disclosure row %s: %w", r.OrgCode, mapErr(err))
			}
		}
		d.Changed = d.PublishedAt
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: d.RegulatorID, At: d.PublishedAt, Actor: d.PublishedBy, Entity: "disclosure",
			Key: d.Period, Action: "publish", Detail: jsonString(map[string]any{"id": d.ID, "rows": len(d.Rows), "indicators": d.Indicators})})
	})
}

// AddErratum adds an erratum to a row of one of the regulator's published
// quarters; a disclosure or row of another regulator is not found.
// Audited in the regulator's trail.
func (db *DB) AddErratum(ctx context.Context, regulatorID int64, e *huifang.Erratum, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		var period, code string
		err := tx.QueryRowContext(ctx, db.q(`SELECT d.period, r.org_code FROM disclosure_rows r JOIN disclosures d ON d.id = r.disclosure_id
			WHERE r.id = ? AND r.disclosure_id = ? AND d.regulator_id = ?`), e.RowID, e.DisclosureID, regulatorID).Scan(&period, &code)
		if err != nil {
			return mapErr(err)
		}
		err = tx.QueryRowContext(ctx, db.q(`INSERT INTO disclosure_errata (disclosure_id, row_id, indicator, corrected, num, den, note, added_at, by_login)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), e.DisclosureID, e.RowID, e.Indicator, e.Corrected, e.Num, e.Den, e.Note, ms64(e.At), e.By).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("add erratum: %w", mapErr(err))
		}
		e.OrgCode = code
		detail := map[string]any{"id": e.ID, "company": code, "indicator": e.Indicator, "note": e.Note}
		if e.Corrected {
			detail["num"], detail["den"] = e.Num, e.Den
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: regulatorID, At: e.At, UserID: a.UserID, Actor: a.Name, Entity: "disclosure",
			Key: period, Action: "erratum", Detail: jsonString(detail)})
	})
}

// ListDisclosures lists published quarters without their rows: the latest
// period first, then by regulator code.
func (db *DB) ListDisclosures(ctx context.Context, f huifang.DisclosureFilter) ([]huifang.Disclosure, error) {
	w := where{}
	w.addIf(f.RegulatorID != 0, "d.regulator_id = ?", f.RegulatorID)
	w.addIf(f.Period != "", "d.period = ?", f.Period)
	return queryAll(ctx, db, `SELECT `+disclosureCols+` FROM disclosures d JOIN orgs o ON o.id = d.regulator_id`+w.sql()+
		` ORDER BY d.period DESC, o.code`, scanDisclosure, w.args...)
}

// FindDisclosure finds a regulator's published quarter with its rows (by
// company code) and errata (oldest first).
func (db *DB) FindDisclosure(ctx context.Context, regulatorID int64, period string) (*huifang.Disclosure, error) {
	d, err := scanDisclosure(db.queryRow(ctx, db.read, db.q(`SELECT `+disclosureCols+` FROM disclosures d JOIN orgs o ON o.id = d.regulator_id
		WHERE d.regulator_id = ? AND d.period = ?`), regulatorID, period))
	if err != nil {
		return nil, err
	}
	if d.Rows, err = db.disclosureRows(ctx, `r.disclosure_id = ?`, d.ID); err != nil {
		return nil, err
	}
	d.Errata, err = queryAll(ctx, db, `SELECT e.id, e.disclosure_id, e.row_id, r.org_code, e.indicator, e.corrected, e.num, e.den, e.note, e.added_at, e.by_login
		FROM disclosure_errata e JOIN disclosure_rows r ON r.id = e.row_id WHERE e.disclosure_id = ? ORDER BY e.id`, func(sc scanner) (huifang.Erratum, error) {
		var e huifang.Erratum
		var at int64
		err := sc.Scan(&e.ID, &e.DisclosureID, &e.RowID, &e.OrgCode, &e.Indicator, &e.Corrected, &e.Num, &e.Den, &e.Note, &at, &e.By)
		e.At = fromMS(at)
		return e, err
	}, d.ID)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DisclosureHistory lists the rows of every quarter a regulator published,
// with their period: by company code, the latest period first.
func (db *DB) DisclosureHistory(ctx context.Context, regulatorID int64) ([]huifang.DisclosureRow, error) {
	return db.disclosureRows(ctx, `d.regulator_id = ?`, regulatorID)
}

func (db *DB) disclosureRows(ctx context.Context, cond string, arg any) ([]huifang.DisclosureRow, error) {
	return queryAll(ctx, db, `SELECT r.id, r.disclosure_id, d.period, r.org_id, r.org_code, r.org_name, r.source, r.submission_id, r.submission_version,
		r.figures, r.double_hundred, EXISTS (SELECT 1 FROM disclosure_errata e WHERE e.row_id = r.id) FROM disclosure_rows r JOIN disclosures d ON d.id = r.disclosure_id WHERE `+cond+` ORDER BY r.org_code, d.period DESC`,
		func(sc scanner) (huifang.DisclosureRow, error) {
			var r huifang.DisclosureRow
			var figs string
			if err := sc.Scan(&r.ID, &r.DisclosureID, &r.Period, &r.OrgID, &r.OrgCode, &r.OrgName, &r.Source, &r.SubmissionID, &r.SubmissionVersion,
				&figs, &r.DoubleHundred, &r.Corrected); err != nil {
				return r, err
			}
			if err := json.Unmarshal([]byte(figs), &r.Figures); err != nil {
				return r, fmt.Errorf("disclosure row %d: %w", r.ID, err)
			}
			return r, nil
		}, arg)
}
