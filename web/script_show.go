package web

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// itemView is a mandatory item: covered by which steps, or missing.
type itemView struct {
	Item     script.Item
	National int
	Steps    []stepRef
	Required bool
}

// stepRef links to a step of the page.
type stepRef struct {
	N    int
	Href string
}

// scriptForms is what was typed in the lifecycle forms, with the error per
// form and its itemised reasons.
type scriptForms struct {
	From     string
	Errors   map[string]string
	Problems map[string][]string
}

type scriptPage struct {
	Library    bool
	Rec        *huifang.ScriptRecord // nil for a shipped script
	S          *script.Script
	Status     string
	Pending    bool
	Company    string
	Product    string
	CreatedBy  string
	Download   string
	Steps      []script.StepWords
	Questions  int
	Coverage   []itemView
	Extra      []itemView // covered, though the product line does not require it
	Missing    int
	Problems   []string
	CanAct     bool
	Today      string
	Forms      scriptForms
	Error      string // an error of a form the page does not show
	ErrorItems []string
	Notice     string
	// Diff is what the version changes from the one before it (Base), for
	// the insurer's own versions.
	Diff *script.Diff
	Base string
}

// shows reports whether the page has the form of verb.
func (p *scriptPage) shows(verb string) bool {
	if !p.CanAct {
		return false
	}
	switch verb {
	case "file":
		return p.Status == "draft"
	case "activate":
		return p.Status == "filed"
	case "retire":
		return p.Status == "active"
	}
	return false
}

// scriptShow shows a script version; /scripts/7.json downloads its file.
func (s *server) scriptShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	raw, download := strings.CutSuffix(r.PathValue("id"), ".json")
	if download && rq.User.Regulatory() {
		return huifang.Errorf(huifang.ENOTFOUND, "error.notfound")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return huifang.Errorf(huifang.ENOTFOUND, "err.script.not_found_named", raw)
	}
	rec, err := s.findScript(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	sc, err := script.Parse(strings.NewReader(rec.Body))
	if err != nil {
		return err
	}
	sc.Version = rec.Version // the store numbers the versions
	if download {
		return sendScript(w, r, sc)
	}
	p, err := s.scriptPageOf(r.Context(), rq, rec, sc)
	if err != nil {
		return err
	}
	if done := s.takeFlash(w, r); done == "imported" || scriptVerbs[done] {
		p.Notice = rq.T.T("scripts.done." + done)
	}
	s.renderScript(w, r, rq, http.StatusOK, p)
	return nil
}

// sendScript downloads a script in the canonical file format, as an
// attachment named code-vN.json.
func sendScript(w http.ResponseWriter, r *http.Request, sc *script.Script) error {
	var buf bytes.Buffer
	if err := sc.Format(&buf); err != nil {
		return err
	}
	name := sc.Code + "-v" + strconv.Itoa(sc.Version) + ".json"
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
	return nil
}

func (s *server) renderScript(w http.ResponseWriter, r *http.Request, rq *request, status int, p *scriptPage) {
	title := p.S.Name
	if p.Rec != nil {
		title += " · v" + strconv.Itoa(p.Rec.Version)
	}
	s.render(w, r, rq, status, "script", title, "scripts", p)
}

// scriptPageOf builds the page of a stored version, or of a shipped script
// when rec is nil.
func (s *server) scriptPageOf(ctx context.Context, rq *request, rec *huifang.ScriptRecord, sc *script.Script) (*scriptPage, error) {
	u := rq.User
	p := &scriptPage{Library: rec == nil, Rec: rec, S: sc, Today: s.today().String(),
		Forms: scriptForms{From: s.today().String(), Errors: map[string]string{}, Problems: map[string][]string{}}}
	if rec == nil {
		if !u.Regulatory() {
			p.Download = "/scripts/library/" + sc.Code + ".json"
		}
	} else {
		names, err := s.scriptNames(ctx, u)
		if err != nil {
			return nil, err
		}
		p.Status, p.Company = rec.Status, names.org[rec.OrgID]
		p.Pending = rec.Status == "active" && rec.ActiveFrom.After(s.today())
		if p.Product, err = names.product(rec); err != nil {
			return nil, err
		}
		p.CreatedBy = names.user(rec.CreatedBy)
		p.CanAct = u.Can(huifang.PermImport) && rec.OrgID == u.OrgID
		if !u.Regulatory() && rec.OrgID == u.OrgID {
			ch, err := s.svc.ScriptDiff(ctx, u, rec.ID)
			if err != nil {
				return nil, err
			}
			p.Diff, p.Base = &ch.Diff, ch.Base
		}
		if !u.Regulatory() {
			p.Download = scriptURL(rec.ID) + ".json"
		}
	}
	p.Steps, p.Questions = script.Words(rq.T, sc)
	at := map[script.Item][]stepRef{}
	for _, st := range p.Steps {
		if st.Question {
			for _, it := range st.Covers {
				at[it] = append(at[it], stepRef{N: st.N, Href: "#" + st.Anchor})
			}
		}
	}
	required := sc.Required()
	for _, it := range required {
		p.Coverage = append(p.Coverage, itemView{Item: it, National: it.National(), Steps: at[it], Required: true})
	}
	p.Missing = len(sc.Missing())
	for _, it := range script.Items {
		if len(at[it]) > 0 && !slices.Contains(required, it) {
			p.Extra = append(p.Extra, itemView{Item: it, National: it.National(), Steps: at[it]})
		}
	}
	p.Problems = sc.Problems()
	return p, nil
}
