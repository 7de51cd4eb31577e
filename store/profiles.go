package store

import (
	"context"
	"fmt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/profile"
)

// AddProfileVersion stores a new dated version of a regulator's profile,
// audited. Versions are never changed or removed: a change is a new version.
func (db *DB) AddProfileVersion(ctx context.Context, v *profile.Version) error {
	body, err := profile.MarshalRules(v.Rules)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx txn) error {
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO profile_versions (regulator_id, name, base, effective_from, rules, note, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), v.RegulatorID, v.Name, v.Base, v.From, body, v.Note, ms64(v.CreatedAt), v.CreatedBy).Scan(&v.ID); err != nil {
			return fmt.Errorf("add profile version: %w", err)
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: v.RegulatorID, At: v.CreatedAt, Actor: v.CreatedBy, Entity: "profile",
			Key: fmt.Sprint(v.ID), Action: "create", Detail: jsonString(map[string]any{"from": v.From, "base": v.Base, "note": v.Note})})
	})
}

// ListProfileVersions lists a regulator's profile versions, by effective date.
func (db *DB) ListProfileVersions(ctx context.Context, regulatorID int64) ([]profile.Version, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, regulator_id, name, base, effective_from, rules, note, created_at, created_by
		FROM profile_versions WHERE regulator_id = ? ORDER BY effective_from, id`), regulatorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []profile.Version
	for rows.Next() {
		var v profile.Version
		var body string
		var created int64
		if err := rows.Scan(&v.ID, &v.RegulatorID, &v.Name, &v.Base, &v.From, &body, &v.Note, &created, &v.CreatedBy); err != nil {
			return nil, err
		}
		if v.Rules, err = profile.UnmarshalRules(body); err != nil {
			return nil, fmt.Errorf("profile version %d: %w", v.ID, err)
		}
		v.CreatedAt = fromMS(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

// SaveCalendarYear stores (or replaces) a year's calendar, audited.
func (db *DB) SaveCalendarYear(ctx context.Context, y huifang.CalendarYear) error {
	return db.tx(ctx, func(tx txn) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO calendar_years (year, body, loaded_at, loaded_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (year) DO UPDATE SET body = excluded.body, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by`),
			y.Year, y.Body, ms64(y.LoadedAt), y.LoadedBy); err != nil {
			return fmt.Errorf("save calendar %d: %w", y.Year, err)
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{At: y.LoadedAt, Actor: y.LoadedBy, Entity: "calendar", Key: fmt.Sprint(y.Year), Action: "load"})
	})
}

// ListCalendarYears lists the loaded years.
func (db *DB) ListCalendarYears(ctx context.Context) ([]huifang.CalendarYear, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT year, body, loaded_at, loaded_by FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.CalendarYear
	for rows.Next() {
		var y huifang.CalendarYear
		var at int64
		if err := rows.Scan(&y.Year, &y.Body, &at, &y.LoadedBy); err != nil {
			return nil, err
		}
		y.LoadedAt = fromMS(at)
		out = append(out, y)
	}
	return out, rows.Err()
}
