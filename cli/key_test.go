package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
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

// keyWorld is a database on one engine with an insurer's reference data and
// policies, written under the key in k1.
type keyWorld struct {
	dir, db  string
	k1, k2   string // key files
	policies string // the policies file imported
	n        int    // its policies
}

const keyPolicyHead = "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间\n"

func keyPolicyLine(i int) string {
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i)
	return fmt.Sprintf("P%03d,L20,个险,86010101,A001,,张三,%s,1980-05-06,1380000%04d,张三,2026-02-20,2026-02-25,2026-03-02,10000,年交,10,\n", i, id, i)
}

func newKeyWorld(t *testing.T, engine store.Engine, policies int) *keyWorld {
	t.Helper()
	pause := rotationPause
	rotationPause = 0 // no server to wait for
	t.Cleanup(func() { rotationPause = pause })
	w := &keyWorld{dir: t.TempDir(), db: storetest.URL(t, engine), n: policies}
	w.k1 = write(t, w.dir, "k1.key", pii.NewKey()+"\n")
	w.k2 = write(t, w.dir, "k2.key", pii.NewKey()+"\n")
	t.Setenv("HUIFANG_DB", w.db)
	t.Setenv("HUIFANG_KEY_FILE", w.k1)
	t.Setenv("HUIFANG_KEY", "")
	w.mustRun(t, "migrate")
	w.mustRun(t, "org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局")
	w.mustRun(t, "org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG")
	for _, im := range []struct{ kind, body string }{
		{"branches", "机构代码,机构名称,上级机构代码\n86,总公司,\n8601,省分,86\n860101,市分,8601\n86010101,营业部,860101\n"},
		{"products", "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\n"},
		{"agents", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,在职\nA002,王芳,13900000002,86010101,00020231002,在职\nA003,赵强,13900000003,86010101,00020231003,在职\n"},
	} {
		w.mustRun(t, "import", im.kind, "--org", "A", write(t, w.dir, im.kind+".csv", im.body))
	}
	var b strings.Builder
	b.WriteString(keyPolicyHead)
	for i := 1; i <= policies; i++ {
		b.WriteString(keyPolicyLine(i))
	}
	w.policies = write(t, w.dir, "policies.csv", b.String())
	w.mustRun(t, "import", "policies", "--org", "A", w.policies)
	return w
}

func (w *keyWorld) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: %d %q %q", args, code, out, errs)
	}
	return out
}

// keyed is a service over the database with its store handle and key, so
// that tests reach the store through DB, not through the service.
type keyed struct {
	*app.Service
	DB  *store.DB
	Box *pii.Box
}

// service opens the database with a key file, without the command line's check.
func (w *keyWorld) service(t *testing.T, keyFile string) keyed {
	t.Helper()
	db, err := store.Open(context.Background(), w.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := pii.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	box, err := pii.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	return keyed{Service: app.New(db, box, nil), DB: db, Box: box}
}

// footprint is what a command could have changed: the policies, callbacks and
// audit entries of every organisation, and the key's state.
func (w *keyWorld) footprint(t *testing.T) string {
	t.Helper()
	s := w.service(t, w.k1)
	ctx := context.Background()
	org, err := s.DB.FindOrgByCode(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := s.DB.CountPolicies(ctx, org.ID)
	tally, _ := s.DB.TallyCallbacks(ctx, org.ID, huifang.NewDate(2026, 3, 5))
	var audits []int
	for _, id := range []int64{0, org.ID, org.RegulatorID} {
		a, _ := s.DB.ListAudit(ctx, id, huifang.AuditFilter{Limit: 1000})
		audits = append(audits, len(a))
	}
	st, _ := s.DB.KeyState(ctx)
	return fmt.Sprintf("policies %d callbacks %+v audit %v key %q %v", n, tally, audits, st.Check, st.Rotation)
}

// readAll opens every phone and ID number with the key and checks the look-up
// hashes find them.
func (w *keyWorld) readAll(t *testing.T, keyFile string) {
	t.Helper()
	s := w.service(t, keyFile)
	ctx := context.Background()
	org, _ := s.DB.FindOrgByCode(ctx, "A")
	for i := 1; i <= w.n; i++ {
		rec, err := s.DB.FindPolicy(ctx, org.ID, fmt.Sprintf("P%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		phone, err := s.Box.Open(rec.HolderPhoneEnc)
		want := fmt.Sprintf("1380000%04d", i)
		if err != nil || phone != want {
			t.Fatalf("policy %s phone %q %v, want %s", rec.No, phone, err, want)
		}
		id, err := s.Box.Open(rec.HolderIDEnc)
		if err != nil || id != importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i) {
			t.Fatalf("policy %s ID %q %v", rec.No, id, err)
		}
		if rec.HolderPhoneHash != s.Box.Hash(phone) || rec.HolderIDHash != s.Box.Hash(id) {
			t.Fatalf("policy %s look-up hashes not under this key", rec.No)
		}
		if holders, _, _ := s.DB.CountPhoneHolders(ctx, org.ID, s.Box.Hash(want)); holders != 1 {
			t.Fatalf("policy %s not found by its phone hash", rec.No)
		}
	}
	agents, err := s.DB.ListAgents(ctx, org.ID)
	if err != nil || len(agents) != 3 {
		t.Fatalf("agents %d %v", len(agents), err)
	}
	for _, a := range agents {
		phone, err := s.Box.Open(a.PhoneEnc)
		if err != nil || !strings.HasPrefix(phone, "1390000000") || a.PhoneHash != s.Box.Hash(phone) {
			t.Fatalf("agent %s phone %q %v", a.Code, phone, err)
		}
	}
}

// TestWrongKeyRefused: a database keyed with one key refuses every command
// given another, before touching anything.
func TestWrongKeyRefused(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newKeyWorld(t, engine, 3)
			before := w.footprint(t)
			if !strings.Contains(before, "key \"") || strings.Contains(before, `key ""`) {
				t.Fatalf("the first import did not key the database: %s", before)
			}
			more := write(t, w.dir, "more.csv", keyPolicyHead+keyPolicyLine(1)+keyPolicyLine(7))
			for _, args := range [][]string{
				{"serve", "--addr", "127.0.0.1:0"},
				{"import", "policies", "--org", "A", more},
				{"import", "agents", "--org", "A", write(t, w.dir, "a.csv", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA009,周一,13900000009,86010101,00020231009,在职\n")},
				{"export", "callbacks", "--org", "A"},
				{"jobs", "run"},
				{"key", "check"},
			} {
				code, out, errs := run(t, append(args, "--key-file", w.k2)...)
				if code != 1 || out != "" || !strings.Contains(errs, "个人信息密钥与此数据库不符") {
					t.Fatalf("%v with the wrong key: %d %q %q", args, code, out, errs)
				}
			}
			if after := w.footprint(t); after != before {
				t.Fatalf("a refused key changed the database:\n%s\n%s", before, after)
			}
			if out := w.mustRun(t, "key", "check"); !strings.Contains(out, "matches") {
				t.Fatalf("key check with the right key: %q", out)
			}
			w.readAll(t, w.k1)
		})
	}
}

// TestUnkeyedDatabase: a database written before the check existed is keyed by
// the first key that opens its data, and refuses one that cannot.
func TestUnkeyedDatabase(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.URL(t, engine)
			k1, k2 := write(t, dir, "k1.key", pii.NewKey()), write(t, dir, "k2.key", pii.NewKey())
			t.Setenv("HUIFANG_DB", db)
			t.Setenv("HUIFANG_KEY_FILE", k1)
			w := &keyWorld{dir: dir, db: db, k1: k1, k2: k2, n: 2}
			w.mustRun(t, "migrate")
			w.mustRun(t, "org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局")
			w.mustRun(t, "org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG")
			// Written as an older huifang did: through the service, no check value.
			s := w.service(t, k1)
			ctx := context.Background()
			for _, im := range []struct {
				kind importer.Kind
				body string
			}{
				{importer.KindBranches, "机构代码,机构名称,上级机构代码\n86,总公司,\n8601,省分,86\n860101,市分,8601\n86010101,营业部,860101\n"},
				{importer.KindProducts, "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\n"},
				{importer.KindAgents, "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,在职\n"},
			} {
				if _, err := s.ImportFile(ctx, app.CLI(), "A", im.kind, write(t, dir, string(im.kind)+".csv", im.body), "x.csv", nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, write(t, dir, "p.csv", keyPolicyHead+keyPolicyLine(1)+keyPolicyLine(2)), "p.csv", nil); err != nil {
				t.Fatal(err)
			}
			if st, _ := s.DB.KeyState(ctx); st.Check != "" {
				t.Fatal("keyed already")
			}
			before := w.footprint(t)
			for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"import", "policies", "--org", "A", write(t, dir, "p3.csv", keyPolicyHead+keyPolicyLine(3))}} {
				if code, _, errs := run(t, append(args, "--key-file", k2)...); code != 1 || !strings.Contains(errs, "无法解密") {
					t.Fatalf("%v with a key that cannot open the data: %d %q", args, code, errs)
				}
			}
			if after := w.footprint(t); after != before {
				t.Fatalf("a refused key changed the database:\n%s\n%s", before, after)
			}
			if out := w.mustRun(t, "key", "check"); !strings.Contains(out, "matches") {
				t.Fatalf("key check: %q", out)
			}
			if st, _ := s.DB.KeyState(ctx); !pii.SameCheck(st.Check, s.Box.Check()) {
				t.Fatal("the right key did not key the database")
			}
			if code, _, errs := run(t, "export", "callbacks", "--org", "A", "--key-file", k2); code != 1 || !strings.Contains(errs, "不符") {
				t.Fatalf("after keying, the other key: %d %q", code, errs)
			}
		})
	}
}

// TestKeyRotate: after a rotation the old key is refused and the new one reads
// every phone and ID number and finds them by their hashes; rotating to the
// same key is refused.
func TestKeyRotate(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newKeyWorld(t, engine, 5)
			before := w.footprint(t)
			same := write(t, w.dir, "same.key", strings.TrimSpace(readFile(t, w.k1)))
			if code, _, errs := run(t, "key", "rotate", "--new-key-file", same); code != 1 || !strings.Contains(errs, "新密钥与当前密钥相同") {
				t.Fatalf("rotate to the same key: %d %q", code, errs)
			}
			if code, _, errs := run(t, "key", "rotate", "--new-key-file", write(t, w.dir, "k3.key", pii.NewKey()), "--key-file", w.k2); code != 1 || !strings.Contains(errs, "不符") {
				t.Fatalf("rotate from a wrong key: %d %q", code, errs)
			}
			if after := w.footprint(t); after != before {
				t.Fatalf("a refused rotation changed the database:\n%s\n%s", before, after)
			}
			out := w.mustRun(t, "key", "rotate", "--new-key-file", w.k2, "--chunk", "2")
			if !strings.Contains(out, "resealed 3 agents and 5 policies") {
				t.Fatalf("rotate: %q", out)
			}
			for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"import", "policies", "--org", "A", w.policies}, {"key", "check"}} {
				if code, _, errs := run(t, args...); code != 1 || !strings.Contains(errs, "不符") {
					t.Fatalf("%v with the old key after rotation: %d %q", args, code, errs)
				}
			}
			if code, _, errs := run(t, "key", "rotate", "--new-key-file", w.k2, "--key-file", w.k2); code != 1 || !strings.Contains(errs, "相同") {
				t.Fatalf("rotate again: %d %q", code, errs)
			}
			w.readAll(t, w.k2)
			t.Setenv("HUIFANG_KEY_FILE", w.k2)
			if out := w.mustRun(t, "import", "policies", "--org", "A", w.policies); !strings.Contains(out, "5 unchanged") {
				t.Fatalf("the same file after rotation: %q (row hashes not recomputed)", out)
			}
			s := w.service(t, w.k2)
			audit, _ := s.DB.ListAudit(context.Background(), 0, huifang.AuditFilter{Entity: "pii-key"})
			var actions []string
			for _, a := range audit {
				actions = append(actions, a.Action)
			}
			if got := strings.Join(actions, " "); !strings.Contains(got, "rotate-start") || !strings.Contains(got, "rotated") || !strings.Contains(got, "keyed") {
				t.Fatalf("audit of the key: %q", got)
			}
		})
	}
}

// TestKeyRotateResumed: a rotation stopped after two chunks (as by kill -9)
// leaves the database refusing every other command; the same command run
// again finishes it, and every value is readable with the new key.
func TestKeyRotateResumed(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newKeyWorld(t, engine, 7)
			s := w.service(t, w.k1)
			next := w.service(t, w.k2).Box
			ctx, cancel := context.WithCancel(context.Background())
			chunks := 0
			_, err := s.RotateKey(ctx, app.CLI(), next, app.KeyRotateOptions{Chunk: 2, Progress: func(string, int64) {
				if chunks++; chunks == 3 { // agents 1-2, agent 3 (stage done), policies 1-2
					cancel()
				}
			}})
			if err != context.Canceled {
				t.Fatalf("interrupted rotation: %v", err)
			}
			st, _ := s.DB.KeyState(context.Background())
			if st.Rotation == nil || st.Rotation.Stage != huifang.KeyStagePolicies || st.Rotation.AfterKey != "P002" || st.Rotation.Rows != 5 {
				t.Fatalf("progress after three chunks: %+v", st.Rotation)
			}
			// Half rotated: every other command is refused, with either key.
			for _, args := range [][]string{
				{"serve", "--addr", "127.0.0.1:0"},
				{"import", "policies", "--org", "A", w.policies},
				{"import", "policies", "--org", "A", w.policies, "--key-file", w.k2},
				{"org", "add", "--kind", "regulator", "--code", "R2", "--name", "另一保监局"},
			} {
				if code, _, errs := run(t, args...); code != 1 || !strings.Contains(errs, "密钥轮换未完成") {
					t.Fatalf("%v during a rotation: %d %q", args, code, errs)
				}
			}
			if code, out, _ := run(t, "key", "check", "--key-file", w.k2); code != 1 || !strings.Contains(out, "this is the new key") {
				t.Fatalf("key check during a rotation: %d %q", code, out)
			}
			// Resuming toward another key is refused; the same pair finishes it.
			other := write(t, w.dir, "k3.key", pii.NewKey())
			if code, _, errs := run(t, "key", "rotate", "--new-key-file", other); code != 1 || !strings.Contains(errs, "另一次密钥轮换未完成") {
				t.Fatalf("resume toward another key: %d %q", code, errs)
			}
			out := w.mustRun(t, "key", "rotate", "--new-key-file", w.k2, "--chunk", "2")
			if !strings.Contains(out, "resumed") || !strings.Contains(out, "resealed 0 agents and 5 policies") {
				t.Fatalf("resume: %q", out)
			}
			w.readAll(t, w.k2)
			t.Setenv("HUIFANG_KEY_FILE", w.k2)
			if out := w.mustRun(t, "key", "check"); !strings.Contains(out, "matches") {
				t.Fatalf("key check after the rotation: %q", out)
			}
			if out := w.mustRun(t, "import", "policies", "--org", "A", w.policies); !strings.Contains(out, "7 unchanged") {
				t.Fatalf("the same file after a resumed rotation: %q", out)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestServeStopsWhenKeyRotates: a server started with the old key stops once a
// rotation begins from another shell, instead of sealing data under the old key.
func TestServeStopsWhenKeyRotates(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newKeyWorld(t, engine, 2)
			interval := keyWatchInterval
			keyWatchInterval = 20 * time.Millisecond
			t.Cleanup(func() { keyWatchInterval = interval })
			svc := w.service(t, w.k1)
			svc.Log = slog.New(slog.DiscardHandler)
			if err := svc.CheckKey(context.Background()); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
			ready, done := make(chan string, 1), make(chan error, 1)
			go func() {
				done <- serve(e, svc.Service, serveOptions{addr: "127.0.0.1:0"}, func(a string) { ready <- a })
			}()
			addr := <-ready
			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("serving: %v", err)
			}
			res.Body.Close()
			w.mustRun(t, "key", "rotate", "--new-key-file", w.k2)
			select {
			case err := <-done:
				if err == nil || !strings.Contains(message(err), "密钥") {
					t.Fatalf("server stopped with %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the server goes on serving with the old key")
			}
		})
	}
}
