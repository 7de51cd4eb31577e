package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/huifang/huifang"
)

const importJobCols = `id, org_id, kind, source, file_hash, state, rows_total, rows_written, chunks, created, updated, unchanged, callbacks,
	user_id, actor, owner, started_at, heartbeat_at, finished_at, message`

func scanImportJob(s scanner) (*huifang.ImportJob, error) {
	var j huifang.ImportJob
	var started, beat, finished int64
	err := s.Scan(&j.ID, &j.OrgID, &j.Kind, &j.Source, &j.FileHash, &j.State, &j.RowsTotal, &j.RowsWritten, &j.Chunks,
		&j.Result.Created, &j.Result.Updated, &j.Result.Unchanged, &j.Result.Callbacks,
		&j.UserID, &j.Actor, &j.Owner, &started, &beat, &finished, &j.Message)
	if err != nil {
		return nil, mapErr(err)
	}
	j.StartedAt, j.HeartbeatAt, j.FinishedAt = fromMS(started), fromMS(beat), fromMS(finished)
	return &j, nil
}

// CreateImportJob stores a new running job and sets its ID.
func (db *DB) CreateImportJob(ctx context.Context, j *huifang.ImportJob) error {
	j.State = huifang.JobRunning
	err := db.write.QueryRowContext(ctx, db.q(`INSERT INTO import_jobs (org_id, kind, source, file_hash, state, rows_total, user_id, actor, owner, started_at, heartbeat_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		j.OrgID, j.Kind, j.Source, j.FileHash, j.State, j.RowsTotal, j.UserID, j.Actor, j.Owner, ms64(j.StartedAt), ms64(j.StartedAt)).Scan(&j.ID)
	if err != nil {
		return fmt.Errorf("create import job: %w", mapErr(err))
	}
	return nil
}

// FindImportJob finds one job of an organisation.
func (db *DB) FindImportJob(ctx context.Context, orgID, id int64) (*huifang.ImportJob, error) {
	return scanImportJob(db.queryRow(ctx, db.read, db.q(`SELECT `+importJobCols+` FROM import_jobs WHERE org_id = ? AND id = ?`), orgID, id))
}

// UnfinishedImportJob finds the latest job of the same file (organisation,
// kind and hash) that is running or interrupted, or ErrNotFound.
func (db *DB) UnfinishedImportJob(ctx context.Context, orgID int64, kind, fileHash string) (*huifang.ImportJob, error) {
	return scanImportJob(db.queryRow(ctx, db.read, db.q(`SELECT `+importJobCols+` FROM import_jobs
		WHERE org_id = ? AND kind = ? AND file_hash = ? AND state IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1`), orgID, kind, fileHash))
}

// ListImportJobs lists an organisation's latest jobs, newest first.
func (db *DB) ListImportJobs(ctx context.Context, orgID int64, limit int) ([]huifang.ImportJob, error) {
	return queryAll(ctx, db, `SELECT `+importJobCols+` FROM import_jobs WHERE org_id = ? ORDER BY id DESC LIMIT ?`, scanImportJobValue, orgID, limit)
}

// RunningImportJobs lists every job marked running, of every organisation:
// a starting process decides which have lost their owner.
func (db *DB) RunningImportJobs(ctx context.Context) ([]huifang.ImportJob, error) {
	return queryAll(ctx, db, `SELECT `+importJobCols+` FROM import_jobs WHERE state = 'running' ORDER BY id`, scanImportJobValue)
}

func scanImportJobValue(s scanner) (huifang.ImportJob, error) {
	j, err := scanImportJob(s)
	if err != nil {
		return huifang.ImportJob{}, err
	}
	return *j, nil
}

// TakeImportJob makes a job running again under a new owner, from the state
// it was found in; false when another process changed it first.
func (db *DB) TakeImportJob(ctx context.Context, j *huifang.ImportJob, owner string, now time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE import_jobs SET state = 'running', owner = ?, heartbeat_at = ?, finished_at = 0, message = ''
		WHERE id = ? AND state = ? AND owner = ? AND heartbeat_at = ?`), owner, ms64(now), j.ID, j.State, j.Owner, ms64(j.HeartbeatAt))
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	if n == 1 {
		j.State, j.Owner, j.HeartbeatAt, j.FinishedAt, j.Message = huifang.JobRunning, owner, now.Truncate(time.Millisecond), time.Time{}, ""
	}
	return n == 1, err
}

// EndImportJob records how a running job ended: done (with the import's
// audit entry and, after a large load, fresh planner statistics),
// interrupted or failed. Only the job's owner ends it.
func (db *DB) EndImportJob(ctx context.Context, j *huifang.ImportJob, state, message string, a huifang.Actor, now time.Time) error {
	err := db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE import_jobs SET state = ?, message = ?, finished_at = ? WHERE id = ? AND state = 'running' AND owner = ?`),
			state, message, ms64(now), j.ID, j.Owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("import job %d is no longer this process's", j.ID)
		}
		if state != huifang.JobDone {
			return nil
		}
		_, err = tx.ExecContext(ctx, db.q(auditInsert), j.OrgID, ms64(now), a.UserID, a.Name, "import", j.Source, "policies", jsonString(j.Result))
		return err
	})
	if err != nil {
		return err
	}
	j.State, j.Message, j.FinishedAt = state, message, now
	if state == huifang.JobDone && j.Result.Created+j.Result.Updated >= analyzeAfter {
		db.analyzeCallbacks(ctx)
	}
	return nil
}

// InterruptImportJob marks a running job whose owner is gone interrupted,
// unless it moved on since it was read.
func (db *DB) InterruptImportJob(ctx context.Context, j *huifang.ImportJob, message string, now time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE import_jobs SET state = 'interrupted', message = ?, finished_at = ?
		WHERE id = ? AND state = 'running' AND owner = ? AND heartbeat_at = ?`), message, ms64(now), j.ID, j.Owner, ms64(j.HeartbeatAt))
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ImportPolicyChunk writes a chunk of a checked file in its own
// transaction, and adds it to its job in the same transaction: a chunk and
// its progress commit together. The chunk follows ImportPolicies' rules
// (new, changed, unchanged; planned callbacks; the indicators' counts).
// On SQLite, whose one writer everyone waits for, the chunk ends early once
// it has written for budget (0: no limit), so that a loaded machine still
// commits often; it returns how many of rs it wrote, the first ones.
func (db *DB) ImportPolicyChunk(ctx context.Context, j *huifang.ImportJob, a huifang.Actor, now time.Time, rs []*huifang.PolicyRecord, budget time.Duration) (int, error) {
	i := 0
	var start time.Time
	next := func() (*huifang.PolicyRecord, error) {
		if i == len(rs) || (budget > 0 && db.engine == SQLite && i%sqliteBatch == 0 && i > 0 && time.Since(start) > budget) {
			return nil, io.EOF
		}
		i++
		return rs[i-1], nil
	}
	var res huifang.PolicyImport
	progress := func(exec func(q string, args ...any) error) error {
		return exec(db.q(`UPDATE import_jobs SET rows_written = rows_written + ?, chunks = chunks + 1, created = created + ?, updated = updated + ?,
			unchanged = unchanged + ?, callbacks = callbacks + ?, heartbeat_at = ? WHERE id = ? AND state = 'running' AND owner = ?`),
			i, res.Created, res.Updated, res.Unchanged, res.Callbacks, ms64(now), j.ID, j.Owner)
	}
	var err error
	if db.engine == Postgres {
		err = db.withPgxTx(ctx, func(tx pgx.Tx) error {
			start = time.Now()
			var err error
			if res, err = db.importPostgres(ctx, tx, j.OrgID, a, now, next); err != nil {
				return err
			}
			return progress(func(q string, args ...any) error {
				tag, err := tx.Exec(ctx, q, args...)
				if err == nil && tag.RowsAffected() != 1 {
					err = fmt.Errorf("import job %d is no longer this process's", j.ID)
				}
				return err
			})
		})
	} else {
		err = db.tx(ctx, func(tx txn) error {
			start = time.Now()
			var err error
			if res, err = db.importSQLite(ctx, tx, j.OrgID, a, now, next); err != nil {
				return err
			}
			return progress(func(q string, args ...any) error { return execOne(ctx, tx, j.ID, q, args...) })
		})
	}
	if err != nil {
		return 0, err
	}
	j.RowsWritten += i
	j.Chunks++
	j.Result.Created += res.Created
	j.Result.Updated += res.Updated
	j.Result.Unchanged += res.Unchanged
	j.Result.Callbacks += res.Callbacks
	j.HeartbeatAt = now.Truncate(time.Millisecond)
	return i, nil
}

func execOne(ctx context.Context, tx *sql.Tx, id int64, q string, args ...any) error {
	r, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return fmt.Errorf("import job %d is no longer this process's", id)
	}
	return nil
}
