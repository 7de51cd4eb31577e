package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// qaMinePage is the data of /qa/mine: the evaluations of the operator's
// own calls, newest first, 50 a page; each links to its page, where the
// operator may appeal once.
type qaMinePage struct {
	Rows []huifang.QAEvaluation
	Next string
}

// qaMine is GET /qa/mine.
func (s *server) qaMine(w http.ResponseWriter, r *http.Request, rq *request) error {
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		id, err := app.ParseID(v)
		if err != nil {
			return err
		}
		after = id
	}
	rows, err := s.svc.MyQA(r.Context(), rq.User, after)
	if err != nil {
		return err
	}
	p := qaMinePage{Rows: rows}
	if len(rows) >= 50 {
		p.Next = "/qa/mine?" + url.Values{"after": {strconv.FormatInt(rows[len(rows)-1].ID, 10)}}.Encode()
	}
	s.render(w, r, rq, http.StatusOK, "qa_mine", rq.T.T("qa.mine.title"), "qa_mine", p)
	return nil
}

// qaAppeal is the operator's one appeal: POST /qa/{id}/appeal.
func (s *server) qaAppeal(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	text := r.PostFormValue("appeal")
	if _, err := s.svc.Appeal(r.Context(), rq.User, id, text); err != nil {
		if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ECONFLICT {
			return err
		}
		return s.renderQAEval(w, r, rq, http.StatusBadRequest, id, qaEvalPage{Appeal: text, Error: rq.errText(err)}, nil)
	}
	s.flashTo(w, r, "/qa/"+strconv.FormatInt(id, 10), "appealed")
	return nil
}

// qaFiguresExport downloads the QA figures per operator and team:
// GET /qa/figures?from=&to=&format=csv|xlsx.
func (s *server) qaFiguresExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	ctype, ok := exportTypes[format]
	if !ok {
		return huifang.Errorf(huifang.EINVALID, "err.export.bad_format")
	}
	var from, to huifang.Date
	for _, f := range []struct {
		name string
		d    *huifang.Date
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(f.name); v != "" {
			d, err := huifang.ParseISODate(v)
			if err != nil {
				return huifang.Errorf(huifang.EINVALID, "err.qa.period")
			}
			*f.d = d
		}
	}
	name := "qa-figures-" + s.today().String() + "." + format
	lw := &lazyWriter{w: w, headers: func() {
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}}
	err := s.svc.ExportQAFigures(r.Context(), rq.User, from, to, format, lw)
	if err != nil && lw.started {
		s.log.Error("web: export cut short", "err", err)
		return nil
	}
	if err == nil && !lw.started {
		lw.headers()
	}
	return err
}
