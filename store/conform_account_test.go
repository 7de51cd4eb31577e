package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

func TestConformOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		// A third insurer of another regulator, with every field set.
		reg2 := &huifang.Org{Code: "REG2", Name: "另一监管局", Kind: huifang.KindRegulator, CreatedAt: t0}
		must(t, db.CreateOrg(ctx, reg2))
		c := &huifang.Org{Code: "C", Name: "丙人寿", Kind: huifang.KindInsurer, RegulatorID: reg2.ID, PreUnderwritingCallback: true,
			CreatedAt: tNano, ServicePhone: "95500"}
		must(t, db.CreateOrg(ctx, c))
		if c.ID == 0 || c.ID == bd.a.ID {
			t.Fatalf("id %d", c.ID)
		}
		got, err := db.FindOrgByCode(ctx, "C")
		must(t, err)
		if got.ID != c.ID || got.Name != "丙人寿" || got.Kind != huifang.KindInsurer || got.RegulatorID != reg2.ID ||
			!got.PreUnderwritingCallback || got.ServicePhone != "95500" {
			t.Fatalf("org read back %+v", got)
		}
		sameMS(t, "created", got.CreatedAt, tNano)
		byID, err := db.FindOrgByID(ctx, c.ID)
		must(t, err)
		if *byID != *got {
			t.Fatalf("by id %+v, by code %+v", byID, got)
		}
		// A regulator has no regulator: read back as 0, not NULL.
		r, err := db.FindOrgByID(ctx, bd.reg.ID)
		must(t, err)
		if r.RegulatorID != 0 || r.Kind != huifang.KindRegulator {
			t.Fatalf("regulator %+v", r)
		}
		if _, err := db.FindOrgByCode(ctx, "NOPE"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		if _, err := db.FindOrgByID(ctx, 999999); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}

		must(t, db.SetServicePhone(ctx, bd.a.ID, "95511"))
		a, err := db.FindOrgByID(ctx, bd.a.ID)
		must(t, err)
		if a.ServicePhone != "95511" {
			t.Fatalf("service phone %q", a.ServicePhone)
		}
		if err := db.SetServicePhone(ctx, 999999, "1"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("phone of no org: %v", err)
		}

		// Regulators first (kind DESC), then by code; a regulator sees itself
		// and its insurers only.
		codes := func(os []huifang.Org) (out []string) {
			for _, o := range os {
				out = append(out, o.Code)
			}
			return out
		}
		all, err := db.ListOrgs(ctx, 0)
		must(t, err)
		if got, want := codes(all), []string{"REG", "REG2", "A", "B", "C"}; !equal(got, want) {
			t.Fatalf("all orgs %v, want %v", got, want)
		}
		mine, err := db.ListOrgs(ctx, reg2.ID)
		must(t, err)
		if got, want := codes(mine), []string{"REG2", "C"}; !equal(got, want) {
			t.Fatalf("REG2 sees %v, want %v", got, want)
		}
		none, err := db.ListOrgs(ctx, 999999)
		must(t, err)
		if len(none) != 0 {
			t.Fatalf("unknown regulator sees %v", codes(none))
		}
	})
}

func TestConformUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		u := &huifang.User{OrgID: bd.a.ID, Login: "adm-a", Name: "王五", Role: huifang.RoleAdmin, BranchCode: "01", AgentCode: "AG1",
			Email: "w@example.com", PasswordHash: "h1", CreatedAt: tNano}
		must(t, db.CreateUser(ctx, u, huifang.Actor{UserID: bd.userA.ID, Name: "op-a"}))
		got, err := db.FindUserByLogin(ctx, "adm-a")
		must(t, err)
		if got.ID != u.ID || got.OrgID != bd.a.ID || got.Name != "王五" || got.Role != huifang.RoleAdmin || got.BranchCode != "01" ||
			got.AgentCode != "AG1" || got.Email != "w@example.com" || got.PasswordHash != "h1" || got.Disabled {
			t.Fatalf("user read back %+v", got)
		}
		sameMS(t, "created", got.CreatedAt, tNano)
		if !got.LoginAt.IsZero() || !got.PrevLoginAt.IsZero() {
			t.Fatalf("never logged in, yet %v %v", got.LoginAt, got.PrevLoginAt)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "user", Key: "adm-a"})
		must(t, err)
		if len(audit) != 1 || audit[0].Action != "create" || audit[0].UserID != bd.userA.ID || audit[0].Actor != "op-a" {
			t.Fatalf("audit %+v", audit)
		}

		// Scoped by organisation: B neither finds nor lists nor changes A's user.
		if _, err := db.FindUserByID(ctx, bd.b.ID, u.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's user through B: %v", err)
		}
		if err := db.SetPassword(ctx, bd.b.ID, u.ID, "evil", cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B sets A's password: %v", err)
		}
		if _, err := db.FindUserByLogin(ctx, "nobody"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("unknown login: %v", err)
		}
		list, err := db.ListUsers(ctx, bd.a.ID)
		must(t, err)
		if len(list) != 2 || list[0].Login != "adm-a" || list[1].Login != "op-a" {
			t.Fatalf("A's users %+v", list)
		}

		must(t, db.SetPassword(ctx, bd.a.ID, u.ID, "h2", cli, t0))
		got, err = db.FindUserByID(ctx, bd.a.ID, u.ID)
		must(t, err)
		if got.PasswordHash != "h2" {
			t.Fatalf("password hash %q", got.PasswordHash)
		}

		// Logins: the last one becomes the previous one.
		must(t, db.RecordLogin(ctx, got, tNano, "10.0.0.1"))
		must(t, db.RecordLogin(ctx, got, tNano.Add(time.Hour), "10.0.0.2"))
		got, err = db.FindUserByID(ctx, bd.a.ID, u.ID)
		must(t, err)
		sameMS(t, "login", got.LoginAt, tNano.Add(time.Hour))
		sameMS(t, "previous login", got.PrevLoginAt, tNano)
		if got.LoginAddr != "10.0.0.2" || got.PrevLoginAddr != "10.0.0.1" {
			t.Fatalf("login addresses %q %q", got.LoginAddr, got.PrevLoginAddr)
		}

		// Roles: an organisation's count of enabled users of a role.
		n, err := db.CountEnabled(ctx, bd.a.ID, huifang.RoleAdmin)
		must(t, err)
		if n != 1 {
			t.Fatalf("%d enabled admins", n)
		}
		if n, _ := db.CountEnabled(ctx, bd.b.ID, huifang.RoleAdmin); n != 0 {
			t.Fatalf("B has %d admins", n)
		}
	})
}

func TestConformSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		if _, err := db.FindSession(ctx, "none", huifang.SessionWeb, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("no session: %v", err)
		}
		must(t, db.CreateSession(ctx, "s1", huifang.SessionWeb, "", bd.userA, t0, t0.Add(time.Hour)))
		if err := db.CreateSession(ctx, "s1", huifang.SessionWeb, "", bd.userB, t0, t0.Add(time.Hour)); !errors.Is(err, huifang.ErrConflict) {
			t.Fatalf("same token twice: %v", err)
		}
		// Expiry is exclusive: at the expiry millisecond the session is gone.
		if _, err := db.FindSession(ctx, "s1", huifang.SessionWeb, t0.Add(time.Hour-time.Millisecond)); err != nil {
			t.Fatalf("a millisecond before expiry: %v", err)
		}
		if _, err := db.FindSession(ctx, "s1", huifang.SessionWeb, t0.Add(time.Hour)); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("at expiry: %v", err)
		}

		// Tokens: newest first, named by the first TokenIDLen characters of
		// their hash, per organisation.
		must(t, db.CreateSession(ctx, "aaaaaaaaaaaaaaaa-old", huifang.SessionAPI, "old", bd.userA, tNano, time.Time{}))
		must(t, db.CreateSession(ctx, "bbbbbbbbbbbbbbbb-new", huifang.SessionAPI, "new", bd.userA, tNano.Add(time.Minute), time.Time{}))
		must(t, db.CreateSession(ctx, "cccccccccccccccc-b", huifang.SessionAPI, "b's", bd.userB, tNano, time.Time{}))
		toks, err := db.ListTokens(ctx, bd.a.ID)
		must(t, err)
		if len(toks) != 2 || toks[0].Name != "new" || toks[1].Name != "old" {
			t.Fatalf("A's tokens %+v", toks)
		}
		if toks[1].ID != "aaaaaaaaaaaa" || toks[1].Login != "op-a" || toks[1].UserID != bd.userA.ID || !toks[1].ExpiresAt.IsZero() {
			t.Fatalf("token %+v", toks[1])
		}
		sameMS(t, "token created", toks[1].CreatedAt, tNano)
		if err := db.DeleteToken(ctx, bd.b.ID, toks[1].ID, cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B revokes A's token: %v", err)
		}
		if err := db.DeleteToken(ctx, bd.a.ID, "aaaa", cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("short id: %v", err)
		}
		must(t, db.DeleteToken(ctx, bd.a.ID, toks[1].ID, cli, t0))
		if _, err := db.FindSession(ctx, "aaaaaaaaaaaaaaaa-old", huifang.SessionAPI, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("revoked token works: %v", err)
		}
		if err := db.DeleteToken(ctx, bd.a.ID, toks[1].ID, cli, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("revoked twice: %v", err)
		}
		// A user's web sessions end, but the one kept; API tokens stay.
		must(t, db.CreateSession(ctx, "s2", huifang.SessionWeb, "", bd.userA, t0, t0.Add(time.Hour)))
		must(t, db.CreateSession(ctx, "s3", huifang.SessionWeb, "", bd.userA, t0, t0.Add(time.Hour)))
		must(t, db.DeleteUserSessions(ctx, bd.a.ID, bd.userA.ID, "s2"))
		if _, err := db.FindSession(ctx, "s2", huifang.SessionWeb, t0); err != nil {
			t.Fatalf("kept session: %v", err)
		}
		if _, err := db.FindSession(ctx, "s3", huifang.SessionWeb, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("other session of the user: %v", err)
		}
		if _, err := db.FindSession(ctx, "bbbbbbbbbbbbbbbb-new", huifang.SessionAPI, t0); err != nil {
			t.Fatalf("API token ended with the web sessions: %v", err)
		}
		// Kinds are apart: a web session is no API token.
		if _, err := db.FindSession(ctx, "s2", huifang.SessionAPI, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("web session as token: %v", err)
		}
		if _, err := db.FindSession(ctx, "cccccccccccccccc-b", huifang.SessionAPI, t0); err != nil {
			t.Fatalf("B's token ended with A's user: %v", err)
		}
	})
}
