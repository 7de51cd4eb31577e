package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// bulkForm is the board's bulk step: the ticked cases assigned to a handler
// or transferred to an organisation unit, and what became of each.
type bulkForm struct {
	Handler, Branch, DueOn string
	Handlers               []huifang.User
	Branches               []branchChoice
	Checked                map[int64]bool
	Error                  string
	Result                 *bulkSummary
	Back                   string // the board's page the form was sent from
}

// bulkSummary says what a bulk step did: the cases done and those refused,
// each with its reason.
type bulkSummary struct {
	Op      string // "assign" or "transfer"
	Done    []int64
	Refused []bulkRefusal
}

type bulkRefusal struct {
	ID     int64
	Reason string
}

// choices fills the handlers and units the user may send cases to: a
// handler, those of their branch and the branches below it; a manager,
// every one.
func (f *bulkForm) choices(u *huifang.User, dir *directory) {
	mine := func(branch string) bool {
		return manages(u) || branch == u.BranchCode || dir.below(branch, u.BranchCode)
	}
	for _, h := range dir.users {
		if h.Role == huifang.RoleHandler && !h.Disabled && h.ID != u.ID && mine(h.BranchCode) {
			f.Handlers = append(f.Handlers, h)
		}
	}
	sortUsers(f.Handlers)
	for _, b := range dir.branches {
		if manages(u) || dir.below(b.Code, u.BranchCode) {
			f.Branches = append(f.Branches, branchChoice{Code: b.Code, Label: strings.Repeat("　", max(b.Level, 0)) + b.Code + " " + b.Name})
		}
	}
}

// problemBulk runs a bulk step: POST /problems/bulk with the ticked cases
// ("case"), op "assign" (to "handler") or "transfer" (to "branch"), and an
// optional hop deadline; the board comes back with the summary.
func (s *server) problemBulk(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	// The board's page the form was sent from: its filter and cursor.
	back := url.Values{}
	if b, err := url.Parse(r.PostFormValue("back")); err == nil && b.Path == "/problems" {
		back = b.Query()
	}
	f := &bulkForm{Checked: map[int64]bool{}, DueOn: strings.TrimSpace(r.PostFormValue("due_on"))}
	op := r.PostFormValue("op")
	in := app.BulkInput{}
	switch op {
	case "assign":
		f.Handler = strings.TrimSpace(r.PostFormValue("handler"))
		in.Handler = f.Handler
	case "transfer":
		f.Branch = strings.TrimSpace(r.PostFormValue("branch"))
		in.Branch = f.Branch
	default:
		f.Error = rq.T.T("bulk.pick_op")
	}
	for _, v := range r.PostForm["case"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		if !f.Checked[id] {
			in.IDs = append(in.IDs, id)
		}
		f.Checked[id] = true
	}
	if f.DueOn != "" {
		d, err := huifang.ParseISODate(f.DueOn)
		if err != nil {
			f.Error = rq.T.T("list.baddate")
		}
		in.DueOn = d
	}
	status := http.StatusBadRequest
	if f.Error == "" {
		res, err := s.svc.BulkTransfer(r.Context(), rq.User, in)
		if err != nil {
			if huifang.ErrorCode(err) == huifang.EFORBIDDEN {
				return err
			}
			if f.Error, status, err = formError(rq, err); err != nil {
				return err
			}
		} else {
			status = http.StatusOK
			sum := &bulkSummary{Op: op}
			for _, x := range res {
				if x.OK {
					sum.Done = append(sum.Done, x.ID)
					delete(f.Checked, x.ID)
				} else {
					sum.Refused = append(sum.Refused, bulkRefusal{ID: x.ID, Reason: rq.errText(x.Err)})
				}
			}
			f.Result = sum
		}
	}
	return s.renderBoard(w, r, rq, status, back, openForm{}, f)
}
