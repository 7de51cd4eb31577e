package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestServeStopsDuringImport: SIGTERM (the context ending) while an import
// runs through the API. serve stops taking requests, lets the import finish
// its chunk and marks it interrupted (the client is told 503: retry), says
// what it did, and exits cleanly; importing the same rows again completes
// the job: every policy once.
func TestServeStopsDuringImport(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			url := storetest.URL(t, engine)
			ctx := context.Background()
			key := pii.NewKey()
			t.Setenv("HUIFANG_KEY", key)
			t.Setenv("HUIFANG_KEY_FILE", "")
			t.Setenv("HUIFANG_SMTP_ADDR", "")
			t.Setenv("HUIFANG_SMS_URL", "")
			t.Setenv("HUIFANG_RECORDINGS_DIR", t.TempDir())
			if code, _, errs := run(t, "migrate", "--db", url); code != 0 {
				t.Fatal(errs)
			}
			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			raw, _ := pii.ParseKey(key)
			box, _ := pii.New(raw)
			svc := app.New(db, box, slog.New(slog.DiscardHandler))
			cliUser := app.CLI()
			if _, err := svc.CreateOrg(ctx, cliUser, app.OrgInput{Kind: huifang.KindInsurer, Code: "A", Name: "甲"}); err != nil {
				t.Fatal(err)
			}
			for _, rec := range []struct {
				kind importer.Kind
				rows []map[string]string
			}{
				{importer.KindBranches, []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}}},
				{importer.KindProducts, []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身"}}},
				{importer.KindAgents, []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86"}}},
			} {
				if _, err := svc.ImportRecords(ctx, cliUser, "A", rec.kind, "test", rec.rows); err != nil {
					t.Fatalf("%s: %v", rec.kind, err)
				}
			}
			if _, err := svc.CreateUser(ctx, cliUser, app.UserInput{OrgCode: "A", Login: "adm", Role: huifang.RoleInsurerAdmin, Password: "secret-password"}); err != nil {
				t.Fatal(err)
			}
			token, err := svc.CreateToken(ctx, cliUser, app.TokenInput{OrgCode: "A", Login: "adm"})
			if err != nil {
				t.Fatal(err)
			}
			const n = 40000
			rows := make([]map[string]string, n)
			birth := huifang.NewDate(1980, 5, 6)
			for i := range rows {
				rows[i] = map[string]string{"保单号": fmt.Sprintf("P%06d", i+1), "产品代码": "L20", "销售渠道": "个险", "机构代码": "86", "业务员代码": "A001",
					"投保人姓名": "张三", "投保人证件号码": importer.ValidIDNumber("110101", birth, i%1000), "投保人出生日期": "1980-05-06",
					"投保人手机号": fmt.Sprintf("138%08d", i), "被保险人姓名": "张三", "投保日期": "2026-02-20", "承保日期": "2026-02-25", "回执签收日期": "2026-03-02",
					"保费": "10000", "缴费方式": "年交", "缴费年期": "10"}
			}
			batch, _ := json.Marshal(map[string]any{"source": "core-batch", "rows": rows})

			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			var out, errb lockedBuffer
			exited := make(chan int, 1)
			go func() {
				exited <- Main(runCtx, []string{"serve", "--db", url, "--addr", "127.0.0.1:0", "--shutdown-timeout", "20s"}, strings.NewReader(""), &out, &errb)
			}()
			addr := ""
			for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(out.String()); m != nil {
					addr = m[1]
				}
			}
			if addr == "" {
				t.Fatalf("serve did not start: %s", errb.String())
			}
			type reply struct {
				status     int
				retryAfter string
				body       string
				err        error
			}
			replied := make(chan reply, 1)
			go func() {
				req, _ := http.NewRequest("POST", addr+"/api/v1/import/policies", bytes.NewReader(batch))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					replied <- reply{err: err}
					return
				}
				defer resp.Body.Close()
				var b bytes.Buffer
				b.ReadFrom(resp.Body)
				replied <- reply{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: b.String()}
			}()
			org, _ := db.FindOrgByCode(ctx, "A")
			// The signal comes once the import has committed a chunk.
			var job huifang.ImportJob
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				js, err := db.ListImportJobs(ctx, org.ID, 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(js) == 1 && js[0].RowsWritten > 0 {
					job = js[0]
					break
				}
			}
			if job.ID == 0 || job.State != huifang.JobRunning {
				t.Fatalf("no import running: %+v", job)
			}
			stop()
			select {
			case code := <-exited:
				if code != 0 {
					t.Fatalf("serve exited %d: %s", code, errb.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop")
			}
			r := <-replied
			if r.err != nil || r.status != http.StatusServiceUnavailable || r.retryAfter == "" || !strings.Contains(r.body, "重新导入同一文件即可从中断处继续") {
				t.Fatalf("import reply: %+v", r)
			}
			got, err := db.FindImportJob(ctx, org.ID, job.ID)
			if err != nil {
				t.Fatal(err)
			}
			written, _ := db.CountPolicies(ctx, org.ID)
			if got.State != huifang.JobInterrupted || got.RowsWritten >= n || got.RowsWritten != written || got.RowsWritten%100 != 0 {
				t.Fatalf("job after stop %+v, %d policies written", got, written)
			}
			for _, want := range []string{"stopping: no new requests", "stopping: no import is writing", "stopping: every request answered", "stopped: background jobs ended", "huifang stopped"} {
				if !strings.Contains(errb.String()+out.String(), want) {
					t.Errorf("serve did not say %q:\n%s", want, errb.String())
				}
			}
			// The same rows again complete the job.
			res, err := svc.ImportRecords(ctx, cliUser, "A", importer.KindPolicies, "core-batch", rows)
			if err != nil {
				t.Fatal(err)
			}
			if written, _ := db.CountPolicies(ctx, org.ID); res.Job.ID != job.ID || res.Job.State != huifang.JobDone || res.Counts.Created != n || written != n {
				t.Fatalf("resumed: %+v job %+v, %d policies", res.Counts, res.Job, written)
			}
		})
	}
}
