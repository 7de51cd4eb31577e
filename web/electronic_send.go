package web

import (
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// electronicView is what a callback's page shows of its electronic callback.
type electronicView struct {
	Links       []app.LinkView
	Evidence    *app.ElectronicEvidence
	CanSend     bool // new-business, open, and the user works callbacks
	CanWithdraw bool
	FromWork    bool // on the workbench of the operator who holds it
	Notice      string
	Error       string
}

func electronicOf(u *huifang.User, w *app.Work) electronicView {
	c := w.Callback
	work := u.Can(huifang.PermWorkCallbacks)
	return electronicView{Links: w.Links, Evidence: w.Evidence,
		CanSend:     work && c.Kind == huifang.KindNewBusiness && c.Open() && len(w.Risk.Signs) == 0, // never a link to a flagged number
		CanWithdraw: work && c.Status == huifang.StatusElectronic}
}

// electronicSend is POST /callbacks/{id}/electronic: a link for the customer,
// who asked for it (on the phone, say). From the workbench the callback
// leaves the operator's hands, who goes on with the next one.
func (s *server) electronicSend(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, err = s.svc.SendElectronicLink(r.Context(), rq.User, id)
	if err == nil {
		if r.PostFormValue("from") == "work" {
			http.Redirect(w, r, "/work?notice=electronic", http.StatusSeeOther)
		} else {
			http.Redirect(w, r, "/callbacks/"+strconv.FormatInt(id, 10)+"?notice=electronic-sent", http.StatusSeeOther)
		}
		return nil
	}
	return s.callbackAgain(w, r, rq, id, err)
}

// electronicWithdraw is POST /callbacks/{id}/electronic/withdraw.
func (s *server) electronicWithdraw(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.WithdrawElectronic(r.Context(), rq.User, id); err != nil {
		return s.callbackAgain(w, r, rq, id, err)
	}
	http.Redirect(w, r, "/callbacks/"+strconv.FormatInt(id, 10)+"?notice=electronic-withdrawn", http.StatusSeeOther)
	return nil
}

// callbackAgain shows a callback's page with what went wrong.
func (s *server) callbackAgain(w http.ResponseWriter, r *http.Request, rq *request, id int64, err error) error {
	msg, status, err := formError(rq, err)
	if err != nil {
		return err
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	v.Electronic.Error = msg
	s.renderCallback(w, r, rq, status, callbackPage{callbackView: v})
	return nil
}
