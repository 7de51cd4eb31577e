package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	cli = huifang.Actor{Name: "cli"}
)

// bundle is one test's world: a regulator and two insurers with reference data.
type bundle struct {
	db    *store.DB
	reg   *huifang.Org
	a, b  *huifang.Org
	userA *huifang.User
	userB *huifang.User
}

func setup(t *testing.T, db *store.DB) *bundle {
	t.Helper()
	bd := &bundle{db: db}
	bd.reg = &huifang.Org{Code: "REG", Name: "某保监局", Kind: huifang.KindRegulator, CreatedAt: t0}
	must(t, db.CreateOrg(ctx, bd.reg))
	bd.a = &huifang.Org{Code: "A", Name: "甲人寿", Kind: huifang.KindInsurer, RegulatorID: bd.reg.ID, CreatedAt: t0}
	must(t, db.CreateOrg(ctx, bd.a))
	bd.b = &huifang.Org{Code: "B", Name: "乙人寿", Kind: huifang.KindInsurer, RegulatorID: bd.reg.ID, CreatedAt: t0}
	must(t, db.CreateOrg(ctx, bd.b))
	bd.userA = &huifang.User{OrgID: bd.a.ID, Login: "op-a", Role: huifang.RoleOperator, PasswordHash: "x", CreatedAt: t0}
	must(t, db.CreateUser(ctx, bd.userA, cli))
	bd.userB = &huifang.User{OrgID: bd.b.ID, Login: "op-b", Role: huifang.RoleOperator, PasswordHash: "x", CreatedAt: t0}
	must(t, db.CreateUser(ctx, bd.userB, cli))
	for _, o := range []*huifang.Org{bd.a, bd.b} {
		_, err := db.SaveBranches(ctx, o.ID, []huifang.Branch{{Code: "0", Name: "总公司"}, {Code: "01", Name: "省分", ParentCode: "0", Level: 1}}, cli, t0)
		must(t, err)
		_, err = db.SaveProducts(ctx, o.ID, []huifang.Product{{Code: "P1", Name: "终身寿", Design: huifang.DesignTraditional, Term: huifang.Term{WholeLife: true}, CoolingOffDays: 15}}, cli, t0)
		must(t, err)
	}
	return bd
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func policy(no string, receipt huifang.Date, hash string) *huifang.PolicyRecord {
	r := &huifang.PolicyRecord{
		Policy: huifang.Policy{No: no, ProductCode: "P1", Channel: huifang.ChannelAgency, BranchCode: "01", AgentCode: "AG1",
			HolderName: "张三", HolderBirth: huifang.NewDate(1980, 1, 1), InsuredName: "张三", AppliedOn: huifang.NewDate(2026, 2, 20),
			IssuedOn: huifang.NewDate(2026, 2, 25), ReceiptOn: receipt, PremiumFen: 1000000, PayMode: huifang.PayAnnual, PayYears: 10,
			Term: huifang.Term{WholeLife: true}},
		HolderIDEnc: "enc-id", HolderIDHash: "hid-" + no, HolderPhoneEnc: "enc-phone", HolderPhoneHash: "hp-" + no, RowHash: hash,
	}
	if !receipt.IsZero() {
		r.Plans = []huifang.Plan{{Kind: huifang.KindNewBusiness, DueOn: receipt.AddDays(15)}}
	}
	return r
}

func source(rs ...*huifang.PolicyRecord) func() (*huifang.PolicyRecord, error) {
	i := 0
	return func() (*huifang.PolicyRecord, error) {
		if i == len(rs) {
			return nil, io.EOF
		}
		i++
		return rs[i-1], nil
	}
}

func TestMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		applied, latest, err := db.SchemaVersion(ctx)
		must(t, err)
		if applied != latest || latest < 1 {
			t.Fatalf("schema %d of %d", applied, latest)
		}
		done, err := db.Migrate(ctx)
		must(t, err)
		if len(done) != 0 {
			t.Fatalf("second migrate applied %v", done)
		}
		must(t, db.SchemaCurrent(ctx))
	})
}

// TestReset drops every table, those migrations made and any other, each
// after the tables that refer to it, and leaves a database that migrates afresh.
func TestReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("N1", huifang.NewDate(2026, 3, 2), "h1")))
		must(t, err)
		// A table no migration knows, whose rows refer to an organisation.
		must(t, db.ExecForTest(ctx, `CREATE TABLE zz_extra (org_id BIGINT NOT NULL REFERENCES orgs (id))`))
		must(t, db.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO zz_extra (org_id) VALUES (%d)`, bd.a.ID)))

		must(t, db.Reset(ctx))
		tables := `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`
		if db.Engine() == store.SQLite {
			tables = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
		}
		rows, err := db.QueryForTest(ctx, tables)
		must(t, err)
		var n int
		for rows.Next() {
			must(t, rows.Scan(&n))
		}
		rows.Close()
		if n != 0 {
			t.Fatalf("%d tables left after Reset", n)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate after reset: %v", err)
		}
		setup(t, db)
	})
}

func TestSchemaBehind(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db, err := store.Open(ctx, storetest.URL(t, e))
			must(t, err)
			defer db.Close()
			err = db.SchemaCurrent(ctx)
			if err == nil || !strings.Contains(err.Error(), "huifang migrate") {
				t.Fatalf("want a message to migrate, got %v", err)
			}
		})
	}
}

func TestOrgsUsersSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		err := db.CreateOrg(ctx, &huifang.Org{Code: "A", Name: "dup", Kind: huifang.KindInsurer})
		if !errors.Is(err, huifang.ErrConflict) {
			t.Fatalf("duplicate org: %v", err)
		}
		err = db.CreateUser(ctx, &huifang.User{OrgID: bd.b.ID, Login: "op-a", Role: huifang.RoleOperator, PasswordHash: "x"}, cli)
		if !errors.Is(err, huifang.ErrConflict) {
			t.Fatalf("duplicate login: %v", err)
		}
		if _, err := db.FindUserByID(ctx, bd.b.ID, bd.userA.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("user of A found through B: %v", err)
		}
		must(t, db.CreateSession(ctx, "tok", huifang.SessionWeb, "", bd.userA, t0, t0.Add(time.Hour)))
		u, err := db.FindSession(ctx, "tok", huifang.SessionWeb, t0.Add(30*time.Minute))
		must(t, err)
		if u.ID != bd.userA.ID || u.OrgID != bd.a.ID {
			t.Fatalf("session user %+v", u)
		}
		if _, err := db.FindSession(ctx, "tok", huifang.SessionWeb, t0.Add(2*time.Hour)); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("expired session accepted: %v", err)
		}
		must(t, db.CreateSession(ctx, "api", huifang.SessionAPI, "ci", bd.userA, t0, time.Time{}))
		if _, err := db.FindSession(ctx, "api", huifang.SessionAPI, t0.AddDate(5, 0, 0)); err != nil {
			t.Fatalf("token without expiry: %v", err)
		}
		n, err := db.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour))
		must(t, err)
		if n != 1 {
			t.Fatalf("deleted %d expired sessions", n)
		}
		must(t, db.DeleteSession(ctx, "api"))
		if _, err := db.FindSession(ctx, "api", huifang.SessionAPI, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatal("deleted token still works")
		}
		orgs, err := db.ListOrgs(ctx, bd.reg.ID)
		must(t, err)
		if len(orgs) != 3 {
			t.Fatalf("regulator sees %d orgs", len(orgs))
		}
	})
}

func TestReferenceSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		agents := []huifang.AgentRecord{{Agent: huifang.Agent{Code: "AG1", Name: "李四", BranchCode: "01", Status: huifang.AgentActive}, PhoneEnc: "e1", PhoneHash: "h1"}}
		c, err := db.SaveAgents(ctx, bd.a.ID, agents, cli, t0)
		must(t, err)
		if c.Created != 1 {
			t.Fatalf("first save %+v", c)
		}
		agents[0].PhoneEnc = "e2" // sealed again: same number, new ciphertext
		c, err = db.SaveAgents(ctx, bd.a.ID, agents, cli, t0)
		must(t, err)
		if c.Unchanged != 1 {
			t.Fatalf("resave %+v", c)
		}
		agents[0].Status = huifang.AgentLeft
		c, err = db.SaveAgents(ctx, bd.a.ID, agents, cli, t0)
		must(t, err)
		if c.Updated != 1 {
			t.Fatalf("changed save %+v", c)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "agent", Key: "AG1"})
		must(t, err)
		if len(audit) != 1 || !strings.Contains(audit[0].Detail, "left") {
			t.Fatalf("audit %+v", audit)
		}
		if as, _ := db.ListAgents(ctx, bd.b.ID); len(as) != 0 {
			t.Fatalf("B sees A's agents: %v", as)
		}
		p, err := db.FindProduct(ctx, bd.a.ID, "P1")
		must(t, err)
		if !p.Term.WholeLife || p.CoolingOffDays != 15 {
			t.Fatalf("product %+v", p)
		}
	})
}

func TestImportPolicies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		receipt := huifang.NewDate(2026, 3, 2)
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("N1", receipt, "h1"), policy("N2", huifang.Date{}, "h2")))
		must(t, err)
		if res.Created != 2 || res.Callbacks != 1 {
			t.Fatalf("first import %+v", res)
		}
		// The same file again changes nothing.
		res, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("N1", receipt, "h1"), policy("N2", huifang.Date{}, "h2")))
		must(t, err)
		if res.Unchanged != 2 || res.Created+res.Updated+res.Callbacks != 0 {
			t.Fatalf("second import %+v", res)
		}
		// N2's receipt arrives: its callback appears; N1's premium changes: audited.
		n1 := policy("N1", receipt, "h1b")
		n1.PremiumFen = 2000000
		res, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "g.csv", source(n1, policy("N2", receipt, "h2b")))
		must(t, err)
		if res.Updated != 2 || res.Callbacks != 1 {
			t.Fatalf("third import %+v", res)
		}
		p, err := db.FindPolicy(ctx, bd.a.ID, "N1")
		must(t, err)
		if p.PremiumFen != 2000000 || !p.ReceiptOn.After(huifang.NewDate(2026, 3, 1)) {
			t.Fatalf("policy %+v", p.Policy)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "policy", Key: "N1"})
		must(t, err)
		if len(audit) != 1 || !strings.Contains(audit[0].Detail, "premium_fen") || !strings.Contains(audit[0].Detail, "1000000") {
			t.Fatalf("policy audit %+v", audit)
		}
		n, err := db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter{})
		must(t, err)
		if n != 2 {
			t.Fatalf("%d callbacks", n)
		}
		var due huifang.Date
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{PolicyNo: "N2"}, func(r *huifang.CallbackRow) error {
			due = r.DueOn
			return nil
		}))
		if due != huifang.NewDate(2026, 3, 17) {
			t.Fatalf("N2 due %v", due)
		}
		// Tenancy: B sees none of it, and may hold its own N1.
		if _, err := db.FindPolicy(ctx, bd.b.ID, "N1"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B found A's policy: %v", err)
		}
		if n, _ := db.CountCallbacks(ctx, bd.b.ID, huifang.CallbackFilter{}); n != 0 {
			t.Fatalf("B sees %d callbacks", n)
		}
		res, err = db.ImportPolicies(ctx, bd.b.ID, cli, t0, "b.csv", source(policy("N1", receipt, "x")))
		must(t, err)
		if res.Created != 1 {
			t.Fatalf("B import %+v", res)
		}
	})
}

func TestImportRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		i := 0
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", func() (*huifang.PolicyRecord, error) {
			i++
			if i > 3 {
				return nil, errors.New("disk on fire")
			}
			return policy(fmt.Sprint("N", i), huifang.NewDate(2026, 3, 2), "h"), nil
		})
		if err == nil {
			t.Fatal("import succeeded")
		}
		if n, _ := db.CountPolicies(ctx, bd.a.ID); n != 0 {
			t.Fatalf("%d policies written by a failed import", n)
		}
	})
}

func importN(t *testing.T, db *store.DB, orgID int64, n int) {
	t.Helper()
	i := 0
	_, err := db.ImportPolicies(ctx, orgID, cli, t0, "n.csv", func() (*huifang.PolicyRecord, error) {
		if i == n {
			return nil, io.EOF
		}
		i++
		return policy(fmt.Sprintf("P%06d", i), huifang.NewDate(2026, 3, 1).AddDays(i%20), "h"), nil
	})
	must(t, err)
}

func TestClaimOrderAndLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importN(t, db, bd.a.ID, 5)
		c1, err := db.ClaimCallback(ctx, bd.a.ID, bd.userA.ID, t0, 10*time.Minute)
		must(t, err)
		c2, err := db.ClaimCallback(ctx, bd.a.ID, bd.userA.ID+100, t0, 10*time.Minute)
		must(t, err)
		if c1.ID == c2.ID || c2.DueOn.Before(c1.DueOn) {
			t.Fatalf("claims out of order: %v then %v", c1.DueOn, c2.DueOn)
		}
		if _, err := db.ClaimCallback(ctx, bd.b.ID, bd.userB.ID, t0, time.Minute); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B claimed A's callback: %v", err)
		}
		held, err := db.HeldCallback(ctx, bd.a.ID, bd.userA.ID, t0)
		must(t, err)
		if held.ID != c1.ID {
			t.Fatal("held callback differs")
		}
		// Asking again while holding one gives it back, its lease renewed.
		again, err := db.ClaimCallback(ctx, bd.a.ID, bd.userA.ID, t0.Add(time.Minute), 10*time.Minute)
		must(t, err)
		if again.ID != c1.ID || !again.LeaseUntil.After(c1.LeaseUntil) {
			t.Fatalf("held callback not renewed: %+v", again)
		}
		// The lease runs out: the callback returns to the pool.
		c3, err := db.ClaimCallback(ctx, bd.a.ID, 999, t0.Add(12*time.Minute), 10*time.Minute)
		must(t, err)
		if c3.ID != c1.ID {
			t.Fatalf("expired lease not reclaimed first: got %d want %d", c3.ID, c1.ID)
		}
		// The first operator's lease is gone: its change is refused.
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c1.ID, UserID: bd.userA.ID, Now: t0.Add(13 * time.Minute), Status: huifang.StatusDone, Result: huifang.ResultSuccessful})
		if huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("change without lease: %v", err)
		}
		// A scheduled callback whose time has come goes first.
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c2.ID, UserID: bd.userA.ID + 100, Now: t0.Add(time.Minute),
			Status: huifang.StatusScheduled, NextAt: t0.Add(2 * time.Hour), Attempt: &huifang.Attempt{At: t0, Outcome: huifang.AttemptReschedule, ScheduleAt: t0.Add(2 * time.Hour)}})
		must(t, err)
		c4, err := db.ClaimCallback(ctx, bd.a.ID, 7, t0.Add(3*time.Hour), 10*time.Minute)
		must(t, err)
		if c4.ID != c2.ID || c4.Attempts != 1 {
			t.Fatalf("scheduled callback not first: %+v", c4)
		}
	})
}

func TestChangeCallbackOpensProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importN(t, db, bd.a.ID, 1)
		c, err := db.ClaimCallback(ctx, bd.a.ID, bd.userA.ID, t0, 10*time.Minute)
		must(t, err)
		done, err := db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: t0.Add(time.Minute),
			Attempt: &huifang.Attempt{At: t0, Outcome: huifang.AttemptAnswered},
			Status:  huifang.StatusDone, Result: huifang.ResultProblems, Answers: map[string]huifang.Answer{"signed": huifang.AnswerNo},
			Problems: []huifang.ProblemCase{{Type: huifang.ProblemUnsigned, Detail: "代签名"}},
			Audit:    huifang.AuditEntry{Actor: "op-a", Action: "finish"}})
		must(t, err)
		if done.Status != huifang.StatusDone || done.Answers["signed"] != huifang.AnswerNo || done.FinishedAt.IsZero() || done.LeaseUserID != 0 {
			t.Fatalf("finished callback %+v", done)
		}
		ps, err := db.ListProblemCases(ctx, bd.a.ID, huifang.ProblemFilter{})
		must(t, err)
		if len(ps) != 1 || ps[0].Type != huifang.ProblemUnsigned || ps[0].PolicyNo != c.PolicyNo {
			t.Fatalf("problem cases %+v", ps)
		}
		if ps, _ := db.ListProblemCases(ctx, bd.b.ID, huifang.ProblemFilter{}); len(ps) != 0 {
			t.Fatal("B sees A's problem cases")
		}
		at, err := db.ListAttempts(ctx, bd.a.ID, c.ID)
		must(t, err)
		if len(at) != 1 {
			t.Fatalf("attempts %+v", at)
		}
		tally, err := db.TallyCallbacks(ctx, bd.a.ID, huifang.NewDate(2026, 3, 2))
		must(t, err)
		if tally.Problems != 1 {
			t.Fatalf("tally %+v", tally)
		}
	})
}

func TestAuditAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		must(t, db.AppendAudit(ctx, huifang.AuditEntry{OrgID: bd.a.ID, At: t0, Actor: "x", Entity: "policy", Key: "N1", Action: "view-pii"}))
		if err := db.ExecForTest(ctx, `UPDATE audit SET actor = 'y'`); err == nil {
			t.Fatal("audit row updated")
		}
		if err := db.ExecForTest(ctx, `DELETE FROM audit`); err == nil {
			t.Fatal("audit row deleted")
		}
	})
}

// TestClaimConcurrency: 64 operators ask at once, over and over (finishing
// each callback before the next), until the pool is empty; no callback is
// handed out twice, none is lost.
func TestClaimConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		const n = 640
		importN(t, db, bd.a.ID, n)
		var mu sync.Mutex
		seen := map[int64]int64{}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		start := make(chan struct{})
		for op := int64(1); op <= 64; op++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					c, err := db.ClaimCallback(ctx, bd.a.ID, op, t0, time.Hour)
					if errors.Is(err, huifang.ErrNotFound) {
						return
					} else if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					if prev, dup := seen[c.ID]; dup {
						mu.Unlock()
						errs <- fmt.Errorf("callback %d given to %d and %d", c.ID, prev, op)
						return
					}
					seen[c.ID] = op
					mu.Unlock()
					// The operator finishes it before asking again (asking
					// again while holding it gives the same one back).
					if err := db.Bench().MarkDone(ctx, bd.a.ID, c.ID); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Fatalf("%d of %d callbacks handed out", len(seen), n)
		}
	})
}

// TestImportInChunks crosses many chunk boundaries (PostgreSQL merges in
// chunks): new, unchanged and changed policies, all counted and planned.
func TestImportInChunks(t *testing.T) {
	defer store.SetChunkForTest(7)()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importN(t, db, bd.a.ID, 50)
		var rs []*huifang.PolicyRecord
		for i := 1; i <= 60; i++ {
			hash := "h"
			if i%10 == 0 {
				hash = "changed"
			}
			rs = append(rs, policy(fmt.Sprintf("P%06d", i), huifang.NewDate(2026, 3, 1).AddDays(i%20), hash))
		}
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "chunks.csv", source(rs...))
		must(t, err)
		if res.Created != 10 || res.Updated != 5 || res.Unchanged != 45 || res.Callbacks != 10 {
			t.Fatalf("chunked import %+v", res)
		}
		if n, _ := db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter{}); n != 60 {
			t.Fatalf("%d callbacks", n)
		}
	})
}
