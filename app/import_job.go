package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sheet"
)

// importChunk is how many policies one chunk (Service.ImportChunk, when set) of an import writes and
// commits: about 0.1 s on SQLite on two shared cores, so an operator's
// next or finish waits at most that long for the one writer
// (docs/performance.md, "Import under load").
var importChunk = 2000

// chunkBudget is how long a chunk writes on SQLite before it commits, even
// short of importChunk policies: on a loaded machine the chunk shrinks, and
// operators still wait a fraction of a second for the one writer.
const chunkBudget = 250 * time.Millisecond

// sqlitePause is how long an import on SQLite leaves the database to other
// writers after each chunk. Another process (a server, while `huifang import`
// runs) waiting for SQLite's lock sleeps in steps that grow to 100 ms: a
// shorter gap would let the import take the lock again before it wakes,
// every time. Writers of the same process queue in Go and need no gap.
const sqlitePause = 110 * time.Millisecond

// staleImport is how long a running job may go without committing a chunk
// before a process on another host counts its owner as gone.
const staleImport = 2 * time.Minute

// importRuns tracks the imports writing in this process, so that a stopping
// server lets each finish its chunk and marks it interrupted.
type importRuns struct {
	mu      sync.Mutex
	stopped bool
	stop    chan struct{}
	wg      sync.WaitGroup
}

func newImportRuns() *importRuns { return &importRuns{stop: make(chan struct{})} }

// begin counts a starting import, or refuses when the process is stopping.
func (r *importRuns) begin() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return huifang.Errorf(huifang.EUNAVAILABLE, "err.import.stopping")
	}
	r.wg.Add(1)
	return nil
}

func (r *importRuns) done() { r.wg.Done() }

// StopImports asks every import writing in this process to stop after its
// current chunk (and be marked interrupted), and refuses new ones.
func (s *Service) StopImports() {
	r := s.imports
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped {
		r.stopped = true
		close(r.stop)
	}
}

// WaitImports waits until the imports writing in this process have
// stopped, or ctx ends.
func (s *Service) WaitImports(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.imports.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// owner names this process as the owner of the jobs it runs: host, process
// id, and a nonce, since a restarted container often has the same pid.
var owner = func() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%x", host, os.Getpid(), b)
}()

// ProcessOwner names this process as the owner of the jobs it runs.
func ProcessOwner() string { return owner }

// ownerGone tells whether a running job's owner is no longer alive: a
// process of this host that has gone (or been replaced), or, on another
// host, no chunk committed for staleImport.
func ownerGone(j huifang.ImportJob, now time.Time) bool {
	if j.Owner == owner {
		return false
	}
	host, rest, _ := strings.Cut(j.Owner, ":")
	pidText, _, _ := strings.Cut(rest, ":")
	me, _ := os.Hostname()
	if host == me {
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() || pid <= 0 {
			return true
		}
		return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
	}
	return now.Sub(j.HeartbeatAt) > staleImport
}

// InterruptLostImports marks interrupted every running import whose owner
// is gone (killed, or stopped without saying so): a starting server calls it.
func (s *Service) InterruptLostImports(ctx context.Context) ([]huifang.ImportJob, error) {
	js, err := s.db.RunningImportJobs(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []huifang.ImportJob
	for _, j := range js {
		if !ownerGone(j, now) {
			continue
		}
		ok, err := s.db.InterruptImportJob(ctx, &j, i18n.T(i18n.ZH, "import.job.gone"), now)
		if err != nil {
			return out, err
		}
		if ok {
			j.State = huifang.JobInterrupted
			out = append(out, j)
		}
	}
	return out, nil
}

// ImportJobs lists the insurer's latest policy imports for its page.
func (s *Service) ImportJobs(ctx context.Context, u *huifang.User, limit int) ([]huifang.ImportJob, error) {
	if err := require(u, huifang.PermImport); err != nil {
		return nil, err
	}
	js, err := s.db.ListImportJobs(ctx, u.OrgID, limit)
	if err != nil {
		return nil, err
	}
	// A job whose owner died shows as interrupted before any server
	// restarts to say so.
	now := s.now()
	for i := range js {
		if js[i].State == huifang.JobRunning && ownerGone(js[i], now) {
			js[i].State = huifang.JobInterrupted
		}
	}
	return js, nil
}

// ImportJobsOf lists an insurer's latest policy imports, for the command line.
func (s *Service) ImportJobsOf(ctx context.Context, u *huifang.User, orgCode string, limit int) ([]huifang.ImportJob, error) {
	if err := require(u, huifang.PermImport); err != nil {
		return nil, err
	}
	org, err := s.Org(ctx, u, orgCode)
	if err != nil {
		return nil, err
	}
	cp := *u
	cp.OrgID = org.ID
	return s.ImportJobs(ctx, &cp, limit)
}

// startImportJob takes up the unfinished job of the same file, when there
// is one whose owner is gone, or starts a new one.
func (s *Service) startImportJob(ctx context.Context, org *huifang.Org, a huifang.Actor, source, fileHash string, rows int) (*huifang.ImportJob, error) {
	if err := s.imports.begin(); err != nil {
		return nil, err
	}
	now := s.now()
	j, err := s.db.UnfinishedImportJob(ctx, org.ID, string(importer.KindPolicies), fileHash)
	switch {
	case err == nil && j.State == huifang.JobRunning && !ownerGone(*j, now):
		s.imports.done()
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.import.running", j.ID, j.RowsWritten, j.RowsTotal)
	case err == nil:
		ok, err := s.db.TakeImportJob(ctx, j, owner, now)
		if err == nil && ok {
			s.Log.Info("import resumed", "job", j.ID, "org", org.Code, "source", source, "written", j.RowsWritten, "rows", j.RowsTotal)
			return j, nil
		}
		if err != nil {
			s.imports.done()
			return nil, err
		}
		s.imports.done()
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.import.taken_over", j.ID)
	case !errors.Is(err, huifang.ErrNotFound):
		s.imports.done()
		return nil, err
	}
	j = &huifang.ImportJob{OrgID: org.ID, Kind: string(importer.KindPolicies), Source: source, FileHash: fileHash, RowsTotal: rows,
		UserID: a.UserID, Actor: a.Name, Owner: owner, StartedAt: now}
	if err := s.db.CreateImportJob(ctx, j); err != nil {
		s.imports.done()
		return nil, err
	}
	return j, nil
}

// writeChunks writes a job's policies after those already written, a chunk
// at a time. Between chunks it stops when ctx ends or the process stops,
// marking the job interrupted; a chunk once begun is committed whatever
// happens to ctx, being short.
func (s *Service) writeChunks(ctx context.Context, j *huifang.ImportJob, org *huifang.Org, a huifang.Actor, rf *importer.MemoryRefs, open func() (sheet.Rows, error), today huifang.Date, progress Progress) error {
	bg := context.WithoutCancel(ctx)
	rctx, cancel := context.WithCancel(bg)
	ch, errc := s.policyRecords(rctx, org, rf, open, today, j.RowsWritten)
	defer func() {
		cancel()
		for range ch { // let the reader finish
		}
	}()
	end := func(state, msg string) {
		if err := s.db.EndImportJob(bg, j, state, msg, a, s.now()); err != nil {
			s.Log.Error("import: end job", "job", j.ID, "state", state, "err", err)
		}
	}
	// stopped marks the job interrupted when ctx has ended or the process
	// is stopping.
	stopped := func() error {
		select {
		case <-ctx.Done():
			end(huifang.JobInterrupted, i18n.T(i18n.ZH, "import.job.cancelled"))
			return huifang.Errorf(huifang.EUNAVAILABLE, "err.import.interrupted", j.RowsWritten, j.RowsTotal)
		case <-s.imports.stop:
			end(huifang.JobInterrupted, i18n.T(i18n.ZH, "import.job.stopping"))
			return huifang.Errorf(huifang.EUNAVAILABLE, "err.import.interrupted_stopping", j.RowsWritten, j.RowsTotal)
		default:
			return nil
		}
	}
	progress("writing", j.RowsWritten, j.RowsTotal)
	size, pause := s.ImportChunk, s.ImportPause
	if size <= 0 {
		size = importChunk
	}
	if pause < 0 {
		pause = 0
	} else if pause == 0 && s.db.OneWriter() {
		pause = sqlitePause
	}
	chunk := make([]*huifang.PolicyRecord, 0, size)
	for eof := false; !eof; {
		for len(chunk) < size {
			rec, ok := <-ch
			if !ok {
				eof = true
				break
			}
			chunk = append(chunk, rec)
		}
		if eof {
			if err := <-errc; err != nil {
				end(huifang.JobFailed, huifang.ErrorMessage(err))
				return err
			}
		}
		for len(chunk) > 0 {
			n, err := s.db.ImportPolicyChunk(bg, j, a, s.now(), chunk, chunkBudget)
			if err != nil {
				// Nothing of this chunk was written: importing the
				// file again resumes here.
				end(huifang.JobInterrupted, huifang.ErrorMessage(err))
				return fmt.Errorf("import policies: %w", err)
			}
			progress("writing", j.RowsWritten, j.RowsTotal)
			// What the budget left over starts the next chunk.
			chunk = append(chunk[:0], chunk[n:]...)
			if !eof || len(chunk) == 0 {
				break
			}
			if err := s.pauseChunks(ctx, pause, stopped); err != nil {
				return err
			}
		}
		if eof {
			break
		}
		if err := s.pauseChunks(ctx, pause, stopped); err != nil {
			return err
		}
	}
	if j.RowsWritten != j.RowsTotal {
		end(huifang.JobFailed, huifang.ErrorMessage(errChangedFile))
		return errChangedFile
	}
	end(huifang.JobDone, "")
	s.Log.Info("import job done", "job", j.ID, "org", org.Code, "source", j.Source, "rows", j.RowsTotal, "chunks", j.Chunks)
	return nil
}

// pauseChunks leaves the database to other writers for pause between two
// chunks, and stops the import (stopped's error) when ctx has ended or the
// process is stopping: before the pause, and after it.
func (s *Service) pauseChunks(ctx context.Context, pause time.Duration, stopped func() error) error {
	if err := stopped(); err != nil || pause <= 0 {
		return err
	}
	select {
	case <-time.After(pause):
	case <-ctx.Done():
	case <-s.imports.stop:
	}
	return stopped()
}

// hashRows reads a file's rows while hashing them, to know the same file
// when it is imported again, and reports the checking's progress.
type hashRows struct {
	sheet.Rows
	h        hash.Hash
	n        int
	progress Progress
}

func (r *hashRows) Next() ([]string, error) {
	row, err := r.Rows.Next()
	if err != nil {
		return row, err
	}
	for _, c := range row {
		io.WriteString(r.h, c)
		r.h.Write([]byte{0x1f})
	}
	r.h.Write([]byte{'\n'})
	if r.n++; r.n%5000 == 0 {
		r.progress("checking", r.n, 0)
	}
	return row, nil
}
