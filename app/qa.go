package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/qa"
	"github.com/huifang/huifang/script"
)

// QA scoring of calls (质检, docs/qa.md). Every week the calls each operator
// finished are drawn at the profile's rate (package qa), and the calls the
// rules flag are added; QA staff evaluate them with the form built from the
// script version the call used, listening to the recording; the operator
// sees their evaluations and may appeal once; QA upholds the appeal (with a
// corrected form) or rejects it. A calibration asks a second evaluator to
// score a scored call; the two evaluations' agreement shows on both. The
// managers see the figures per operator and team.

// QADraw is what one draw queued.
type QADraw struct {
	Week    string
	Calls   int // the week's finished calls
	Random  int // queued by the random draw
	Flagged int // queued by a rule's flag
}

// DrawQA draws the current week (so far) of the user's organisation. Audited.
func (s *Service) DrawQA(ctx context.Context, u *huifang.User) (*QADraw, error) {
	if err := require(u, huifang.PermQAEvaluate); err != nil {
		return nil, err
	}
	return s.drawQA(ctx, u.OrgID, s.now(), actor(u))
}

// DrawQAWeeks is the weekly job: it draws the week before now for every
// insurer (the current week's draw by QA, if any, is topped up).
func (s *Service) DrawQAWeeks(ctx context.Context) (int, error) {
	orgs, err := s.db.ListOrgs(ctx, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range orgs {
		if o.Kind != huifang.KindInsurer {
			continue
		}
		d, err := s.drawQA(ctx, o.ID, s.now().AddDate(0, 0, -7), huifang.Actor{Name: "system"})
		if err != nil {
			return n, fmt.Errorf("qa draw of %s: %w", o.Code, err)
		}
		n += d.Random + d.Flagged
	}
	return n, nil
}

// DrawQAWeek draws the week of a day (zero: today) for an insurer, as the
// command line (huifang qa draw): a week the job missed, or drawn again to
// top it up. Audited.
func (s *Service) DrawQAWeek(ctx context.Context, u *huifang.User, orgCode string, on huifang.Date) (*QADraw, error) {
	if err := require(u, huifang.PermManageOrgs); err != nil {
		return nil, err
	}
	o, err := s.db.FindOrgByCode(ctx, orgCode)
	if errors.Is(err, huifang.ErrNotFound) || (err == nil && o.Kind != huifang.KindInsurer) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found", orgCode)
	} else if err != nil {
		return nil, err
	}
	if on.IsZero() {
		on = s.today()
	}
	return s.drawQA(ctx, o.ID, dayStart(on).Add(12*time.Hour), actor(u))
}

// drawQA queues the flagged calls of the week of t, then tops the random
// draw up to each operator's quota.
func (s *Service) drawQA(ctx context.Context, orgID int64, t time.Time, a huifang.Actor) (*QADraw, error) {
	week := qa.Week(t)
	from, to := qa.WeekBounds(t)
	v, err := s.ProfileFor(ctx, orgID, huifang.DateOf(t))
	if err != nil {
		return nil, err
	}
	calls, err := s.db.QACalls(ctx, orgID, from, to)
	if err != nil {
		return nil, err
	}
	d := &QADraw{Week: week, Calls: len(calls)}
	if len(calls) == 0 {
		return d, nil
	}
	prev, err := s.db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: orgID, From: from.AddDate(0, 0, -1), Limit: 100000})
	if err != nil {
		return nil, err
	}
	queued, already := map[int64]bool{}, map[int64]bool{}
	for _, e := range prev {
		if e.PairID == 0 {
			queued[e.CallbackID] = true
			if e.Reason == huifang.QARandom && e.Week == week {
				already[e.CallbackID] = true
			}
		}
	}
	now := s.now()
	scripts := map[string]*script.Script{}
	var evs []huifang.QAEvaluation
	pop := make([]qa.Call, 0, len(calls))
	for i := range calls {
		c := &calls[i]
		pop = append(pop, qa.Call{CallbackID: c.ID, OperatorID: c.FinishedBy})
		if queued[c.ID] {
			continue
		}
		sc, err := s.usedScript(ctx, &c.Callback, scripts)
		if err != nil {
			return nil, err
		}
		if flags := qa.Flags(qa.Facts{Result: c.Result, Answers: c.Answers, Script: sc, Seconds: callSeconds(c), Complaint: c.Complaint}); len(flags) > 0 {
			evs = append(evs, huifang.QAEvaluation{OrgID: orgID, CallbackID: c.ID, OperatorID: c.FinishedBy, Week: week, Reason: flags[0], CreatedAt: now})
			queued[c.ID] = true
		}
	}
	d.Flagged = len(evs)
	for _, c := range qa.Draw(pop, qa.Seed(orgID, week), v.Rules.QARate(), v.Rules.QAMinimum(), already) {
		if queued[c.CallbackID] {
			continue // a flag queued it: it is evaluated anyway
		}
		evs = append(evs, huifang.QAEvaluation{OrgID: orgID, CallbackID: c.CallbackID, OperatorID: c.OperatorID, Week: week, Reason: huifang.QARandom, CreatedAt: now})
		d.Random++
	}
	if len(evs) == 0 {
		return d, nil
	}
	_, err = s.db.AddQAEvaluations(ctx, evs, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Key: week, Action: "draw",
		Detail: jsonDetail(map[string]any{"week": week, "calls": d.Calls, "random": d.Random, "flagged": d.Flagged,
			"rate_bp": v.Rules.QARate(), "min": v.Rules.QAMinimum()})})
	return d, err
}

// callSeconds is how long a call lasted: from the answered attempt to the
// finish; -1 when unknown (no answered attempt, or it was recorded only
// when the answers were, docs/qa.md).
func callSeconds(c *huifang.QACall) int {
	if c.AnsweredAt.IsZero() || !c.FinishedAt.After(c.AnsweredAt) {
		return -1
	}
	return int(c.FinishedAt.Sub(c.AnsweredAt) / time.Second)
}

// usedScript is the script version a callback's answers were given to; nil
// when it recorded none. cache is by version.
func (s *Service) usedScript(ctx context.Context, c *huifang.Callback, cache map[string]*script.Script) (*script.Script, error) {
	key := fmt.Sprintf("%d/%s/%d", c.ScriptID, c.ScriptCode, c.ScriptVersion)
	if sc, ok := cache[key]; ok {
		return sc, nil
	}
	var sc *script.Script
	switch {
	case c.ScriptID != 0:
		r, err := s.db.FindScript(ctx, c.OrgID, c.ScriptID)
		if err != nil {
			return nil, fmt.Errorf("script %d of callback %d: %w", c.ScriptID, c.ID, err)
		}
		if sc, err = parseRecord(r); err != nil {
			return nil, err
		}
	case c.ScriptCode != "":
		sc = script.Lookup(c.ScriptCode)
	}
	if cache != nil {
		cache[key] = sc
	}
	return sc, nil
}

// QAQueue lists the organisation's evaluations for QA staff, newest first
// (f.Status, f.OperatorID, keyset f.AfterID; at most 50 a page).
func (s *Service) QAQueue(ctx context.Context, u *huifang.User, f huifang.QAFilter) ([]huifang.QAEvaluation, error) {
	if err := require(u, huifang.PermQAEvaluate); err != nil {
		return nil, err
	}
	f.OrgID, f.CallbackID = u.OrgID, 0
	if f.Limit <= 0 || f.Limit > 50 {
		f.Limit = 50
	}
	return s.db.ListQAEvaluations(ctx, f)
}

// MyQA lists the scored evaluations of the operator's own calls (not the
// calibrations), newest first, 50 a page.
func (s *Service) MyQA(ctx context.Context, u *huifang.User, afterID int64) ([]huifang.QAEvaluation, error) {
	if err := require(u, huifang.PermQAOwn); err != nil {
		return nil, err
	}
	var out []huifang.QAEvaluation
	for len(out) < 50 {
		page, err := s.db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: u.OrgID, OperatorID: u.ID, AfterID: afterID, Limit: 50})
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if e.PairID == 0 && e.Status.Scored() {
				out = append(out, e)
			}
		}
		if len(page) < 50 {
			break
		}
		afterID = page[len(page)-1].ID
	}
	return out, nil
}

// QAView is one evaluation as its page shows it.
type QAView struct {
	huifang.QAEvaluation
	Callback   *huifang.Callback
	Work       *Work            // the call as its page shows it (policy masked, answers, script)
	Form       []huifang.QAItem // the items to answer: the evaluation's, or the form of the call's script
	Script     string           // the script version, "code v3"
	Seconds    int              // the call's length; -1 unknown
	MinSeconds int              // the least time the script takes to read; 0 unknown
	Recordings []huifang.Recording
	// Pair is the other evaluation of a calibration pair, if scored, and
	// Agreement the two's.
	Pair      *huifang.QAEvaluation
	Agreement *qa.Agreement
	// What the user may do.
	CanEvaluate, CanAppeal, CanDecide, CanCalibrate, CanListen bool
}

// findQA finds an evaluation the user may see: QA any of the organisation's,
// the operator their own scored first evaluations, managers with the
// figures' right the scored ones.
func (s *Service) findQA(ctx context.Context, u *huifang.User, id int64) (*huifang.QAEvaluation, error) {
	if u == nil || !(u.Can(huifang.PermQAEvaluate) || u.Can(huifang.PermQAOwn) || u.Can(huifang.PermQAFigures)) {
		return nil, require(u, huifang.PermQAEvaluate)
	}
	e, err := s.db.FindQAEvaluation(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.qa.not_found", id)
	} else if err != nil {
		return nil, err
	}
	if u.Can(huifang.PermQAEvaluate) {
		return e, nil
	}
	if !e.Status.Scored() || (!u.Can(huifang.PermQAFigures) && (e.OperatorID != u.ID || e.PairID != 0)) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.qa.not_found", id)
	}
	return e, nil
}

// QAEvaluation shows one evaluation with its call, form, recordings and
// calibration pair.
func (s *Service) QAEvaluation(ctx context.Context, u *huifang.User, id int64) (*QAView, error) {
	e, err := s.findQA(ctx, u, id)
	if err != nil {
		return nil, err
	}
	c, err := s.db.FindCallback(ctx, u.OrgID, e.CallbackID)
	if err != nil {
		return nil, err
	}
	v := &QAView{QAEvaluation: *e, Callback: c, Seconds: -1}
	sc, err := s.usedScript(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	if c.ScriptCode != "" {
		v.Script = fmt.Sprintf("%s v%d", c.ScriptCode, c.ScriptVersion)
	}
	if sc != nil {
		v.MinSeconds = qa.MinReadSeconds(sc, c.Answers)
	}
	if calls, err := s.db.QACalls(ctx, u.OrgID, c.FinishedAt, c.FinishedAt.Add(time.Millisecond)); err == nil {
		for i := range calls {
			if calls[i].ID == c.ID {
				v.Seconds = callSeconds(&calls[i])
			}
		}
	} else {
		return nil, err
	}
	if u.Can(huifang.PermViewCallbacks) {
		if v.Work, err = s.work(ctx, c); err != nil {
			return nil, err
		}
	}
	v.Form = e.Items
	if len(v.Form) == 0 {
		v.Form = qa.Form(sc)
	}
	if u.Can(huifang.PermListen) {
		if v.Recordings, err = s.db.ListRecordings(ctx, u.OrgID, c.ID); err != nil {
			return nil, err
		}
	}
	if u.Can(huifang.PermQAEvaluate) || u.Can(huifang.PermQAFigures) {
		pairs, err := s.db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: u.OrgID, CallbackID: c.ID, Limit: 10})
		if err != nil {
			return nil, err
		}
		for i := range pairs {
			p := &pairs[i]
			if p.ID != e.ID && (p.ID == e.PairID || p.PairID == e.ID) && p.Status.Scored() {
				v.Pair = p
				if e.Status.Scored() {
					g := qa.Agree(*e, *p)
					v.Agreement = &g
				}
			}
		}
	}
	qaUser := u.Can(huifang.PermQAEvaluate)
	v.CanListen = u.Can(huifang.PermListen)
	v.CanEvaluate = qaUser && e.Status == huifang.QAQueued
	v.CanDecide = qaUser && e.Status == huifang.QAAppealed
	v.CanCalibrate = qaUser && e.PairID == 0 && e.Status.Scored() && v.Pair == nil
	v.CanAppeal = u.Can(huifang.PermQAOwn) && e.OperatorID == u.ID && e.PairID == 0 && e.Status == huifang.QAEvaluated
	return v, nil
}

// QAInput is an evaluator's answers (by item code) and note.
type QAInput struct {
	Answers map[string]string `json:"answers"`
	Note    string            `json:"note"`
}

// Evaluate scores a queued evaluation. A calibration must be scored by
// someone other than the first evaluator. Audited.
func (s *Service) Evaluate(ctx context.Context, u *huifang.User, id int64, in QAInput) (*huifang.QAEvaluation, error) {
	if err := require(u, huifang.PermQAEvaluate); err != nil {
		return nil, err
	}
	e, err := s.findQA(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if e.Status != huifang.QAQueued {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.not_queued")
	}
	if e.PairID != 0 {
		first, err := s.db.FindQAEvaluation(ctx, u.OrgID, e.PairID)
		if err != nil {
			return nil, err
		}
		if first.EvaluatorID == u.ID {
			return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.qa.same_evaluator")
		}
	}
	c, err := s.db.FindCallback(ctx, u.OrgID, e.CallbackID)
	if err != nil {
		return nil, err
	}
	sc, err := s.usedScript(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	items, err := qa.Fill(qa.Form(sc), in.Answers)
	if err != nil {
		return nil, err
	}
	if len([]rune(in.Note)) > 2000 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.qa.note_long")
	}
	e.Items = items
	e.Score, e.CriticalFail = qa.Score(items)
	e.Status, e.EvaluatorID, e.Evaluator, e.Note, e.EvaluatedAt = huifang.QAEvaluated, u.ID, u.Login, strings.TrimSpace(in.Note), s.now()
	err = s.db.UpdateQAEvaluation(ctx, e, huifang.QAQueued, huifang.AuditEntry{At: e.EvaluatedAt, UserID: u.ID, Actor: u.Login, Action: "evaluate",
		Detail: jsonDetail(map[string]any{"callback": e.CallbackID, "score": e.Score, "critical_fail": e.CriticalFail})})
	if errors.Is(err, huifang.ErrConflict) {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.not_queued")
	}
	return e, err
}

// Appeal is the operator's one appeal against an evaluation of their call.
// Audited.
func (s *Service) Appeal(ctx context.Context, u *huifang.User, id int64, text string) (*huifang.QAEvaluation, error) {
	if err := require(u, huifang.PermQAOwn); err != nil {
		return nil, err
	}
	e, err := s.findQA(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if e.OperatorID != u.ID || e.PairID != 0 {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.qa.not_found", id)
	}
	if e.Status != huifang.QAEvaluated {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.appeal_once")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, huifang.Errorf(huifang.EINVALID, "err.qa.appeal_empty")
	}
	if len([]rune(text)) > 2000 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.qa.note_long")
	}
	e.Status, e.Appeal, e.AppealedAt = huifang.QAAppealed, text, s.now()
	err = s.db.UpdateQAEvaluation(ctx, e, huifang.QAEvaluated, huifang.AuditEntry{At: e.AppealedAt, UserID: u.ID, Actor: u.Login, Action: "appeal"})
	if errors.Is(err, huifang.ErrConflict) {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.appeal_once")
	}
	return e, err
}

// DecisionInput is QA's decision on an appeal: upheld with the corrected
// answers, or rejected; the note says why.
type DecisionInput struct {
	Uphold  bool              `json:"uphold"`
	Answers map[string]string `json:"answers"`
	Note    string            `json:"note"`
}

// DecideAppeal decides an appealed evaluation. Upheld, the corrected form
// is scored again; rejected, the evaluation stands. Audited.
func (s *Service) DecideAppeal(ctx context.Context, u *huifang.User, id int64, in DecisionInput) (*huifang.QAEvaluation, error) {
	if err := require(u, huifang.PermQAEvaluate); err != nil {
		return nil, err
	}
	e, err := s.findQA(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if e.Status != huifang.QAAppealed {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.not_appealed")
	}
	note := strings.TrimSpace(in.Note)
	if note == "" {
		return nil, huifang.Errorf(huifang.EINVALID, "err.qa.decision_note")
	}
	if len([]rune(note)) > 2000 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.qa.note_long")
	}
	before := e.Score
	e.Status = huifang.QARejected
	if in.Uphold {
		items, err := qa.Fill(e.Items, in.Answers)
		if err != nil {
			return nil, err
		}
		e.Items = items
		e.Score, e.CriticalFail = qa.Score(items)
		e.Status = huifang.QAUpheld
	}
	e.DecisionNote, e.DecidedBy, e.DecidedAt = note, u.Login, s.now()
	err = s.db.UpdateQAEvaluation(ctx, e, huifang.QAAppealed, huifang.AuditEntry{At: e.DecidedAt, UserID: u.ID, Actor: u.Login, Action: string(e.Status),
		Detail: jsonDetail(map[string]any{"score_before": before, "score": e.Score})})
	if errors.Is(err, huifang.ErrConflict) {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.not_appealed")
	}
	return e, err
}

// Calibrate queues a second evaluation of a scored call, for another
// evaluator. Audited.
func (s *Service) Calibrate(ctx context.Context, u *huifang.User, id int64) (*huifang.QAEvaluation, error) {
	if err := require(u, huifang.PermQAEvaluate); err != nil {
		return nil, err
	}
	e, err := s.findQA(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if e.PairID != 0 || !e.Status.Scored() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.calibrate")
	}
	now := s.now()
	added, err := s.db.AddQAEvaluations(ctx, []huifang.QAEvaluation{{OrgID: u.OrgID, CallbackID: e.CallbackID, OperatorID: e.OperatorID, Week: e.Week,
		Reason: huifang.QACalibration, PairID: e.ID, CreatedAt: now}},
		huifang.AuditEntry{OrgID: u.OrgID, At: now, UserID: u.ID, Actor: u.Login, Key: fmt.Sprint(e.ID), Action: "calibrate"})
	if err != nil {
		return nil, err
	}
	if len(added) == 0 {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.qa.calibrate")
	}
	return &added[0], nil
}

// PlayQARecording opens a recording of an evaluation's call for a user who
// may see the evaluation and listen; audited with the evaluation.
func (s *Service) PlayQARecording(ctx context.Context, u *huifang.User, id, recID, offset, length int64) (io.ReadCloser, *huifang.Recording, error) {
	if err := require(u, huifang.PermListen); err != nil {
		return nil, nil, err
	}
	e, err := s.findQA(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	if s.Blobs == nil {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.recording.no_storage")
	}
	rec, err := s.db.FindRecording(ctx, u.OrgID, recID)
	if errors.Is(err, huifang.ErrNotFound) || (err == nil && rec.CallbackID != e.CallbackID) {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.recording.not_found", recID)
	} else if err != nil {
		return nil, nil, err
	}
	body, err := s.openRecording(ctx, u, rec, offset, length, map[string]any{"callback": rec.CallbackID, "qa_evaluation": e.ID})
	return body, rec, err
}

// QAFigureTable is the figures of a period: per operator, per team (the
// operators' branch) and in total.
type QAFigureTable struct {
	From, To  huifang.Date // inclusive, Beijing days
	Operators []huifang.QAFigures
	Teams     []huifang.QAFigures // Operator empty, Team set
	Total     huifang.QAFigures
}

// QAFigures gives the figures of [from, to] (Beijing days; zero: the last
// 30 days up to today) for managers and QA.
func (s *Service) QAFigures(ctx context.Context, u *huifang.User, from, to huifang.Date) (*QAFigureTable, error) {
	if err := require(u, huifang.PermQAFigures); err != nil {
		return nil, err
	}
	if to.IsZero() {
		to = s.today()
	}
	if from.IsZero() {
		from = to.AddDays(-29)
	}
	if to.Before(from) || from.AddDays(366).Before(to) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.qa.period")
	}
	rows, err := s.db.QAFigures(ctx, u.OrgID, from, to)
	if err != nil {
		return nil, err
	}
	t := &QAFigureTable{From: from, To: to, Operators: rows}
	teams := map[string]int{}
	for _, r := range rows {
		i, ok := teams[r.Team]
		if !ok {
			i = len(t.Teams)
			teams[r.Team] = i
			t.Teams = append(t.Teams, huifang.QAFigures{Team: r.Team})
		}
		addFigures(&t.Teams[i], r)
		addFigures(&t.Total, r)
	}
	return t, nil
}

func addFigures(to *huifang.QAFigures, r huifang.QAFigures) {
	to.Attempts += r.Attempts
	to.Answered += r.Answered
	to.Finished += r.Finished
	to.Completed += r.Completed
	to.Evaluated += r.Evaluated
	to.ScoreSum += r.ScoreSum
	to.CriticalFailures += r.CriticalFailures
}

// ExportQAFigures writes the figures of the period as CSV or XLSX, one row
// per operator, then per team, then the total.
func (s *Service) ExportQAFigures(ctx context.Context, u *huifang.User, from, to huifang.Date, format string, w io.Writer) error {
	t, err := s.QAFigures(ctx, u, from, to)
	if err != nil {
		return err
	}
	var header []string
	for _, c := range []string{"operator", "team", "attempts", "connect", "finished", "completion", "evaluated", "average", "critical"} {
		header = append(header, i18n.T(i18n.ZH, "qa.col."+c))
	}
	rw, err := newRowWriter(w, format, "qa.figures.sheet", header)
	if err != nil {
		return err
	}
	row := func(name, team string, f huifang.QAFigures) error {
		return rw.Write([]any{name, team, f.Attempts, pct(f.ConnectBP()), f.Finished, pct(f.CompletionBP()),
			f.Evaluated, score100(f.AverageScore()), f.CriticalFailures})
	}
	for _, f := range t.Operators {
		if err := row(f.Operator, f.Team, f); err != nil {
			return err
		}
	}
	for _, f := range t.Teams {
		if err := row("", teamName(f.Team), f); err != nil {
			return err
		}
	}
	if err := row(i18n.T(i18n.ZH, "qa.total"), "", t.Total); err != nil {
		return err
	}
	return rw.Close()
}

func teamName(code string) string {
	if code == "" {
		return i18n.T(i18n.ZH, "qa.team.centre")
	}
	return code
}

// pct writes basis points as a percentage with two decimals; "" for -1.
func pct(bp int) string {
	if bp < 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// score100 writes a score ×100 with two decimals; "" for -1.
func score100(v int) string {
	if v < 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d", v/100, v%100)
}
