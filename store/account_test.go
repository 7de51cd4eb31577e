package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestSessionKindsApart: a web session is not an API token, nor the reverse.
func TestSessionKindsApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		must(t, db.CreateSession(ctx, "webtok", huifang.SessionWeb, "", bd.userA, t0, t0.Add(8*time.Hour)))
		must(t, db.CreateSession(ctx, "apitok", huifang.SessionAPI, "ci", bd.userA, t0, t0.AddDate(0, 0, 90)))
		if _, err := db.FindSession(ctx, "webtok", huifang.SessionAPI, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("web session accepted as an API token: %v", err)
		}
		if _, err := db.FindSession(ctx, "apitok", huifang.SessionWeb, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("API token accepted as a web session: %v", err)
		}
		if _, err := db.FindSession(ctx, "apitok", huifang.SessionAPI, t0.AddDate(0, 0, 91)); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("expired API token accepted: %v", err)
		}
	})
}

func TestTokensListAndRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		must(t, db.CreateSession(ctx, "hash-of-token-one", huifang.SessionAPI, "呼叫中心", bd.userA, t0, t0.AddDate(0, 0, 90)))
		must(t, db.CreateSession(ctx, "hash-of-web", huifang.SessionWeb, "", bd.userA, t0, t0.Add(time.Hour)))
		ts, err := db.ListTokens(ctx, bd.a.ID)
		must(t, err)
		if len(ts) != 1 || ts[0].Name != "呼叫中心" || ts[0].Login != "op-a" || ts[0].ID != "hash-of-toke" || !ts[0].ExpiresAt.Equal(t0.AddDate(0, 0, 90)) {
			t.Fatalf("tokens of A: %+v", ts)
		}
		if ts, _ := db.ListTokens(ctx, bd.b.ID); len(ts) != 0 {
			t.Fatalf("B sees A's tokens: %+v", ts)
		}
		if err := db.DeleteToken(ctx, bd.b.ID, ts[0].ID, cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B revoked A's token: %v", err)
		}
		if err := db.DeleteToken(ctx, bd.a.ID, "hash-of-web", cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("a web session revoked as a token: %v", err)
		}
		must(t, db.DeleteToken(ctx, bd.a.ID, ts[0].ID, cli, t0))
		if _, err := db.FindSession(ctx, "hash-of-token-one", huifang.SessionAPI, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("revoked token still works: %v", err)
		}
		au, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Action: "revoke-token"})
		must(t, err)
		if len(au) != 1 || au[0].Key != "op-a" {
			t.Fatalf("revocation audit: %+v", au)
		}
	})
}

func TestDisableEndsSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		must(t, db.CreateSession(ctx, "w", huifang.SessionWeb, "", bd.userA, t0, t0.Add(time.Hour)))
		must(t, db.CreateSession(ctx, "a", huifang.SessionAPI, "x", bd.userA, t0, t0.Add(time.Hour)))
		must(t, db.SetUserDisabled(ctx, bd.a.ID, bd.userA.ID, true, "", cli, t0))
		for _, k := range []string{huifang.SessionWeb, huifang.SessionAPI} {
			if _, err := db.FindSession(ctx, map[string]string{huifang.SessionWeb: "w", huifang.SessionAPI: "a"}[k], k, t0); !errors.Is(err, huifang.ErrNotFound) {
				t.Errorf("%s of a disabled user still works: %v", k, err)
			}
		}
		must(t, db.SetUserDisabled(ctx, bd.a.ID, bd.userA.ID, false, "", cli, t0))
		if _, err := db.FindSession(ctx, "w", huifang.SessionWeb, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("web session came back on enabling: %v", err)
		}
		if _, err := db.FindSession(ctx, "a", huifang.SessionAPI, t0); err != nil {
			t.Errorf("token of a re-enabled user: %v", err)
		}
		if err := db.SetUserDisabled(ctx, bd.b.ID, bd.userA.ID, true, "", cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("B disabled A's user: %v", err)
		}
		must(t, db.SetUserRole(ctx, bd.a.ID, bd.userA.ID, huifang.RoleQA, "", "", cli, t0))
		u, err := db.FindSession(ctx, "a", huifang.SessionAPI, t0)
		must(t, err)
		if u.Role != huifang.RoleQA {
			t.Errorf("role after change: %s", u.Role)
		}
		n, err := db.CountEnabled(ctx, bd.a.ID, huifang.RoleQA)
		must(t, err)
		if n != 1 {
			t.Errorf("enabled QA: %d", n)
		}
		au, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "user", Key: "op-a"})
		must(t, err)
		if len(au) != 4 { // create, disable, enable, set-role
			t.Errorf("audit of op-a: %d entries", len(au))
		}
	})
}

func TestLoginFailuresAndLastLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		for i := 1; i <= 3; i++ {
			n, err := db.AddLoginFailure(ctx, "login:op-a", t0.Add(time.Duration(i)*time.Second), t0.Add(-time.Hour))
			must(t, err)
			if n != i {
				t.Fatalf("failure %d counted as %d", i, n)
			}
		}
		fs, err := db.LoginFailures(ctx, "login:op-a", "addr:10.0.0.1")
		must(t, err)
		if f := fs["login:op-a"]; f.Count != 3 || !f.Last.Equal(t0.Add(3*time.Second)) || len(fs) != 1 {
			t.Fatalf("failures: %+v", fs)
		}
		// A count older than the forget line starts again.
		if n, _ := db.AddLoginFailure(ctx, "login:op-a", t0.Add(2*time.Hour), t0.Add(time.Hour)); n != 1 {
			t.Fatalf("stale count went on to %d", n)
		}
		must(t, db.ClearLoginFailures(ctx, "login:op-a"))
		if fs, _ := db.LoginFailures(ctx, "login:op-a"); len(fs) != 0 {
			t.Fatalf("cleared failures: %+v", fs)
		}
		must(t, db.RecordLogin(ctx, bd.userA, t0, "10.0.0.1"))
		must(t, db.RecordLogin(ctx, bd.userA, t0.Add(time.Hour), "10.0.0.2"))
		u, err := db.FindUserByLogin(ctx, "op-a")
		must(t, err)
		if !u.PrevLoginAt.Equal(t0) || u.PrevLoginAddr != "10.0.0.1" || !u.LoginAt.Equal(t0.Add(time.Hour)) || u.LoginAddr != "10.0.0.2" {
			t.Fatalf("last logins: %+v", u)
		}
	})
}

// TestLastAdminKeptUnderRace: two administrators disabling each other at the
// same moment, many times over: each time exactly one wins, and the
// organisation always keeps an enabled administrator.
func TestLastAdminKeptUnderRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		var admins [2]*huifang.User
		for i, login := range []string{"adm-1", "adm-2"} {
			u := &huifang.User{OrgID: bd.a.ID, Login: login, Name: login, Role: huifang.RoleInsurerAdmin, PasswordHash: "x", CreatedAt: t0}
			must(t, db.CreateUser(ctx, u, cli))
			admins[i] = u
		}
		for round := range 10 {
			errs := make(chan error, 2)
			for i := range admins {
				go func() {
					errs <- db.SetUserDisabled(ctx, bd.a.ID, admins[i].ID, true, huifang.RoleInsurerAdmin, cli, t0)
				}()
			}
			won, lost := 0, 0
			for range admins {
				switch err := <-errs; {
				case err == nil:
					won++
				case errors.Is(err, huifang.ErrLastOfRole):
					lost++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			n, err := db.CountEnabled(ctx, bd.a.ID, huifang.RoleInsurerAdmin)
			must(t, err)
			if won != 1 || lost != 1 || n != 1 {
				t.Fatalf("round %d: %d won, %d refused, %d administrators left", round, won, lost, n)
			}
			for _, u := range admins {
				must(t, db.SetUserDisabled(ctx, bd.a.ID, u.ID, false, "", cli, t0))
			}
		}
		// A demotion is guarded the same way.
		must(t, db.SetUserDisabled(ctx, bd.a.ID, admins[1].ID, true, huifang.RoleInsurerAdmin, cli, t0))
		if err := db.SetUserRole(ctx, bd.a.ID, admins[0].ID, huifang.RoleManager, "", huifang.RoleInsurerAdmin, cli, t0); !errors.Is(err, huifang.ErrLastOfRole) {
			t.Fatalf("demoting the last administrator: %v", err)
		}
	})
}
