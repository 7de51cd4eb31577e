package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformImportJob: a checked file written in chunks under its job,
// the job's progress committed with each chunk; only the owner moves it on;
// a job whose owner is gone is interrupted and taken over once.
func TestConformImportJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		j := &huifang.ImportJob{OrgID: bd.a.ID, Kind: "policies", Source: "big.csv", FileHash: "fh", RowsTotal: 5, UserID: bd.userA.ID, Actor: "op-a",
			Owner: "host:1:a", StartedAt: tNano}
		must(t, db.CreateImportJob(ctx, j))
		got, err := db.FindImportJob(ctx, bd.a.ID, j.ID)
		must(t, err)
		if got.State != huifang.JobRunning || got.RowsTotal != 5 || got.Owner != "host:1:a" || got.Source != "big.csv" || got.Chunks != 0 || !got.FinishedAt.IsZero() {
			t.Fatalf("new job %+v", got)
		}
		sameMS(t, "started", got.StartedAt, tNano)
		sameMS(t, "heartbeat", got.HeartbeatAt, tNano)
		if _, err := db.FindImportJob(ctx, bd.b.ID, j.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's job through B: %v", err)
		}
		rs := make([]*huifang.PolicyRecord, 5)
		for i := range rs {
			rs[i] = policy(fmt.Sprintf("J%d", i+1), huifang.NewDate(2026, 3, 2), "h")
		}
		// Chunk one: three policies.
		n, err := db.ImportPolicyChunk(ctx, got, cli, tNano.Add(time.Second), rs[:3], 0)
		must(t, err)
		if n != 3 {
			t.Fatalf("wrote %d of 3", n)
		}
		// Another process cannot write a chunk of this job.
		thief := *got
		thief.Owner = "host:2:b"
		if _, err := db.ImportPolicyChunk(ctx, &thief, cli, tNano.Add(2*time.Second), rs[3:], 0); err == nil {
			t.Fatal("a chunk written by a process that does not own the job")
		}
		if c, _ := db.CountPolicies(ctx, bd.a.ID); c != 3 {
			t.Fatalf("%d policies after a refused chunk", c)
		}
		stored, err := db.FindImportJob(ctx, bd.a.ID, j.ID)
		must(t, err)
		if stored.RowsWritten != 3 || stored.Chunks != 1 || stored.Result.Created != 3 || stored.Result.Callbacks != 3 {
			t.Fatalf("progress %+v", stored)
		}
		sameMS(t, "heartbeat", stored.HeartbeatAt, tNano.Add(time.Second))
		if !stored.HeartbeatAt.Equal(got.HeartbeatAt) { // the next compare-and-set uses it
			t.Fatalf("in-memory heartbeat %v, stored %v", got.HeartbeatAt, stored.HeartbeatAt)
		}
		// The owner is gone: the job is interrupted (once), then taken over.
		if u, err := db.UnfinishedImportJob(ctx, bd.a.ID, "policies", "fh"); err != nil || u.ID != j.ID {
			t.Fatalf("unfinished: %v %v", u, err)
		}
		if _, err := db.UnfinishedImportJob(ctx, bd.b.ID, "policies", "fh"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's unfinished job through B: %v", err)
		}
		running, err := db.RunningImportJobs(ctx)
		must(t, err)
		if len(running) != 1 || running[0].ID != j.ID {
			t.Fatalf("running %+v", running)
		}
		ok, err := db.InterruptImportJob(ctx, stored, "进程已退出", tNano.Add(time.Minute))
		must(t, err)
		if !ok {
			t.Fatal("interrupt refused")
		}
		if ok, _ := db.InterruptImportJob(ctx, stored, "again", tNano.Add(time.Minute)); ok {
			t.Fatal("interrupted twice")
		}
		again, err := db.FindImportJob(ctx, bd.a.ID, j.ID)
		must(t, err)
		if again.State != huifang.JobInterrupted || again.Message != "进程已退出" {
			t.Fatalf("interrupted %+v", again)
		}
		sameMS(t, "finished", again.FinishedAt, tNano.Add(time.Minute))
		taken := *again
		ok, err = db.TakeImportJob(ctx, &taken, "host:3:c", tNano.Add(2*time.Minute))
		must(t, err)
		if !ok || taken.State != huifang.JobRunning || taken.Owner != "host:3:c" {
			t.Fatalf("take: %v %+v", ok, taken)
		}
		late := *again // read before the take
		if ok, _ := db.TakeImportJob(ctx, &late, "host:4:d", tNano.Add(2*time.Minute)); ok {
			t.Fatal("taken twice")
		}
		// The new owner writes the rest and ends it; the old one cannot.
		n, err = db.ImportPolicyChunk(ctx, &taken, cli, tNano.Add(3*time.Minute), rs, 0)
		must(t, err)
		if n != 5 || taken.Result.Created != 5 || taken.Result.Unchanged != 3 || taken.RowsWritten != 8 || taken.Chunks != 2 {
			t.Fatalf("second chunk: %d, %+v", n, taken)
		}
		if err := db.EndImportJob(ctx, stored, huifang.JobDone, "", cli, tNano.Add(4*time.Minute)); err == nil {
			t.Fatal("ended by its old owner")
		}
		must(t, db.EndImportJob(ctx, &taken, huifang.JobDone, "", huifang.Actor{UserID: bd.userA.ID, Name: "op-a"}, tNano.Add(4*time.Minute)))
		done, err := db.FindImportJob(ctx, bd.a.ID, j.ID)
		must(t, err)
		want := taken
		want.FinishedAt, want.HeartbeatAt, want.StartedAt = done.FinishedAt, done.HeartbeatAt, done.StartedAt
		if *done != want || done.State != huifang.JobDone {
			t.Fatalf("done\n got %+v\nwant %+v", *done, want)
		}
		sameMS(t, "finished", done.FinishedAt, tNano.Add(4*time.Minute))
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "import", Key: "big.csv"})
		must(t, err)
		if len(audit) != 1 || audit[0].Action != "policies" || audit[0].UserID != bd.userA.ID {
			t.Fatalf("audit %+v", audit)
		}
		if _, err := db.UnfinishedImportJob(ctx, bd.a.ID, "policies", "fh"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("a done job is unfinished: %v", err)
		}
		// Lists: newest first, limited, per organisation.
		j2 := &huifang.ImportJob{OrgID: bd.a.ID, Kind: "policies", Source: "b.csv", FileHash: "fh2", Owner: "o", StartedAt: t0}
		must(t, db.CreateImportJob(ctx, j2))
		must(t, db.CreateImportJob(ctx, &huifang.ImportJob{OrgID: bd.b.ID, Kind: "policies", Source: "c.csv", FileHash: "fh", Owner: "o", StartedAt: t0}))
		list, err := db.ListImportJobs(ctx, bd.a.ID, 10)
		must(t, err)
		if len(list) != 2 || list[0].ID != j2.ID || list[1].ID != j.ID {
			t.Fatalf("A's jobs %+v", list)
		}
		if list, _ := db.ListImportJobs(ctx, bd.a.ID, 1); len(list) != 1 {
			t.Fatalf("limit 1: %d", len(list))
		}
		must(t, db.EndImportJob(ctx, j2, huifang.JobFailed, "第 3 行：日期无效", cli, t0))
		if f, _ := db.FindImportJob(ctx, bd.a.ID, j2.ID); f.State != huifang.JobFailed || f.Message != "第 3 行：日期无效" {
			t.Fatalf("failed job %+v", f)
		}
	})
}
