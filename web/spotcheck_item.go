package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// spotItemPage is the data of /spotchecks/{id}/items/{item}: a sampled
// callback with what a verdict rests on — the policy (masked), the answers
// and their script version, the attempts, the recordings to play, the
// receipt or electronic evidence — and the verdict form.
type spotItemPage struct {
	callbackView
	Check      *huifang.SpotCheck
	Item       *huifang.SpotCheckItem
	Company    *huifang.Org
	Recordings []huifang.Recording
	Colleagues []huifang.User
	Verdicts   []huifang.Verdict
	Base       string // /spotchecks/{id}/items/{item}
	// The verdict form as entered, and why it was refused.
	Verdict string
	Note    string
	Error   string
	Errors  map[string]string
	Notice  string
}

func spotItemIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	item, err := app.ParseID(r.PathValue("item"))
	return id, item, err
}

// spotItemShow is GET /spotchecks/{id}/items/{item}.
func (s *server) spotItemShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, item, err := spotItemIDs(r)
	if err != nil {
		return err
	}
	p := spotItemPage{}
	switch s.takeFlash(w, r) {
	case "verdict":
		p.Notice = rq.T.T("spotcheck.done.verdict")
	}
	return s.renderSpotItem(w, r, rq, http.StatusOK, id, item, p)
}

func (s *server) renderSpotItem(w http.ResponseWriter, r *http.Request, rq *request, status int, id, item int64, p spotItemPage) error {
	v, err := s.svc.SpotCheckItem(r.Context(), rq.User, id, item)
	if err != nil {
		return err
	}
	c := v.Work.Callback
	p.callbackView = callbackView{Work: v.Work, C: c, Electronic: electronicOf(rq.User, v.Work), From: "spotcheck", Phone: p.Phone}
	answers := make(map[string]string, len(c.Answers))
	for k, a := range c.Answers {
		answers[k] = string(a)
	}
	p.Steps = scriptSteps(rq.T, v.Work.Script, answers, nil)
	p.Check, p.Item, p.Company, p.Recordings, p.Colleagues = v.Check, v.Item, v.Company, v.Recordings, v.Colleagues
	p.Verdicts = huifang.Verdicts
	p.Base = "/spotchecks/" + strconv.FormatInt(id, 10) + "/items/" + strconv.FormatInt(item, 10)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(w, r, rq, status, "spotcheck_item", rq.T.T("spotcheck.item.title", v.Item.PolicyNo), "spotchecks", p)
	return nil
}

// spotItemVerdict records the verdict: POST /spotchecks/{id}/items/{item}/verdict.
func (s *server) spotItemVerdict(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, item, err := spotItemIDs(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	in := app.VerdictInput{Verdict: huifang.Verdict(r.PostFormValue("verdict")), Note: r.PostFormValue("note")}
	_, err = s.svc.RecordVerdict(r.Context(), rq.User, id, item, in)
	if err == nil {
		s.flashTo(w, r, "/spotchecks/"+strconv.FormatInt(id, 10)+"/items/"+strconv.FormatInt(item, 10), "verdict")
		return nil
	}
	if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	p := spotItemPage{Verdict: string(in.Verdict), Note: in.Note, Error: rq.errText(err)}
	return s.renderSpotItem(w, r, rq, http.StatusBadRequest, id, item, p)
}

// spotItemReveal shows the customer's full number to call them:
// POST /spotchecks/{id}/items/{item}/reveal (audited by the service).
func (s *server) spotItemReveal(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, item, err := spotItemIDs(r)
	if err != nil {
		return err
	}
	phone, err := s.svc.RevealSampledPhone(r.Context(), rq.User, id, item)
	if err != nil {
		return err
	}
	return s.renderSpotItem(w, r, rq, http.StatusOK, id, item, spotItemPage{callbackView: callbackView{Phone: phone}})
}

// spotItemRecording streams a sampled callback's recording with byte
// ranges: GET /spotchecks/{id}/items/{item}/recordings/{rid}. The service
// audits each playback.
func (s *server) spotItemRecording(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, item, err := spotItemIDs(r)
	if err != nil {
		return err
	}
	rid, err := app.ParseID(r.PathValue("rid"))
	if err != nil {
		return err
	}
	return s.serveRecording(w, r, rid, func(offset, length int64) (io.ReadCloser, *huifang.Recording, error) {
		return s.svc.PlaySampledRecording(r.Context(), rq.User, id, item, rid, offset, length)
	}, func() int64 { return 0 })
}

// spotItemReceipt shows a sampled letter or visit callback's signed
// receipt: GET /spotchecks/{id}/items/{item}/receipt (audited).
func (s *server) spotItemReceipt(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, item, err := spotItemIDs(r)
	if err != nil {
		return err
	}
	body, ev, err := s.svc.OpenSampledReceipt(r.Context(), rq.User, id, item)
	if err != nil {
		return err
	}
	defer body.Close()
	rc := ev.Receipt
	s.sendDocument(w, r, body, document{Name: rc.FileName, Fallback: "receipt-" + strconv.FormatInt(item, 10), ContentType: rc.ContentType, Size: rc.Size, Inline: true})
	return nil
}
