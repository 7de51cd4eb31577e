package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// A database another process holds locked past the wait (SQLite's
// busy_timeout, PostgreSQL's lock_timeout) answers ErrUnavailable — a 503
// with "请稍后重试" — never a bare engine error, which would be a 500.
func TestBusyIsUnavailable(t *testing.T) {
	ctx := context.Background()
	for _, eng := range storetest.Engines {
		t.Run(string(eng), func(t *testing.T) {
			u := storetest.URL(t, eng)
			holder, err := store.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close()
			if _, err := holder.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if eng == store.Postgres {
				u += "&lock_timeout=100"
			}
			defer store.SetSQLiteBusyForTest(100)()
			db, err := store.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			tx, err := holder.BeginWriteForTest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if eng == store.Postgres {
				if _, err := tx.ExecContext(ctx, `LOCK TABLE callbacks, orgs IN ACCESS EXCLUSIVE MODE`); err != nil {
					t.Fatal(err)
				}
			} else if _, err := tx.ExecContext(ctx, `INSERT INTO orgs (kind, code, name, created_at) VALUES ('insurer', 'X', 'X', 0)`); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = db.ClaimCallback(ctx, 1, 1, time.Now(), time.Minute)
			if !errors.Is(err, huifang.ErrUnavailable) || huifang.ErrorCode(err) != huifang.EUNAVAILABLE {
				t.Fatalf("claim on a locked database: %v", err)
			}
			err = db.CreateOrg(ctx, &huifang.Org{Kind: huifang.KindInsurer, Code: "Y", Name: "Y"})
			if !errors.Is(err, huifang.ErrUnavailable) {
				t.Fatalf("write on a locked database: %v", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("waited %s", d)
			}
		})
	}
}
