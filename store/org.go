package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/huifang/huifang"
)

const orgCols = `id, code, name, kind, COALESCE(regulator_id, 0), pre_underwriting, created_at, service_phone`

func scanOrg(row interface{ Scan(...any) error }) (*huifang.Org, error) {
	var o huifang.Org
	var created int64
	if err := row.Scan(&o.ID, &o.Code, &o.Name, &o.Kind, &o.RegulatorID, &o.PreUnderwritingCallback, &created, &o.ServicePhone); err != nil {
		return nil, mapErr(err)
	}
	o.CreatedAt = fromMS(created)
	return &o, nil
}

// CreateOrg adds an organisation and sets its ID.
func (db *DB) CreateOrg(ctx context.Context, o *huifang.Org) error {
	var reg any
	if o.RegulatorID != 0 {
		reg = o.RegulatorID
	}
	err := db.write.QueryRowContext(ctx, db.q(`INSERT INTO orgs (code, name, kind, regulator_id, pre_underwriting, created_at, service_phone) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		o.Code, o.Name, o.Kind, reg, o.PreUnderwritingCallback, ms64(o.CreatedAt), o.ServicePhone).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create org %s: %w", o.Code, mapErr(err))
	}
	return nil
}

// SetServicePhone changes an insurer's customer-service number.
func (db *DB) SetServicePhone(ctx context.Context, orgID int64, phone string) error {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE orgs SET service_phone = ? WHERE id = ?`), phone, orgID)
	if err != nil {
		return fmt.Errorf("set service phone: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return huifang.ErrNotFound
	}
	return nil
}

// SetPreUnderwriting turns an insurer's callback before underwriting on or off.
func (db *DB) SetPreUnderwriting(ctx context.Context, orgID int64, on bool) error {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE orgs SET pre_underwriting = ? WHERE id = ?`), on, orgID)
	if err != nil {
		return fmt.Errorf("set pre-underwriting: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return huifang.ErrNotFound
	}
	return nil
}

// FindOrgByCode finds an organisation by its code.
func (db *DB) FindOrgByCode(ctx context.Context, code string) (*huifang.Org, error) {
	return scanOrg(db.queryRow(ctx, db.read, db.q(`SELECT `+orgCols+` FROM orgs WHERE code = ?`), code))
}

// FindOrgByID finds an organisation by its id.
func (db *DB) FindOrgByID(ctx context.Context, id int64) (*huifang.Org, error) {
	return scanOrg(db.queryRow(ctx, db.read, db.q(`SELECT `+orgCols+` FROM orgs WHERE id = ?`), id))
}

// ListOrgs lists every organisation (administrators), or, with regulatorID set,
// the regulator itself and the insurers it supervises.
func (db *DB) ListOrgs(ctx context.Context, regulatorID int64) ([]huifang.Org, error) {
	var rows *sql.Rows
	var err error
	if regulatorID == 0 {
		rows, err = db.read.QueryContext(ctx, `SELECT `+orgCols+` FROM orgs ORDER BY kind DESC, code`)
	} else {
		rows, err = db.read.QueryContext(ctx, db.q(`SELECT `+orgCols+` FROM orgs WHERE id = ? OR regulator_id = ? ORDER BY kind DESC, code`), regulatorID, regulatorID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}
