package app_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// policyFile is n good policies, P00001 onwards, received on 3 March.
func policyFile(n int) string {
	var b strings.Builder
	b.WriteString(policyHead)
	for i := 1; i <= n; i++ {
		b.WriteString(policyLine(fmt.Sprintf("P%05d", i), "L20", "个险", "2026-03-03", fmt.Sprintf("138%08d", i), i))
	}
	return b.String()
}

// An import is written in chunks that commit separately; one interrupted
// between chunks is stored as interrupted with what it wrote, and importing
// the same file again completes it: the same job, every policy once, and
// the kept counts equal to a recount of the rows — also after an operator
// finished a callback between the two runs.
func TestImportInChunksResumes(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.svc.ImportChunk = 10
		path := w.file(t, "big.csv", policyFile(45))
		run, cancel := context.WithCancel(ctx)
		_, err := w.svc.ImportFile(run, app.CLI(), "A", importer.KindPolicies, path, "big.csv", func(phase string, done, total int) {
			if phase == "writing" && done >= 20 {
				cancel() // as SIGINT does to `huifang import`
			}
		})
		cancel()
		if huifang.ErrorCode(err) != huifang.EUNAVAILABLE || !strings.Contains(huifang.ErrorMessage(err), "已写入 20 / 45 行") {
			t.Fatalf("interrupted import: %v", err)
		}
		js, err := w.svc.ImportJobs(ctx, w.admin, 10)
		if err != nil || len(js) != 1 {
			t.Fatalf("jobs %+v, %v", js, err)
		}
		j := js[0]
		if j.State != huifang.JobInterrupted || j.RowsWritten != 20 || j.RowsTotal != 45 || j.Chunks != 2 || j.Result.Created != 20 || j.Source != "big.csv" || j.FileHash == "" {
			t.Fatalf("interrupted job %+v", j)
		}
		if n, _ := w.db.CountPolicies(ctx, j.OrgID); n != 20 {
			t.Fatalf("%d policies written, want the 2 chunks' 20", n)
		}
		// An operator works while the import is interrupted.
		wk, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, wk.Callback.ID, passing(wk))
		mustDo(t, func() error { return err })

		res := w.importFile(t, "A", importer.KindPolicies, policyFile(45))
		if res.Job == nil || res.Job.ID != j.ID || res.Job.State != huifang.JobDone || res.Job.RowsWritten != 45 || res.Counts.Created != 45 || res.Counts.Unchanged != 0 {
			t.Fatalf("resumed import %+v job %+v", res, res.Job)
		}
		if n, _ := w.db.CountPolicies(ctx, j.OrgID); n != 45 {
			t.Fatalf("%d policies, want 45", n)
		}
		before := w.clk.t
		w.clk.t = april(1) // March has ended: every callback due in it counts
		_, fast, err := w.svc.StatsTable(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		_, slow, err := w.svc.StatsRecount(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		if !reflect.DeepEqual(fast, slow) || fast.Total.Callbacks.Due != 45 || fast.Total.Callbacks.Completed != 1 {
			t.Fatalf("counts %+v, recount %+v", fast.Total, slow.Total)
		}
		w.clk.t = before
		// Once done, the same file again is a new job that changes nothing.
		res = w.importFile(t, "A", importer.KindPolicies, policyFile(45))
		if res.Job.ID == j.ID || res.Counts.Unchanged != 45 || res.Job.Chunks != 5 {
			t.Fatalf("import again %+v job %+v", res.Counts, res.Job)
		}
	})
}

// A bad row after the first chunks still writes nothing: the whole file is
// checked before the first chunk.
func TestChunkedImportBadRowWritesNothing(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.svc.ImportChunk = 10
		body := policyFile(35) + policyLine("P99999", "NOPE", "个险", "2026-03-03", "13800000000", 99)
		res, err := w.svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, w.file(t, "bad.csv", body), "bad.csv", nil)
		if err == nil || res == nil || res.Report == nil || res.Report.Bad != 1 {
			t.Fatalf("bad file: %+v %v", res, err)
		}
		org, _ := w.db.FindOrgByCode(ctx, "A")
		if n, _ := w.db.CountPolicies(ctx, org.ID); n != 0 {
			t.Fatalf("%d policies written from a bad file", n)
		}
		if js, _ := w.svc.ImportJobs(ctx, w.admin, 10); len(js) != 0 {
			t.Fatalf("a bad file made jobs %+v", js)
		}
	})
}

// A job left running by a process that died (kill -9) is marked interrupted
// by the next server to start, and importing the file again completes it;
// a job of a live process is left alone.
func TestLostImportIsInterrupted(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		org, _ := w.db.FindOrgByCode(ctx, "A")
		host, _ := os.Hostname()
		dead := &huifang.ImportJob{OrgID: org.ID, Kind: "policies", Source: "old.csv", FileHash: "x", RowsTotal: 10, Actor: "cli",
			Owner: host + ":999999999:00", StartedAt: time.Now()}
		live := &huifang.ImportJob{OrgID: org.ID, Kind: "policies", Source: "live.csv", FileHash: "y", RowsTotal: 10, Actor: "cli",
			Owner: fmt.Sprintf("%s:%d:00", host, os.Getppid()), StartedAt: time.Now()}
		far := &huifang.ImportJob{OrgID: org.ID, Kind: "policies", Source: "far.csv", FileHash: "z", RowsTotal: 10, Actor: "cli",
			Owner: "another-host:1:00", StartedAt: time.Now()}
		for _, j := range []*huifang.ImportJob{dead, live, far} {
			mustDo(t, func() error { return w.db.CreateImportJob(ctx, j) })
		}
		lost, err := w.svc.InterruptLostImports(ctx)
		if err != nil || len(lost) != 1 || lost[0].ID != dead.ID {
			t.Fatalf("lost %+v, %v", lost, err)
		}
		for _, j := range []*huifang.ImportJob{dead, live, far} {
			got, err := w.db.FindImportJob(ctx, org.ID, j.ID)
			mustDo(t, func() error { return err })
			want := huifang.JobRunning
			if j == dead {
				want = huifang.JobInterrupted
			}
			if got.State != want {
				t.Errorf("%s: %s, want %s", j.Source, got.State, want)
			}
		}
		// Another host's job goes stale after two minutes without a chunk.
		w.clk.t = time.Now().Add(3 * time.Minute)
		if lost, _ := w.svc.InterruptLostImports(ctx); len(lost) != 1 || lost[0].ID != far.ID {
			t.Fatalf("stale job not interrupted: %+v", lost)
		}
	})
}

// A stopping server refuses new imports with 503's code, not a bare error.
func TestStoppedServiceRefusesImports(t *testing.T) {
	t.Parallel()
	w := setup(t, sqliteWorld(t))
	w.svc.StopImports()
	_, err := w.svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, w.file(t, "p.csv", policyFile(3)), "p.csv", nil)
	if huifang.ErrorCode(err) != huifang.EUNAVAILABLE {
		t.Fatalf("import while stopping: %v", err)
	}
	if err := w.svc.WaitImports(ctx); err != nil {
		t.Fatal(err)
	}
}
