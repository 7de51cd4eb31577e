package cli

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

func TestCalendarCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HUIFANG_DB", storetest.URL(t, store.SQLite))
	if code, _, errs := run(t, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	if code, out, _ := run(t, "calendar", "add", "--from", "2026-03-05", "--workdays", "20"); code != 0 || strings.TrimSpace(out) != "2026-04-02" {
		t.Fatalf("calendar add: %d %q", code, out)
	}
	// A year with no calendar is refused, never guessed.
	if code, _, errs := run(t, "calendar", "add", "--from", "2027-12-20", "--workdays", "20"); code != 1 || !strings.Contains(errs, "没有 2028 年的工作日历") {
		t.Fatalf("unknown year: %d %q", code, errs)
	}
	bad := write(t, dir, "bad.txt", "year 2028\nrest 2028-02-30 春节\n")
	if code, _, errs := run(t, "calendar", "load", bad); code != 1 || !strings.Contains(errs, "2") {
		t.Fatalf("bad file: %d %q", code, errs)
	}
	// A made-up year (not a real notice): loading it makes 2028 computable.
	year := write(t, dir, "2028.txt", "year 2028\nsource 测试用日历\nrest 2028-01-01 元旦\nrest 2028-01-25 2028-01-31 春节\nwork 2028-02-05 春节\n")
	if code, out, errs := run(t, "calendar", "load", year); code != 0 || !strings.Contains(out, "2028") {
		t.Fatalf("load: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(t, "calendar", "add", "--from", "2027-12-31", "--workdays", "1"); code != 0 || strings.TrimSpace(out) != "2028-01-03" {
		t.Fatalf("after load: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, "calendar", "show", "2028"); code != 0 || !strings.Contains(out, "春节") || !strings.Contains(out, "2028-02-05") {
		t.Fatalf("show: %d %q", code, out)
	}
}

// TestTwoServersEscalateOnce: two serve processes share one PostgreSQL; an
// overdue problem case escalates once, not twice.
func TestTwoServersEscalateOnce(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	ctx := context.Background()
	key := pii.NewKey()
	t.Setenv("HUIFANG_KEY", key)
	t.Setenv("HUIFANG_KEY_FILE", "")
	t.Setenv("HUIFANG_JOB_INTERVAL", "50ms")
	t.Setenv("HUIFANG_SMTP_ADDR", "")
	t.Setenv("HUIFANG_RECORDINGS_DIR", t.TempDir())
	if code, _, errs := run(t, "migrate", "--db", url); code != 0 {
		t.Fatal(errs)
	}
	// An overdue case, opened on 5 March 2026 with a 10-working-day limit.
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, _ := pii.ParseKey(key)
	box, _ := pii.New(raw)
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	svc.Clock = fixed{time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)}
	cliUser := app.CLI()
	for _, in := range []app.OrgInput{{Kind: huifang.KindRegulator, Code: "REG", Name: "监管局"}, {Kind: huifang.KindInsurer, Code: "A", Name: "甲", RegulatorCode: "REG", ServicePhone: "95500"}} {
		if _, err := svc.CreateOrg(ctx, cliUser, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, rec := range []struct {
		kind importer.Kind
		rows []map[string]string
	}{
		{importer.KindBranches, []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}}},
		{importer.KindProducts, []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身"}}},
		{importer.KindAgents, []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86"}}},
		{importer.KindPolicies, []map[string]string{{"保单号": "P1", "产品代码": "L20", "销售渠道": "个险", "机构代码": "86", "业务员代码": "A001",
			"投保人姓名": "张三", "投保人证件号码": importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1), "投保人出生日期": "1980-05-06",
			"投保人手机号": "13800000001", "被保险人姓名": "张三", "投保日期": "2026-02-20", "承保日期": "2026-02-25", "回执签收日期": "2026-03-02",
			"保费": "10000", "缴费方式": "年交", "缴费年期": "10"}}},
	} {
		if _, err := svc.ImportRecords(ctx, cliUser, "A", rec.kind, "test", rec.rows); err != nil {
			t.Fatalf("%s: %v", rec.kind, err)
		}
	}
	mgr, err := svc.CreateUser(ctx, cliUser, app.UserInput{OrgCode: "A", Login: "mgr", Role: huifang.RoleManager, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.OpenCase(ctx, mgr, "P1", huifang.ProblemComplaint, "客户投诉")
	if err != nil {
		t.Fatal(err)
	}
	// Two servers, same database, jobs every 50 ms.
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errb lockedBuffer
			if code := Main(runCtx, []string{"serve", "--db", url, "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errb); code != 0 {
				t.Errorf("serve %d exited %d: %s", i, code, errb.String())
			}
		}()
	}
	deadline := time.Now().Add(15 * time.Second)
	escalations := 0
	for time.Now().Before(deadline) {
		evs, err := db.ListEvents(ctx, c.OrgID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		escalations = 0
		for _, e := range evs {
			if e.Kind == "escalated" {
				escalations++
			}
		}
		if escalations > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // both servers have run the job several times since
	cancel()
	wg.Wait()
	evs, _ := db.ListEvents(ctx, c.OrgID, c.ID)
	escalations = 0
	for _, e := range evs {
		if e.Kind == "escalated" {
			escalations++
		}
	}
	if escalations != 1 {
		t.Fatalf("%d escalations, want exactly 1", escalations)
	}
	ns, _ := db.ListNotifications(ctx, c.OrgID, mgr.ID, 10)
	var esc int
	for _, n := range ns {
		if n.Kind == "escalation" {
			esc++
		}
	}
	if esc != 1 {
		t.Fatalf("manager got %d escalation notices", esc)
	}
}

type fixed struct{ t time.Time }

func (f fixed) Now() time.Time { return f.t.UTC() }
