package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// openCase opens a case on a policy of the org, held by the callback centre.
func openCase(t *testing.T, db *store.DB, orgID, by int64, no string, typ huifang.ProblemType, at time.Time, due huifang.Date) *huifang.ProblemCase {
	t.Helper()
	p := &huifang.ProblemCase{OrgID: orgID, PolicyNo: no, Type: typ, Detail: "客户称未亲笔签名", BranchCode: "01", Channel: huifang.ChannelAgency,
		AgentCode: "AG1", OpenedAt: at, OpenedBy: by, OpenedOn: huifang.NewDate(2026, 3, 2), DueOn: due, LimitDays: 10, LimitWorking: true, ProfileID: 7}
	must(t, db.OpenProblemCase(ctx, p, "op-a"))
	return p
}

// TestConformProblemWorkflow: a case is opened, transferred, acknowledged
// with a document, re-called back, its phone corrected and resolved; each
// step read back the same on both engines, a stale step refused.
func TestConformProblemWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("Q1", huifang.NewDate(2026, 3, 2), "h1"))
		due := huifang.NewDate(2026, 3, 16)
		p := openCase(t, db, bd.a.ID, bd.userA.ID, "Q1", huifang.ProblemUnsigned, tNano, due)
		got, err := db.FindProblemCase(ctx, bd.a.ID, p.ID)
		must(t, err)
		if got.Status != huifang.ProblemOpen || got.PolicyNo != "Q1" || got.Type != huifang.ProblemUnsigned || got.Detail != "客户称未亲笔签名" ||
			got.DueOn != due || got.OpenedOn != huifang.NewDate(2026, 3, 2) || got.LimitDays != 10 || !got.LimitWorking || got.ProfileID != 7 ||
			got.AgentCode != "AG1" || got.OpenedBy != bd.userA.ID || got.Pending != nil || got.HolderBranch != "" || !got.ResolvedAt.IsZero() {
			t.Fatalf("opened case %+v", got)
		}
		sameMS(t, "opened", got.OpenedAt, tNano)
		sameMS(t, "updated", got.UpdatedAt, tNano)
		if _, err := db.FindProblemCase(ctx, bd.b.ID, p.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's case through B: %v", err)
		}

		// Transfer to branch 01.
		now := tNano.Add(time.Hour)
		c := *got
		c.Status = huifang.ProblemTransferring
		tr := &huifang.Transfer{FromBranch: "", ToBranch: "01", DueOn: due.AddDays(-2), Prior: huifang.ProblemOpen, At: now, By: bd.userA.ID}
		step := huifang.CaseStep{Case: &c, Was: got.Status, WasUpdated: got.UpdatedAt, Now: now, Actor: huifang.Actor{UserID: bd.userA.ID, Name: "op-a"},
			Transfer: huifang.TransferChange{New: tr}, Events: []huifang.CaseEvent{{Kind: "transfer", Detail: "转交省分", At: now, UserID: bd.userA.ID, Actor: "op-a"}}}
		must(t, db.ApplyCaseStep(ctx, step))
		if tr.ID == 0 {
			t.Fatal("transfer id not set")
		}
		got, err = db.FindProblemCase(ctx, bd.a.ID, p.ID)
		must(t, err)
		if got.Status != huifang.ProblemTransferring || got.Pending == nil {
			t.Fatalf("transferred %+v", got)
		}
		if pt := *got.Pending; pt.ID != tr.ID || pt.ToBranch != "01" || pt.DueOn != tr.DueOn || pt.Prior != huifang.ProblemOpen || pt.By != bd.userA.ID || !pt.At.Equal(now.Truncate(time.Millisecond)) {
			t.Fatalf("pending %+v", pt)
		}
		sameMS(t, "updated", got.UpdatedAt, now)
		// The same step again: the case changed since, so it is refused.
		if err := db.ApplyCaseStep(ctx, step); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("stale step: %v", err)
		}

		// Acknowledged by the branch, with a document in the database.
		now2 := now.Add(time.Hour)
		c = *got
		c.Status, c.HolderBranch, c.HandlerID, c.Actions = huifang.ProblemInProgress, "01", bd.userA.ID, 1
		doc := &huifang.Evidence{Name: "签名确认书.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 signed")}
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: got.Status, WasUpdated: got.UpdatedAt, Now: now2, Actor: huifang.Actor{UserID: bd.userA.ID, Name: "op-a"},
			Transfer: huifang.TransferChange{Settle: "acknowledged"}, Evidence: doc,
			Events: []huifang.CaseEvent{{Kind: "acknowledged", At: now2, Actor: "op-a"}, {Kind: "evidence", Detail: "上传签名确认书", At: now2, Actor: "op-a"}}}))
		got, err = db.FindProblemCase(ctx, bd.a.ID, p.ID)
		must(t, err)
		if got.Status != huifang.ProblemInProgress || got.Pending != nil || got.HolderBranch != "01" || got.HandlerID != bd.userA.ID || got.Actions != 1 {
			t.Fatalf("acknowledged %+v", got)
		}
		sum := sha256.Sum256(doc.Data)
		e, err := db.FindEvidence(ctx, bd.a.ID, doc.ID)
		must(t, err)
		if !bytes.Equal(e.Data, doc.Data) || e.SHA256 != hex.EncodeToString(sum[:]) || e.Size != int64(len(doc.Data)) || e.Key != "" || e.CaseID != p.ID ||
			e.Name != "签名确认书.pdf" || e.UploadedBy != bd.userA.ID {
			t.Fatalf("evidence %+v", e)
		}
		sameMS(t, "uploaded", e.UploadedAt, now2)
		if _, err := db.FindEvidence(ctx, bd.b.ID, doc.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's evidence through B: %v", err)
		}

		// A document in the blob store: no bytes in the row, the caller's checksum.
		now3 := now2.Add(time.Hour)
		c = *got
		c.Actions = 2
		blob := &huifang.Evidence{Name: "录音.mp3", ContentType: "audio/mpeg", Key: "evidence/1", Size: 4096, SHA256: "abc"}
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: got.Status, WasUpdated: got.UpdatedAt, Now: now3, Actor: huifang.Actor{UserID: bd.userA.ID, Name: "op-a"},
			Evidence: blob, Events: []huifang.CaseEvent{{Kind: "evidence", At: now3, Actor: "op-a"}}}))
		e, err = db.FindEvidence(ctx, bd.a.ID, blob.ID)
		must(t, err)
		if len(e.Data) != 0 || e.Key != "evidence/1" || e.Size != 4096 || e.SHA256 != "abc" {
			t.Fatalf("blob evidence %+v", e)
		}
		docs, err := db.ListEvidence(ctx, bd.a.ID, p.ID)
		must(t, err)
		if len(docs) != 2 || docs[0].ID != doc.ID || docs[1].ID != blob.ID || docs[0].Data != nil || docs[0].Size != int64(len(doc.Data)) {
			t.Fatalf("documents %+v", docs)
		}
		got, err = db.FindProblemCase(ctx, bd.a.ID, p.ID)
		must(t, err)

		// A re-callback is planned and the phone corrected in the same step.
		now4 := now3.Add(time.Hour)
		c = *got
		c.Status = huifang.ProblemRecallback
		plan := &huifang.Plan{Kind: huifang.KindRecallback, DueOn: due}
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: got.Status, WasUpdated: got.UpdatedAt, Now: now4, Actor: huifang.Actor{UserID: bd.userA.ID, Name: "op-a"},
			Recallback: plan, Phone: &huifang.PhoneChange{Enc: "enc-new", Hash: "hp-new"}, Events: []huifang.CaseEvent{{Kind: "recallback", At: now4, Actor: "op-a"}}}))
		got, err = db.FindProblemCase(ctx, bd.a.ID, p.ID)
		must(t, err)
		if got.RecallbackID == 0 || got.RecallbackID != c.RecallbackID {
			t.Fatalf("re-callback id %d (step said %d)", got.RecallbackID, c.RecallbackID)
		}
		rc, err := db.FindCallback(ctx, bd.a.ID, got.RecallbackID)
		must(t, err)
		if rc.Kind != huifang.KindRecallback || rc.CaseID != p.ID || rc.PolicyNo != "Q1" || rc.DueOn != due || rc.Status != huifang.StatusOpen {
			t.Fatalf("re-callback %+v", rc)
		}
		pol, err := db.FindPolicy(ctx, bd.a.ID, "Q1")
		must(t, err)
		if pol.HolderPhoneEnc != "enc-new" || pol.HolderPhoneHash != "hp-new" {
			t.Fatalf("phone not corrected: %+v", pol)
		}

		// Events: oldest first; a document on the last event of its step.
		evs, err := db.ListEvents(ctx, bd.a.ID, p.ID)
		must(t, err)
		kinds := []string{}
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		if want := []string{"opened", "transfer", "acknowledged", "evidence", "evidence", "recallback"}; !equal(kinds, want) {
			t.Fatalf("events %v, want %v", kinds, want)
		}
		if evs[2].EvidenceID != 0 || evs[3].EvidenceID != doc.ID || evs[4].EvidenceID != blob.ID || evs[1].Detail != "转交省分" {
			t.Fatalf("events %+v", evs)
		}
		sameMS(t, "event at", evs[0].At, tNano)
		if evs, _ := db.ListEvents(ctx, bd.b.ID, p.ID); len(evs) != 0 {
			t.Fatalf("B sees A's events")
		}
	})
}

// TestConformProblemFilters: boards and lists by each filter, and the
// on-time outcome decided by the day in Beijing on both engines.
func TestConformProblemFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("V1", huifang.NewDate(2026, 3, 2), "h1"), policy("V2", huifang.NewDate(2026, 3, 2), "h2"),
			policy("V3", huifang.NewDate(2026, 3, 2), "h3"))
		importPolicies(t, db, bd.b.ID, policy("V1", huifang.NewDate(2026, 3, 2), "h1"))
		due := huifang.NewDate(2026, 3, 16)
		k1 := openCase(t, db, bd.a.ID, bd.userA.ID, "V1", huifang.ProblemUnsigned, t0, due)
		k2 := openCase(t, db, bd.a.ID, bd.userA.ID, "V2", huifang.ProblemUnclearRights, t0.Add(time.Minute), due.AddDays(1))
		k3 := openCase(t, db, bd.a.ID, bd.userA.ID, "V3", huifang.ProblemUnsigned, t0.Add(2*time.Minute), due.AddDays(2))
		openCase(t, db, bd.b.ID, bd.userB.ID, "V1", huifang.ProblemUnsigned, t0, due)
		// k1 resolved at the last millisecond of its due day in Beijing: on
		// time; k2 closed at the first millisecond of the next day: late.
		endOfDue := time.Date(2026, 3, 16, 23, 59, 59, 999e6, shanghai)
		step := func(p *huifang.ProblemCase, st huifang.ProblemStatus, at time.Time) {
			t.Helper()
			was, wasAt := p.Status, p.UpdatedAt
			if wasAt.IsZero() {
				wasAt = p.OpenedAt
			}
			c := *p
			c.Status = st
			if st == huifang.ProblemResolved {
				c.ResolvedAt = at
			} else {
				c.ClosedAt, c.CloseReason = at, "客户拒绝配合"
			}
			must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: was, WasUpdated: wasAt, Now: at, Actor: cli}))
		}
		step(k1, huifang.ProblemResolved, endOfDue)
		step(k2, huifang.ProblemClosed, time.Date(2026, 3, 18, 0, 0, 0, 0, shanghai))
		// k3 is transferred to branch 01's user A.
		c := *k3
		c.Status = huifang.ProblemTransferring
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: huifang.ProblemOpen, WasUpdated: k3.OpenedAt, Now: t0.Add(time.Hour), Actor: cli,
			Transfer: huifang.TransferChange{New: &huifang.Transfer{ToBranch: "01", ToUserID: bd.userA.ID, DueOn: due, Prior: huifang.ProblemOpen, At: t0.Add(time.Hour)}}}))

		list := func(f huifang.ProblemFilter) (out []string) {
			t.Helper()
			cs, err := db.ListProblemCases(ctx, bd.a.ID, f)
			must(t, err)
			for _, c := range cs {
				out = append(out, c.PolicyNo)
			}
			n, err := db.CountProblemCases(ctx, bd.a.ID, f)
			must(t, err)
			if f.Limit == 0 && n != len(out) {
				t.Errorf("%+v: counted %d, listed %d", f, n, len(out))
			}
			return out
		}
		centre, b01 := "", "01"
		for _, tc := range []struct {
			name string
			f    huifang.ProblemFilter
			want []string
		}{
			{"all, newest first", huifang.ProblemFilter{}, []string{"V3", "V2", "V1"}},
			{"limit", huifang.ProblemFilter{Limit: 1}, []string{"V3"}},
			{"status", huifang.ProblemFilter{Status: huifang.ProblemResolved}, []string{"V1"}},
			{"type", huifang.ProblemFilter{Type: huifang.ProblemUnsigned}, []string{"V3", "V1"}},
			{"callback", huifang.ProblemFilter{CallbackID: 424242}, nil},
			{"policy", huifang.ProblemFilter{PolicyNo: "V2"}, []string{"V2"}},
			{"unfinished", huifang.ProblemFilter{Unfinished: true}, []string{"V3"}},
			{"due by", huifang.ProblemFilter{DueBy: due.AddDays(1)}, nil},
			{"due by, later", huifang.ProblemFilter{DueBy: due.AddDays(2)}, []string{"V3"}},
			{"centre's board", huifang.ProblemFilter{HolderBranch: &centre}, []string{"V1", "V2", "V3"}},
			{"branch's board", huifang.ProblemFilter{HolderBranch: &b01}, []string{"V3"}},
			{"handler's board", huifang.ProblemFilter{HandlerID: bd.userA.ID}, []string{"V3"}},
			{"handler in branch", huifang.ProblemFilter{HolderBranch: &b01, HandlerID: bd.userB.ID}, nil},
			{"due range", huifang.ProblemFilter{DueFrom: due, DueTo: due.AddDays(1)}, []string{"V2", "V1"}},
			{"outcome resolved", huifang.ProblemFilter{Outcome: huifang.CaseOutcomeResolved}, []string{"V1"}},
			{"outcome closed", huifang.ProblemFilter{Outcome: huifang.CaseOutcomeClosed}, []string{"V2", "V1"}},
			{"outcome on time", huifang.ProblemFilter{Outcome: huifang.CaseOutcomeOnTime}, []string{"V1"}},
			{"branch dims", huifang.ProblemFilter{Branch: "0"}, []string{"V3", "V2", "V1"}},
			{"seller", huifang.ProblemFilter{Seller: "AG9"}, nil},
		} {
			if got := list(tc.f); !equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		got, err := db.FindProblemCase(ctx, bd.a.ID, k1.ID)
		must(t, err)
		sameMS(t, "resolved", got.ResolvedAt, endOfDue)
		// A case without a deadline comes last on a board, on both engines.
		importPolicies(t, db, bd.a.ID, policy("V4", huifang.NewDate(2026, 3, 2), "h4"), policy("V5", huifang.NewDate(2026, 3, 2), "h5"))
		openCase(t, db, bd.a.ID, bd.userA.ID, "V4", huifang.ProblemUnsigned, t0, huifang.Date{})
		openCase(t, db, bd.a.ID, bd.userA.ID, "V5", huifang.ProblemUnsigned, t0, due)
		if got := list(huifang.ProblemFilter{Unfinished: true}); !equal(got, []string{"V5", "V3", "V4"}) {
			t.Errorf("board with a case without deadline: %v", got)
		}
	})
}

// TestConformNotificationsAndJobs: notifications arrive once per dedupe key
// and user, newest first; escalation is marked once; a background job's
// lock is taken by one owner at a time.
func TestConformNotificationsAndJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		n := func(u *huifang.User, at time.Time, dedupe string) huifang.Notification {
			return huifang.Notification{OrgID: u.OrgID, UserID: u.ID, At: at, Kind: "escalation", Subject: "问题件逾期", Body: "请尽快处理", Dedupe: dedupe}
		}
		added, err := db.AddNotifications(ctx, []huifang.Notification{n(bd.userA, tNano, "k1"), n(bd.userA, t0, "k2"), n(bd.userA, t0, "k1"), n(bd.userB, t0, "k1")})
		must(t, err)
		if len(added) != 3 || added[0].Dedupe != "k1" || added[1].Dedupe != "k2" || added[2].UserID != bd.userB.ID {
			t.Fatalf("added %+v", added)
		}
		again, err := db.AddNotifications(ctx, []huifang.Notification{n(bd.userA, t0, "k2")})
		must(t, err)
		if len(again) != 0 {
			t.Fatalf("added again %+v", again)
		}
		if got, _ := db.AddNotifications(ctx, nil); len(got) != 0 {
			t.Fatalf("nothing added %+v", got)
		}
		list, err := db.ListNotifications(ctx, bd.a.ID, bd.userA.ID, 0)
		must(t, err)
		if len(list) != 2 || list[0].Dedupe != "k2" || list[1].Subject != "问题件逾期" || !list[1].ReadAt.IsZero() {
			t.Fatalf("A's notifications %+v", list)
		}
		sameMS(t, "at", list[1].At, tNano)
		if list, _ := db.ListNotifications(ctx, bd.b.ID, bd.userA.ID, 0); len(list) != 0 {
			t.Fatalf("A's notifications under B")
		}
		if u, _ := db.CountUnread(ctx, bd.a.ID, bd.userA.ID); u != 2 {
			t.Fatalf("%d unread", u)
		}
		must(t, db.MarkNotificationsRead(ctx, bd.a.ID, bd.userA.ID, tNano))
		if u, _ := db.CountUnread(ctx, bd.a.ID, bd.userA.ID); u != 0 {
			t.Fatalf("%d unread after reading", u)
		}
		if u, _ := db.CountUnread(ctx, bd.b.ID, bd.userB.ID); u != 1 {
			t.Fatalf("B: %d unread", u)
		}
		list, _ = db.ListNotifications(ctx, bd.a.ID, bd.userA.ID, 1)
		if len(list) != 1 {
			t.Fatalf("limit 1: %d", len(list))
		}
		sameMS(t, "read at", list[0].ReadAt, tNano)

		// Escalation: overdue unfinished cases across insurers, each once.
		importPolicies(t, db, bd.a.ID, policy("E1", huifang.NewDate(2026, 3, 2), "h1"), policy("E2", huifang.NewDate(2026, 3, 2), "h2"))
		importPolicies(t, db, bd.b.ID, policy("E1", huifang.NewDate(2026, 3, 2), "h1"))
		openCase(t, db, bd.a.ID, bd.userA.ID, "E1", huifang.ProblemUnsigned, t0, huifang.NewDate(2026, 3, 10))
		openCase(t, db, bd.a.ID, bd.userA.ID, "E2", huifang.ProblemUnsigned, t0, huifang.NewDate(2026, 3, 20))
		openCase(t, db, bd.b.ID, bd.userB.ID, "E1", huifang.ProblemUnsigned, t0, huifang.NewDate(2026, 3, 9))
		over, err := db.OverdueCases(ctx, huifang.NewDate(2026, 3, 11), 10)
		must(t, err)
		if len(over) != 2 || over[0].OrgID != bd.b.ID || over[1].OrgID != bd.a.ID || over[1].PolicyNo != "E1" {
			t.Fatalf("overdue %+v", over)
		}
		ok, err := db.MarkEscalated(ctx, &over[1], huifang.CaseEvent{Kind: "escalated", At: t0, Actor: "system"}, tNano)
		must(t, err)
		if !ok {
			t.Fatal("first escalation refused")
		}
		if ok, err := db.MarkEscalated(ctx, &over[1], huifang.CaseEvent{Kind: "escalated", At: t0, Actor: "system"}, tNano); err != nil || ok {
			t.Fatalf("second escalation: %v %v", ok, err)
		}
		if over, _ := db.OverdueCases(ctx, huifang.NewDate(2026, 3, 11), 10); len(over) != 1 {
			t.Fatalf("after escalating: %+v", over)
		}
		esc, err := db.FindProblemCase(ctx, bd.a.ID, over[1].ID)
		must(t, err)
		sameMS(t, "escalated", esc.EscalatedAt, tNano)

		// Jobs: one owner at a time, then not before the next run.
		ok, err = db.ClaimJob(ctx, "escalate", "s1", t0, time.Minute)
		must(t, err)
		if !ok {
			t.Fatal("first claim of a new job refused")
		}
		if ok, _ := db.ClaimJob(ctx, "escalate", "s2", t0.Add(30*time.Second), time.Minute); ok {
			t.Fatal("claimed while locked")
		}
		must(t, db.FinishJob(ctx, "escalate", "s1", t0.Add(40*time.Second), t0.Add(time.Hour), errors.New("mail down")))
		if ok, _ := db.ClaimJob(ctx, "escalate", "s2", t0.Add(59*time.Minute), time.Minute); ok {
			t.Fatal("claimed before its next run")
		}
		if ok, _ := db.ClaimJob(ctx, "escalate", "s2", t0.Add(time.Hour), time.Minute); !ok {
			t.Fatal("not claimed at its next run")
		}
		// A lock that ran out is taken over.
		if ok, _ := db.ClaimJob(ctx, "escalate", "s3", t0.Add(time.Hour+time.Minute+time.Millisecond), time.Minute); !ok {
			t.Fatal("expired lock not taken over")
		}
	})
}
