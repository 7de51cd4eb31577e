package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/store"
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// sim plays one insurer's weeks: each morning the core system's batch is
// loaded, then the operators call through the day.
type sim struct {
	svc   *app.Service // a copy of the service on clk
	db    *store.DB
	clk   *stepClock
	ins   *insurer
	org   *huifang.Org
	admin huifang.Actor
	ops   []*huifang.User
	now   time.Time // the real now: nothing happens after it
	seed  uint64
	// perDay is how many calls the centre makes on a full working day.
	perDay float64
}

func newSim(ctx context.Context, svc *app.Service, w *world, ins *insurer, users map[huifang.Role][]*huifang.User, now time.Time, seed uint64) (*sim, error) {
	org, err := w.db.FindOrgByCode(ctx, ins.spec.code)
	if err != nil {
		return nil, err
	}
	clk := &stepClock{t: now}
	cp := svc.WithClock(clk)
	admin := users[huifang.RoleInsurerAdmin][0]
	s := &sim{svc: cp, db: w.db, clk: clk, ins: ins, org: org, admin: huifang.Actor{UserID: admin.ID, Name: admin.Login},
		ops: users[huifang.RoleOperator], now: now, seed: seed}
	// The centre is staffed for the callbacks coming in: each takes about 1.5
	// calls, spread over the working days of the window (Saturday counts half).
	days := 0.0
	for d := w.start; !d.After(w.today); d = d.AddDays(1) {
		days += dayShare(svc, d)
	}
	s.perDay = ins.spec.staffing * float64(ins.planned) * 1.5 / max(days, 1)
	return s, nil
}

// dayShare is how much of a full day the centre works: working days of the
// official calendar only (make-up Saturdays included), as the rules allow.
func dayShare(svc *app.Service, d huifang.Date) float64 {
	if ok, err := svc.Calendar().IsWorkingDay(d); err != nil || !ok {
		return 0
	}
	return 1
}

// session is a stretch of calling within one slot of the day.
type session struct {
	from, to time.Duration
	share    float64
}

var sessions = []session{
	{9*time.Hour + 5*time.Minute, 11*time.Hour + 45*time.Minute, 0.45},
	{13*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute, 0.40},
	{18 * time.Hour, 19*time.Hour + 45*time.Minute, 0.15},
}

// run plays every day from the first batch to today.
func (s *sim) run(ctx context.Context, w *world) error {
	for d := w.start; !d.After(w.today); d = d.AddDays(1) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.load(ctx, d); err != nil {
			return fmt.Errorf("%s: load %s: %w", s.org.Code, d, err)
		}
		share := dayShare(s.svc, d)
		for i, ses := range sessions {
			if share == 0 || (share < 1 && i == len(sessions)-1) {
				continue
			}
			jitter := 0.8 + 0.4*s.unit("day", d.String(), i)
			n := int(math.Round(s.perDay * ses.share * share * jitter))
			if err := s.session(ctx, d, ses, n); err != nil {
				return fmt.Errorf("%s: calls on %s: %w", s.org.Code, d, err)
			}
		}
	}
	return nil
}

// load imports the day's batch at 08:30, through the same path as a policy
// file: the rules plan each policy's callbacks.
func (s *sim) load(ctx context.Context, d huifang.Date) error {
	batch := s.ins.loads[d]
	if len(batch) == 0 {
		return nil
	}
	when := at(d, 8*time.Hour+30*time.Minute)
	if when.After(s.now) {
		when = s.now.Add(-time.Minute)
	}
	s.clk.t = when
	i := 0
	next := func() (*huifang.PolicyRecord, error) {
		if i == len(batch) {
			return nil, io.EOF
		}
		l := batch[i]
		i++
		p := l.p.Policy
		p.OrgID = s.org.ID
		if !l.withReceipt {
			p.ReceiptOn = huifang.Date{}
		}
		return s.svc.PolicyRecord(p, s.ins.products[p.ProductCode], s.org), nil
	}
	_, err := s.db.ImportPolicies(ctx, s.org.ID, s.admin, when, "核心系统日终批量 "+d.String(), next)
	return err
}

// session makes up to n calls between the session's start and end, the two
// operators taking turns, and stops when nothing may be called.
func (s *sim) session(ctx context.Context, d huifang.Date, ses session, n int) error {
	from, to := at(d, ses.from), at(d, ses.to)
	if latest := s.now.Add(-10 * time.Minute); to.After(latest) {
		to = latest
	}
	if n <= 0 || !to.After(from) {
		return nil
	}
	step := to.Sub(from) / time.Duration(n)
	for k := range n {
		t := from.Add(time.Duration(k) * step).Add(time.Duration(s.unit("t", d.String(), k) * float64(step) / 2)).Truncate(time.Second)
		if ok, err := s.svc.Rules.Hours.Allowed(t, s.svc.Rules.RestDay); err != nil || !ok {
			return nil // a rest day the rules know of, or a year they do not: the centre is closed
		}
		op := s.ops[k%len(s.ops)]
		s.clk.t = t
		work, err := s.svc.Next(ctx, op)
		if errors.Is(err, app.ErrNoWork) {
			return nil
		} else if err != nil {
			return err
		}
		if err := s.call(ctx, op, work, t); err != nil {
			return fmt.Errorf("callback %d (policy %s): %w", work.Callback.ID, work.Callback.PolicyNo, err)
		}
	}
	return nil
}

// unit is a number in [0, 1) fixed by the seed, the insurer and the parts:
// the simulation's choices do not depend on the order things happen in.
func (s *sim) unit(parts ...any) float64 {
	h := fnv.New64a()
	fmt.Fprint(h, s.seed, s.org.Code)
	for _, p := range parts {
		fmt.Fprint(h, "|", p)
	}
	return float64(h.Sum64()>>11) / (1 << 53)
}

// call plays one call of a callback the operator was handed.
func (s *sim) call(ctx context.Context, op *huifang.User, w *app.Work, t time.Time) error {
	c := w.Callback
	p := s.ins.policy(c.PolicyNo)
	st := story{kind: storySuccess}
	if p != nil {
		st = p.story
	}
	failed, rescheduled := 0, false
	for _, a := range w.Attempts {
		switch a.Outcome {
		case huifang.AttemptNoAnswer, huifang.AttemptBusy, huifang.AttemptSwitchedOff, huifang.AttemptWrongPerson:
			failed++
		case huifang.AttemptReschedule:
			rescheduled = true
		}
	}
	u := func(what string) float64 { return s.unit(c.PolicyNo, len(w.Attempts), what) }
	// In the last two days some customers ask to be called back later,
	// so that the demo has callbacks waiting for their appointment.
	recent := t.After(s.now.Add(-48 * time.Hour))

	switch st.kind {
	case storyRetry:
		if failed < st.retries {
			return s.fail(ctx, op, c, t, u)
		}
	case storyProblem:
		if failed == 0 && u("miss") < 0.15 {
			return s.fail(ctx, op, c, t, u)
		}
		return s.finish(ctx, op, c, t, u, s.problemAnswers(w, st.problem, u))
	case storyUnreachable:
		return s.fail(ctx, op, c, t, u)
	case storyWrongPerson:
		if u("miss") < 0.3 {
			return s.fail(ctx, op, c, t, u)
		}
		// The operator's first question shows it is not the policyholder;
		// Finish records that as a wrong-person attempt.
		return s.finish(ctx, op, c, t, u, map[string]string{firstQuestion(w.Script): script.No})
	case storyInvalid:
		note := st.note
		if note == "" {
			note = pickU(u("note"), "空号", "号码已停机", "号码不存在，提示音为空号")
		}
		return s.attempt(ctx, op, c, t.Add(45*time.Second), app.AttemptInput{Outcome: huifang.AttemptInvalid, Note: note})
	case storyRefused:
		return s.attempt(ctx, op, c, t.Add(90*time.Second), app.AttemptInput{Outcome: huifang.AttemptRefused,
			Note: pickU(u("note"), "客户表示没有时间，拒绝接受回访", "客户不愿配合，直接挂断电话", "客户称已与业务员沟通清楚，不需要回访")})
	case storyReschedule:
		if !rescheduled {
			day := huifang.DateOf(t).AddDays(1 + int(u("day")*3))
			return s.reschedule(ctx, op, c, t, day, u, pickU(u("note"), "客户正在开车，约定时间再回访", "客户在开会，要求改约时间", "客户在医院陪护家人，请晚些时候再联系"))
		}
	case storyTrip:
		if !rescheduled {
			// Back only after the deadline: the callback will be late.
			day := c.DueOn.AddDays(1 + int(u("day")*2))
			if !day.After(huifang.DateOf(t)) {
				day = huifang.DateOf(t).AddDays(1)
			}
			return s.reschedule(ctx, op, c, t, day, u, "客户出差在外地，要求回来后再联系")
		}
	}
	if recent && !rescheduled && u("later") < 0.15 {
		day := huifang.DateOf(s.now).AddDays(1 + int(u("day")*2))
		return s.reschedule(ctx, op, c, t, day, u, "客户现在不方便接听，约定时间再回访")
	}
	return s.finish(ctx, op, c, t, u, w.Script.Script.Passing())
}

func pickU(x float64, options ...string) string { return options[int(x*float64(len(options)))] }

// fail records a call nobody (or the wrong person) answered.
func (s *sim) fail(ctx context.Context, op *huifang.User, c *huifang.Callback, t time.Time, u func(string) float64) error {
	in := app.AttemptInput{Outcome: huifang.AttemptNoAnswer, Note: "响铃无人接听"}
	switch x := u("fail"); {
	case x < 0.2:
		in = app.AttemptInput{Outcome: huifang.AttemptBusy, Note: "占线"}
	case x < 0.45:
		in = app.AttemptInput{Outcome: huifang.AttemptSwitchedOff, Note: "关机"}
	case x < 0.55:
		in.Note = ""
	}
	return s.attempt(ctx, op, c, t.Add(time.Duration(30+u("len")*60)*time.Second), in)
}

func (s *sim) attempt(ctx context.Context, op *huifang.User, c *huifang.Callback, t time.Time, in app.AttemptInput) error {
	s.clk.t = t
	_, err := s.svc.RecordAttempt(ctx, op, c.ID, in)
	return err
}

// reschedule books the customer's time on day: morning, afternoon or evening.
func (s *sim) reschedule(ctx context.Context, op *huifang.User, c *huifang.Callback, t time.Time, day huifang.Date, u func(string) float64, note string) error {
	hours := []time.Duration{10 * time.Hour, 14*time.Hour + 30*time.Minute, 19 * time.Hour}
	when := at(day, hours[int(u("hour")*3)])
	cal := s.svc.Calendar()
	when, err := s.svc.Rules.Hours.NextOpen(when, func(d huifang.Date) (bool, error) {
		ok, err := cal.IsWorkingDay(d)
		return !ok, err
	})
	if err != nil {
		return err
	}
	return s.attempt(ctx, op, c, t.Add(time.Minute), app.AttemptInput{Outcome: huifang.AttemptReschedule, Note: note, ScheduleAt: when})
}

// finish records the answers after a call of four to eight minutes.
func (s *sim) finish(ctx context.Context, op *huifang.User, c *huifang.Callback, t time.Time, u func(string) float64, answers map[string]string) error {
	s.clk.t = t.Add(time.Duration(240+u("len")*240) * time.Second)
	_, err := s.svc.Finish(ctx, op, c.ID, app.FinishInput{Answers: answers})
	return err
}

// problemAnswers answers so that the callback shows a problem of type t;
// some customers are unclear about a second thing too.
func (s *sim) problemAnswers(w *app.Work, t huifang.ProblemType, u func(string) float64) map[string]string {
	sc := w.Script.Script
	ans := sc.Passing()
	if ways := sc.Raisers(t); len(ways) > 0 {
		c := ways[int(u("item")*float64(len(ways)))]
		ans[c.Step] = c.Answer
	}
	if t == huifang.ProblemUnclearRights && u("second") < 0.35 {
		ways := sc.Raisers(t)
		c := ways[int(u("item2")*float64(len(ways)))]
		ans[c.Step] = c.Answer
	}
	return ans
}

// policy finds a generated policy by number.
func (ins *insurer) policy(no string) *policy {
	if ins.byNo == nil {
		ins.byNo = make(map[string]*policy, len(ins.policies))
		for _, p := range ins.policies {
			ins.byNo[p.No] = p
		}
	}
	return ins.byNo[no]
}

// firstQuestion is the script's first question: who is answering.
func firstQuestion(cs *app.CallScript) string {
	for _, st := range cs.Steps {
		if st.Question() {
			return st.ID
		}
	}
	return ""
}
