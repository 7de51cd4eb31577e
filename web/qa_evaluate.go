package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// qaEvalPage is the data of /qa/{id}: the call (answers, script version,
// length, recordings to play, audited), the evaluation form or the scored
// evaluation, the appeal and its decision, the calibration pair and the
// agreement.
type qaEvalPage struct {
	callbackView
	V       *app.QAView
	Rows    []qaFormRow
	Answers []huifang.QAAnswer
	Base    string // /qa/{id}
	Note    string
	Appeal  string
	Notice  string
	Error   string
}

// qaFormRow is one item of the form with its answer (as entered or stored).
type qaFormRow struct {
	huifang.QAItem
	N     int
	Label string
	Value string
}

// qaEvaluate is GET /qa/{id}.
func (s *server) qaEvaluate(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qaEvalPage{}
	if n := s.takeFlash(w, r); n != "" {
		p.Notice = rq.T.T("qa.done." + n)
	}
	return s.renderQAEval(w, r, rq, http.StatusOK, id, p, nil)
}

func (s *server) renderQAEval(w http.ResponseWriter, r *http.Request, rq *request, status int, id int64, p qaEvalPage, entered map[string]string) error {
	v, err := s.svc.QAEvaluation(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	p.V, p.Answers, p.Base = v, huifang.QAAnswers, "/qa/"+strconv.FormatInt(id, 10)
	for i, it := range v.Form {
		row := qaFormRow{QAItem: it, N: i + 1, Label: rq.T.T(it.Key()), Value: string(it.Answer)}
		if entered != nil {
			row.Value = entered[it.Code]
		}
		p.Rows = append(p.Rows, row)
	}
	if v.Work != nil {
		c := v.Work.Callback
		p.callbackView = callbackView{Work: v.Work, C: c, From: "qa"}
		answers := make(map[string]string, len(c.Answers))
		for k, a := range c.Answers {
			answers[k] = string(a)
		}
		p.Steps = scriptSteps(rq.T, v.Work.Script, answers, nil)
	}
	s.render(w, r, rq, status, "qa_evaluate", rq.T.T("qa.eval.title", v.PolicyNo), qaActive(rq.User), p)
	return nil
}

// qaActive is the nav entry the evaluation pages belong to.
func qaActive(u *huifang.User) string {
	if u.Can(huifang.PermQAEvaluate) {
		return "qa"
	}
	if u.Can(huifang.PermQAOwn) {
		return "qa_mine"
	}
	return "dashboard"
}

// qaAnswers reads the form's answers: item-<code> fields.
func qaAnswers(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, vs := range r.PostForm {
		if len(k) > 5 && k[:5] == "item-" && len(vs) > 0 {
			out[k[5:]] = vs[0]
		}
	}
	return out
}

// qaEvaluateSave scores the call: POST /qa/{id}/evaluate.
func (s *server) qaEvaluateSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	in := app.QAInput{Answers: qaAnswers(r), Note: r.PostFormValue("note")}
	if _, err := s.svc.Evaluate(r.Context(), rq.User, id, in); err != nil {
		if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ECONFLICT && code != huifang.EFORBIDDEN {
			return err
		}
		return s.renderQAEval(w, r, rq, http.StatusBadRequest, id, qaEvalPage{Note: in.Note, Error: rq.errText(err)}, in.Answers)
	}
	s.flashTo(w, r, "/qa/"+strconv.FormatInt(id, 10), "evaluated")
	return nil
}

// qaDecide decides an appeal: POST /qa/{id}/decide (decision=uphold|reject).
func (s *server) qaDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	in := app.DecisionInput{Uphold: r.PostFormValue("decision") == "uphold", Answers: qaAnswers(r), Note: r.PostFormValue("note")}
	e, err := s.svc.DecideAppeal(r.Context(), rq.User, id, in)
	if err != nil {
		if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ECONFLICT {
			return err
		}
		return s.renderQAEval(w, r, rq, http.StatusBadRequest, id, qaEvalPage{Note: in.Note, Error: rq.errText(err)}, in.Answers)
	}
	s.flashTo(w, r, "/qa/"+strconv.FormatInt(id, 10), string(e.Status))
	return nil
}

// qaCalibrate asks a second evaluator to score the call: POST /qa/{id}/calibrate.
func (s *server) qaCalibrate(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Calibrate(r.Context(), rq.User, id)
	if err != nil {
		if huifang.ErrorCode(err) != huifang.ECONFLICT {
			return err
		}
		return s.renderQAEval(w, r, rq, http.StatusBadRequest, id, qaEvalPage{Error: rq.errText(err)}, nil)
	}
	s.flashTo(w, r, "/qa/"+strconv.FormatInt(e.ID, 10), "calibration")
	return nil
}

// qaRecording streams a recording of the evaluated call with byte ranges:
// GET /qa/{id}/recordings/{rid}. The service audits each playback.
func (s *server) qaRecording(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rid, err := app.ParseID(r.PathValue("rid"))
	if err != nil {
		return err
	}
	return s.serveRecording(w, r, rid, func(offset, length int64) (io.ReadCloser, *huifang.Recording, error) {
		return s.svc.PlayQARecording(r.Context(), rq.User, id, rid, offset, length)
	}, func() int64 { return 0 })
}
