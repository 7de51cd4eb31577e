package store_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// inspected collects what the inspection streams return for a scope.
type inspected struct {
	policies, callbacks, letters []string
	attempts, recordings         []int64
	cases, events, evidence      []int64
	audit                        []string
}

func inspect(t *testing.T, db *store.DB, sc huifang.InspectionScope) inspected {
	t.Helper()
	var in inspected
	must(t, db.ForEachInspectedPolicy(ctx, sc, func(r *huifang.PolicyRecord) error { in.policies = append(in.policies, r.No); return nil }))
	must(t, db.ForEachInspectedCallback(ctx, sc, false, func(c *huifang.Callback) error { in.callbacks = append(in.callbacks, c.PolicyNo); return nil }))
	must(t, db.ForEachInspectedCallback(ctx, sc, true, func(c *huifang.Callback) error { in.letters = append(in.letters, c.PolicyNo); return nil }))
	must(t, db.ForEachInspectedAttempt(ctx, sc, func(a *huifang.Attempt) error { in.attempts = append(in.attempts, a.CallbackID); return nil }))
	must(t, db.ForEachInspectedRecording(ctx, sc, func(r *huifang.Recording) error { in.recordings = append(in.recordings, r.ID); return nil }))
	must(t, db.ForEachInspectedCase(ctx, sc, func(c *huifang.ProblemCase) error { in.cases = append(in.cases, c.ID); return nil }))
	must(t, db.ForEachInspectedEvent(ctx, sc, func(e *huifang.CaseEvent) error { in.events = append(in.events, e.CaseID); return nil }))
	must(t, db.ForEachInspectedEvidence(ctx, sc, func(e *huifang.Evidence) error { in.evidence = append(in.evidence, e.ID); return nil }))
	must(t, db.ForEachInspectedAudit(ctx, sc, func(e *huifang.AuditEntry) error { in.audit = append(in.audit, e.Action); return nil }))
	return in
}

// TestConformInspection: the streams of an inspection package pick the
// same rows on both engines: callbacks due or finished in the range, their
// attempts and recordings; cases opened in it or from those callbacks, with
// their timelines and documents; policies issued in it or holding those;
// the audit entries of the range; nothing of another insurer.
func TestConformInspection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate
		march := time.Date(2026, 3, 10, 9, 0, 0, 0, shanghai)
		may := d(2026, 5, 2)
		issued := policy("I4", huifang.Date{}, "h4")
		issued.IssuedOn = d(2026, 3, 10)
		importPolicies(t, db, bd.a.ID,
			policy("I1", d(2026, 3, 2), "h1"), // due 17 March
			policy("I2", may, "h2"),           // due in May, finished in March
			policy("I3", may, "h3"),           // due in May, a case opened in March
			issued,                            // issued in March, no callback
			policy("I5", may, "h5"))           // nothing in March
		importPolicies(t, db, bd.b.ID, policy("I1", d(2026, 3, 2), "h1"))

		c2 := callbackOf(t, db, bd.a.ID, "I2")
		_, err := db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c2.ID, UserID: bd.userA.ID, Now: march,
			Attempt: &huifang.Attempt{At: march, Outcome: huifang.AttemptAnswered}, Status: huifang.StatusDone, Result: huifang.ResultSuccessful,
			Answers: map[string]huifang.Answer{"identity": huifang.AnswerYes}, Method: huifang.MethodLetter, ScriptCode: "S", ScriptVersion: 1,
			Evidence: `{"method":"letter"}`, NoLease: true, Audit: huifang.AuditEntry{Actor: "op-a", Action: "finish"}})
		must(t, err)
		rec := &huifang.Recording{OrgID: bd.a.ID, CallbackID: c2.ID, Key: "rec/2.wav", Format: "wav", UploadedAt: march, Source: "api"}
		must(t, db.AddRecording(ctx, rec, cli))
		c5 := callbackOf(t, db, bd.a.ID, "I5")
		must(t, db.AddRecording(ctx, &huifang.Recording{OrgID: bd.a.ID, CallbackID: c5.ID, Key: "rec/5.wav", Format: "wav", UploadedAt: march, Source: "api"}, cli))

		inMarch := openCase(t, db, bd.a.ID, bd.userA.ID, "I3", huifang.ProblemComplaint, march, d(2026, 3, 24))
		got, err := db.FindProblemCase(ctx, bd.a.ID, inMarch.ID)
		must(t, err)
		c := *got
		c.UpdatedAt = march.Add(time.Hour)
		doc := &huifang.Evidence{Name: "说明.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: got.Status, WasUpdated: got.UpdatedAt, Now: c.UpdatedAt, Actor: huifang.Actor{UserID: bd.userA.ID, Name: "op-a"},
			Events: []huifang.CaseEvent{{Kind: "note", Detail: "已联系客户", At: c.UpdatedAt, UserID: bd.userA.ID, Actor: "op-a"}}, Evidence: doc}))
		// A case opened in April from I2's callback (finished in March) belongs; one
		// opened in April on I5 does not.
		april := time.Date(2026, 4, 2, 9, 0, 0, 0, shanghai)
		fromCallback := &huifang.ProblemCase{OrgID: bd.a.ID, CallbackID: c2.ID, PolicyNo: "I2", Type: huifang.ProblemComplaint, BranchCode: "01",
			Channel: huifang.ChannelAgency, OpenedAt: april, OpenedOn: d(2026, 4, 2), DueOn: d(2026, 4, 16), LimitDays: 10}
		must(t, db.OpenProblemCase(ctx, fromCallback, "op-a"))
		openCase(t, db, bd.a.ID, bd.userA.ID, "I5", huifang.ProblemComplaint, april, d(2026, 4, 16))
		openCase(t, db, bd.b.ID, bd.userB.ID, "I1", huifang.ProblemComplaint, march, d(2026, 3, 24))
		must(t, db.AppendAudit(ctx, huifang.AuditEntry{OrgID: bd.a.ID, At: time.Date(2026, 3, 31, 23, 59, 0, 0, shanghai), Actor: "x", Entity: "policy", Key: "I1", Action: "late-march"},
			huifang.AuditEntry{OrgID: bd.a.ID, At: time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai), Actor: "x", Entity: "policy", Key: "I1", Action: "april"},
			huifang.AuditEntry{OrgID: bd.a.ID, At: time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), Actor: "x", Entity: "policy", Key: "I1", Action: "early-march"},
			huifang.AuditEntry{OrgID: bd.b.ID, At: march, Actor: "x", Entity: "policy", Key: "I1", Action: "b-march"}))

		in := inspect(t, db, huifang.InspectionScope{OrgID: bd.a.ID, From: d(2026, 3, 1), To: d(2026, 3, 31)})
		if !equal(in.policies, []string{"I1", "I2", "I3", "I4"}) {
			t.Errorf("policies %v", in.policies)
		}
		if !equal(in.callbacks, []string{"I1", "I2"}) || !equal(in.letters, []string{"I2"}) {
			t.Errorf("callbacks %v, letters %v", in.callbacks, in.letters)
		}
		if !equal(in.attempts, []int64{c2.ID}) || !equal(in.recordings, []int64{rec.ID}) {
			t.Errorf("attempts %v, recordings %v", in.attempts, in.recordings)
		}
		if !equal(in.cases, []int64{inMarch.ID, fromCallback.ID}) {
			t.Errorf("cases %v, want %d and %d", in.cases, inMarch.ID, fromCallback.ID)
		}
		if !equal(in.events, []int64{inMarch.ID, inMarch.ID, fromCallback.ID}) || len(in.evidence) != 1 {
			t.Errorf("events of cases %v, evidence %v", in.events, in.evidence)
		}
		var ours []string
		for _, a := range in.audit {
			if a == "early-march" || a == "late-march" || a == "april" || a == "b-march" {
				ours = append(ours, a)
			}
		}
		if !equal(ours, []string{"early-march", "late-march"}) || len(in.audit) <= 2 {
			t.Errorf("audit %v", in.audit)
		}

		// One snapshot: an entry written while the package is read is not in
		// it, and is in the next.
		sc := huifang.InspectionScope{OrgID: bd.a.ID, From: d(2026, 3, 1), To: d(2026, 3, 31)}
		count := func(r huifang.InspectionReader) int {
			n := 0
			must(t, r.ForEachInspectedAudit(ctx, sc, func(*huifang.AuditEntry) error { n++; return nil }))
			return n
		}
		var before, during int
		must(t, db.ReadInspection(ctx, func(r huifang.InspectionReader) error {
			before = count(r)
			must(t, db.AppendAudit(ctx, huifang.AuditEntry{OrgID: bd.a.ID, At: march, Actor: "x", Entity: "policy", Key: "I1", Action: "meanwhile"}))
			during = count(r)
			return nil
		}))
		if after := count(db); before != len(in.audit) || during != before || after != before+1 {
			t.Errorf("audit entries: %d before, %d during the snapshot, %d after", before, during, after)
		}

		// Nothing in a range without any of it, nor of a company in none.
		empty := inspect(t, db, huifang.InspectionScope{OrgID: bd.a.ID, From: d(2025, 1, 1), To: d(2025, 12, 31)})
		if len(empty.policies)+len(empty.callbacks)+len(empty.cases)+len(empty.audit)+len(empty.recordings) != 0 {
			t.Errorf("2025: %+v", empty)
		}
		if other := inspect(t, db, huifang.InspectionScope{OrgID: bd.reg.ID, From: d(2026, 3, 1), To: d(2026, 3, 31)}); len(other.policies)+len(other.cases) != 0 {
			t.Errorf("the regulator's rows: %+v", other)
		}
	})
}
