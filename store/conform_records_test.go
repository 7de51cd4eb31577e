package store_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformRecordings: a recording's record reads back whole, per insurer
// and callback, oldest first, audited.
func TestConformRecordings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("R1", huifang.NewDate(2026, 3, 2), "h1"))
		c := callbackOf(t, db, bd.a.ID, "R1")
		r := &store.Recording{OrgID: bd.a.ID, CallbackID: c.ID, AttemptID: 3, Key: "rec/a/1.wav", Format: "wav", ContentType: "audio/wav",
			Size: 1 << 33, SHA256: "ff00", RetainUntil: huifang.NewDate(2046, 3, 2), UploadedAt: tNano, UploadedBy: bd.userA.ID, Source: "api"}
		must(t, db.AddRecording(ctx, r, huifang.Actor{UserID: bd.userA.ID, Name: "op-a"}))
		must(t, db.AddRecording(ctx, &store.Recording{OrgID: bd.a.ID, CallbackID: c.ID, Key: "rec/a/2.mp3", Format: "mp3", UploadedAt: t0, Source: "upload"}, cli))
		got, err := db.FindRecording(ctx, bd.a.ID, r.ID)
		must(t, err)
		sameMS(t, "uploaded", got.UploadedAt, tNano)
		want := *r
		want.UploadedAt = got.UploadedAt
		if *got != want {
			t.Fatalf("recording\n got %+v\nwant %+v", *got, want)
		}
		if _, err := db.FindRecording(ctx, bd.b.ID, r.ID); err != huifang.ErrNotFound {
			t.Fatalf("A's recording through B: %v", err)
		}
		list, err := db.ListRecordings(ctx, bd.a.ID, c.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != r.ID || list[1].Format != "mp3" || !list[1].RetainUntil.IsZero() || list[1].AttemptID != 0 {
			t.Fatalf("recordings %+v", list)
		}
		if list, _ := db.ListRecordings(ctx, bd.b.ID, c.ID); len(list) != 0 {
			t.Fatalf("B lists A's recordings")
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, store.AuditFilter{Entity: "recording", Key: fmt.Sprint(r.ID)})
		must(t, err)
		if len(audit) != 1 || audit[0].UserID != bd.userA.ID {
			t.Fatalf("audit %+v", audit)
		}
	})
}

// TestConformScripts: versions numbered per code and insurer, also when
// imported at once; read back whole; lifecycle moves only from the status
// they expect; the regulator sees filed and active versions of its insurers.
func TestConformScripts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		add := func(org int64, code string, chans ...huifang.Channel) (*store.ScriptRecord, error) {
			r := &store.ScriptRecord{OrgID: org, Code: code, Name: "新单回访话术", Purpose: "new-business", Design: huifang.DesignTraditional,
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

		// Lifecycle: draft → filed → active from a date; a stale move is a conflict.
		must(t, db.MoveScript(ctx, bd.a.ID, s1.ID, "draft", "filed", huifang.Date{}, cli, t0))
		if err := db.MoveScript(ctx, bd.a.ID, s1.ID, "draft", "filed", huifang.Date{}, cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("stale move: %v", err)
		}
		if err := db.MoveScript(ctx, bd.b.ID, s1.ID, "filed", "active", huifang.NewDate(2026, 4, 1), cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("B moves A's script: %v", err)
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
		audit, err := db.ListAudit(ctx, bd.a.ID, store.AuditFilter{Entity: "script", Key: fmt.Sprint(s1.ID), Action: "active"})
		must(t, err)
		if len(audit) != 1 || audit[0].Detail != `{"active_from":"2026-04-01","code":"nb","from":"filed"}` {
			t.Fatalf("audit %+v", audit)
		}

		// Lists: by org, code and version; the regulator's view.
		own, err := db.ListScripts(ctx, store.ScriptFilter{OrgID: bd.a.ID})
		must(t, err)
		for i := 1; i < len(own); i++ {
			if own[i].Version <= own[i-1].Version {
				t.Fatalf("versions out of order: %d after %d", own[i].Version, own[i-1].Version)
			}
		}
		if len(own) != len(versions) {
			t.Fatalf("A lists %d versions, %d were added", len(own), len(versions))
		}
		if drafts, _ := db.ListScripts(ctx, store.ScriptFilter{OrgID: bd.a.ID, Status: "draft"}); len(drafts) != len(versions)-1 {
			t.Fatalf("%d drafts", len(drafts))
		}
		must(t, db.MoveScript(ctx, bd.b.ID, s0.ID, "draft", "filed", huifang.Date{}, cli, t0))
		seen, err := db.ListScripts(ctx, store.ScriptFilter{RegulatorID: bd.reg.ID})
		must(t, err)
		if len(seen) != 1 || seen[0].ID != s0.ID {
			t.Fatalf("the regulator sees %+v", seen)
		}
		if seen, _ := db.ListScripts(ctx, store.ScriptFilter{RegulatorID: bd.reg.ID, Status: "draft"}); len(seen) != 0 {
			t.Fatalf("the regulator sees drafts %+v", seen)
		}
	})
}

// TestConformSubmissionRace: two first versions of one period submitted at
// once: one is stored, the other refused as a conflict, on both engines.
func TestConformSubmissionRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		var wg sync.WaitGroup
		var mu sync.Mutex
		stored := 0
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := &store.Submission{OrgID: bd.a.ID, Period: "2026-Q1", Kind: "quarter", Source: "generated", Content: "{}", Hash: "h",
					DueOn: huifang.NewDate(2026, 4, 20), SubmittedAt: tNano, SubmittedBy: "mgr"}
				err := db.AddSubmission(ctx, s, 0)
				if err != nil {
					if code := huifang.ErrorCode(err); code != huifang.ECONFLICT && code != huifang.EUNAVAILABLE {
						t.Errorf("parallel first version: %v", err)
					}
					return
				}
				mu.Lock()
				stored++
				mu.Unlock()
			}()
		}
		wg.Wait()
		list, err := db.ListSubmissions(ctx, store.SubmissionFilter{SubmissionScope: store.SubmissionScope{OrgID: bd.a.ID}})
		must(t, err)
		if stored != 1 || len(list) != 1 || list[0].Version != 1 {
			t.Fatalf("%d stored, listed %+v", stored, list)
		}
		sameMS(t, "submitted", list[0].SubmittedAt, tNano)
		// A superseded version can no longer be reviewed.
		v2 := &store.Submission{OrgID: bd.a.ID, Period: "2026-Q1", Kind: "quarter", Source: "upload", Content: "{}", Hash: "h2", Reason: "更正", DueOn: huifang.NewDate(2026, 4, 20), SubmittedAt: t0, SubmittedBy: "mgr"}
		must(t, db.AddSubmission(ctx, v2, 1))
		reg := store.SubmissionScope{RegulatorID: bd.reg.ID}
		if err := db.ReviewSubmission(ctx, reg, list[0].ID, store.SubmissionAccepted, "", cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("review of a superseded version: %v", err)
		}
		if err := db.ReviewSubmission(ctx, reg, v2.ID, "submitted", "", cli, t0); err == nil {
			t.Fatal("review to a bad status accepted")
		}
		if err := db.ReviewSubmission(ctx, store.SubmissionScope{OrgID: bd.b.ID}, v2.ID, store.SubmissionAccepted, "", cli, t0); err != huifang.ErrNotFound {
			t.Fatalf("B reviews A's: %v", err)
		}
		must(t, db.ReviewSubmission(ctx, reg, v2.ID, store.SubmissionAccepted, "", cli, tNano))
		got, err := db.FindSubmission(ctx, reg, v2.ID)
		must(t, err)
		sameMS(t, "reviewed", got.ReviewedAt, tNano)
		if got.DueOn != huifang.NewDate(2026, 4, 20) || got.Status != store.SubmissionAccepted || got.Reason != "更正" || got.Source != "upload" {
			t.Fatalf("v2 %+v", got)
		}
	})
}

// TestConformProfilesAndCalendars: profile versions by effective date with
// their rules; calendar years replaced in place; both audited.
func TestConformProfilesAndCalendars(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		rules, _, ok := profile.Shipped(profile.NationalBaseline)
		if !ok {
			t.Fatal("no national baseline")
		}
		later := &profile.Version{RegulatorID: bd.reg.ID, Name: "2027 版", Base: profile.NationalBaseline, From: huifang.NewDate(2027, 1, 1), Rules: rules,
			Note: "新规", CreatedAt: tNano, CreatedBy: "sup"}
		must(t, db.AddProfileVersion(ctx, later))
		first := &profile.Version{RegulatorID: bd.reg.ID, Name: "2026 版", Base: profile.NationalBaseline, From: huifang.NewDate(2026, 1, 1), Rules: rules,
			CreatedAt: t0, CreatedBy: "sup"}
		must(t, db.AddProfileVersion(ctx, first))
		vs, err := db.ListProfileVersions(ctx, bd.reg.ID)
		must(t, err)
		if len(vs) != 2 || vs[0].ID != first.ID || vs[1].ID != later.ID {
			t.Fatalf("versions %+v", vs)
		}
		sameMS(t, "created", vs[1].CreatedAt, tNano)
		if vs[1].Name != "2027 版" || vs[1].Note != "新规" || vs[1].From != later.From || vs[1].Base != profile.NationalBaseline ||
			!reflect.DeepEqual(vs[1].Rules, rules) {
			t.Fatalf("version read back %+v", vs[1])
		}
		if vs, _ := db.ListProfileVersions(ctx, bd.a.ID); len(vs) != 0 {
			t.Fatalf("an insurer has profile versions %+v", vs)
		}
		if audit, _ := db.ListAudit(ctx, bd.reg.ID, store.AuditFilter{Entity: "profile"}); len(audit) != 2 {
			t.Fatalf("profile audit %+v", audit)
		}

		if ys, err := db.ListCalendarYears(ctx); err != nil || len(ys) != 0 {
			t.Fatalf("calendars before any: %v %v", ys, err)
		}
		must(t, db.SaveCalendarYear(ctx, store.CalendarYear{Year: 2027, Body: "2027 body", LoadedAt: t0, LoadedBy: "adm"}))
		must(t, db.SaveCalendarYear(ctx, store.CalendarYear{Year: 2026, Body: "old", LoadedAt: t0, LoadedBy: "adm"}))
		must(t, db.SaveCalendarYear(ctx, store.CalendarYear{Year: 2026, Body: "2026 节假日", LoadedAt: tNano, LoadedBy: "adm2"}))
		ys, err := db.ListCalendarYears(ctx)
		must(t, err)
		if len(ys) != 2 || ys[0].Year != 2026 || ys[0].Body != "2026 节假日" || ys[0].LoadedBy != "adm2" || ys[1].Year != 2027 {
			t.Fatalf("calendars %+v", ys)
		}
		sameMS(t, "loaded", ys[0].LoadedAt, tNano)
		if audit, _ := db.ListAudit(ctx, 0, store.AuditFilter{Entity: "calendar"}); len(audit) != 3 {
			t.Fatalf("calendar audit %+v", audit)
		}
	})
}
