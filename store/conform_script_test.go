package store_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformScripts: versions numbered per code and insurer, also when
// imported at once; read back whole; lifecycle moves only from the status
// they expect; the regulator sees filed and active versions of its insurers.
func TestConformScripts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		add := func(org int64, code string, chans ...huifang.Channel) (*huifang.ScriptRecord, error) {
			r := &huifang.ScriptRecord{OrgID: org, Code: code, Name: "新单回访话术", Purpose: "new-business", Design: huifang.DesignTraditional,
				Channels: chans, ProductCode: "P1", Body: `{"code":"` + code + `"}`, CreatedAt: tNano, CreatedBy: "adm"}
			return r, db.AddScript(ctx, r)
		}
		s1, err := add(bd.a.ID, "nb", huifang.ChannelAgency, huifang.ChannelBank)
		must(t, err)
		got, err := db.FindScript(ctx, bd.a.ID, s1.ID)
		must(t, err)
		sameMS(t, "created", got.CreatedAt, tNano)
		sameMS(t, "updated", got.UpdatedAt, tNano)
		want := *s1
		want.CreatedAt, want.UpdatedAt = got.CreatedAt, got.UpdatedAt
		if !reflect.DeepEqual(*got, want) || got.Version != 1 || got.Status != "draft" || !got.ActiveFrom.IsZero() {
			t.Fatalf("script\n got %+v\nwant %+v", *got, want)
		}
		// No channels: nil, not one empty channel.
		s0, err := add(bd.b.ID, "nb")
		must(t, err)
		if g, _ := db.FindScript(ctx, bd.b.ID, s0.ID); g.Channels != nil || g.Version != 1 {
			t.Fatalf("B's script %+v", g)
		}
		if _, err := db.FindScript(ctx, bd.b.ID, s1.ID); err != huifang.ErrNotFound {
			t.Fatalf("A's script through B: %v", err)
		}
		// Versions imported at once get distinct numbers, or a conflict.
		var wg sync.WaitGroup
		var mu sync.Mutex
		versions := map[int]bool{1: true}
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := add(bd.a.ID, "nb")
				if err != nil {
					if code := huifang.ErrorCode(err); code != huifang.ECONFLICT && code != huifang.EUNAVAILABLE {
						t.Errorf("parallel version: %v", err)
					}
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if versions[r.Version] {
					t.Errorf("version %d twice", r.Version)
				}
				versions[r.Version] = true
			}()
		}
		wg.Wait()

		// A draft is edited in place; another insurer's is not found to it.
		edit := *s1
		edit.Name, edit.Channels, edit.Body = "新单回访话术（修订）", []huifang.Channel{huifang.ChannelAgency}, `{"code":"nb","name":"x"}`
		must(t, db.SaveScriptDraft(ctx, &edit, cli, tNano.Add(time.Minute)))
		got, err = db.FindScript(ctx, bd.a.ID, s1.ID)
		must(t, err)
		if got.Name != edit.Name || got.Body != edit.Body || !reflect.DeepEqual(got.Channels, edit.Channels) || got.Version != 1 || got.Status != "draft" {
			t.Fatalf("edited %+v", got)
		}
		sameMS(t, "edited", got.UpdatedAt, tNano.Add(time.Minute))
		other := edit
		other.OrgID = bd.b.ID
		if err := db.SaveScriptDraft(ctx, &other, cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("B edits A's draft: %v", err)
		}

		// Lifecycle: draft → filed → active from a date; a stale move is a conflict.
		must(t, db.MoveScript(ctx, bd.a.ID, s1.ID, "draft", "filed", huifang.Date{}, cli, t0))
		if err := db.MoveScript(ctx, bd.a.ID, s1.ID, "draft", "filed", huifang.Date{}, cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("stale move: %v", err)
		}
		if err := db.MoveScript(ctx, bd.b.ID, s1.ID, "filed", "active", huifang.NewDate(2026, 4, 1), cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("B moves A's script: %v", err)
		}
		if err := db.SaveScriptDraft(ctx, &edit, cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("edit a filed version: %v", err)
		}
		must(t, db.MoveScript(ctx, bd.a.ID, s1.ID, "filed", "active", huifang.NewDate(2026, 4, 1), cli, tNano.Add(time.Hour)))
		got, err = db.FindScript(ctx, bd.a.ID, s1.ID)
		must(t, err)
		if got.Status != "active" || got.ActiveFrom != huifang.NewDate(2026, 4, 1) {
			t.Fatalf("activated %+v", got)
		}
		sameMS(t, "updated", got.UpdatedAt, tNano.Add(time.Hour))
		// Retiring keeps the date it was active from.
		must(t, db.MoveScript(ctx, bd.a.ID, s1.ID, "active", "retired", huifang.NewDate(2030, 1, 1), cli, t0))
		if got, _ = db.FindScript(ctx, bd.a.ID, s1.ID); got.ActiveFrom != huifang.NewDate(2026, 4, 1) {
			t.Fatalf("retired %+v", got)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "script", Key: fmt.Sprint(s1.ID), Action: "active"})
		must(t, err)
		if len(audit) != 1 || audit[0].Detail != `{"active_from":"2026-04-01","code":"nb","from":"filed"}` {
			t.Fatalf("audit %+v", audit)
		}

		// Lists: by org, code and version; the regulator's view.
		own, err := db.ListScripts(ctx, huifang.ScriptFilter{OrgID: bd.a.ID})
		must(t, err)
		for i := 1; i < len(own); i++ {
			if own[i].Version <= own[i-1].Version {
				t.Fatalf("versions out of order: %d after %d", own[i].Version, own[i-1].Version)
			}
		}
		if len(own) != len(versions) {
			t.Fatalf("A lists %d versions, %d were added", len(own), len(versions))
		}
		if drafts, _ := db.ListScripts(ctx, huifang.ScriptFilter{OrgID: bd.a.ID, Status: "draft"}); len(drafts) != len(versions)-1 {
			t.Fatalf("%d drafts", len(drafts))
		}
		must(t, db.MoveScript(ctx, bd.b.ID, s0.ID, "draft", "filed", huifang.Date{}, cli, t0))
		seen, err := db.ListScripts(ctx, huifang.ScriptFilter{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}})
		must(t, err)
		if len(seen) != 1 || seen[0].ID != s0.ID {
			t.Fatalf("the regulator sees %+v", seen)
		}
		if seen, _ := db.ListScripts(ctx, huifang.ScriptFilter{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}, Status: "draft"}); len(seen) != 0 {
			t.Fatalf("the regulator sees drafts %+v", seen)
		}
	})
}
