package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/store"
)

// Callback scripts (docs/scripts.md): the insurer's versions with their
// lifecycle, and the shipped standard library. What a user sees is what
// app.Scripts gives: an insurer's staff their own versions, a regulator's
// supervisor the filed and active ones of the companies it supervises. Only
// an insurer's administrator (PermImport) imports and moves them.

// scriptStatuses are the stored statuses, in lifecycle order.
var scriptStatuses = []string{"draft", "filed", "active", "retired"}

// scriptFileLimit bounds an uploaded script file, as the API does.
const scriptFileLimit = 1 << 20

// scriptVerbs are the lifecycle forms of a script page.
var scriptVerbs = map[string]bool{"file": true, "activate": true, "retire": true}

// seesScripts mirrors who app.Scripts lets list scripts.
func seesScripts(u *huifang.User) bool {
	return u.Role == huifang.RoleSupervisor || u.Can(huifang.PermViewCallbacks)
}

func scriptURL(id int64) string { return "/scripts/" + strconv.FormatInt(id, 10) }

// statusTab is a status filter of the list, with its count.
type statusTab struct {
	Key, Href string
	Count     int
	Active    bool
}

// scriptRow is a line of the list.
type scriptRow struct {
	R         *store.ScriptRecord
	Href      string
	Company   string
	Product   string // the override's product, with its name when known
	CreatedBy string
	Pending   bool // active from a later date
}

// libraryRow is a shipped script in the list.
type libraryRow struct {
	S        *script.Script
	Href     string
	Required int
}

// importScriptForm is the import form as typed, with what went wrong.
type importScriptForm struct {
	Product  string
	Error    string
	Problems []string
	Errors   map[string]string
}

type scriptsPage struct {
	Tabs       []statusTab
	Status     string
	Rows       []scriptRow
	Supervisor bool
	Library    []libraryRow
	CanImport  bool
	Products   []huifang.Product
	Import     importScriptForm
	Notice     string
}

func (s *server) scriptList(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := scriptsPage{}
	if q := r.URL.Query().Get("status"); slices.Contains(scriptStatuses, q) {
		p.Status = q
	}
	return s.renderScripts(w, r, rq, http.StatusOK, p)
}

// renderScripts renders the list filtered by p.Status, with p's import form.
func (s *server) renderScripts(w http.ResponseWriter, r *http.Request, rq *request, status int, p scriptsPage) error {
	u := rq.User
	if !seesScripts(u) {
		return huifang.Errorf(huifang.EFORBIDDEN, "您的角色（%s）无权查看回访话术", u.Role)
	}
	recs, err := s.svc.Scripts(r.Context(), u)
	if err != nil {
		return err
	}
	names, err := s.scriptNames(r.Context(), u)
	if err != nil {
		return err
	}
	p.Supervisor = u.Role == huifang.RoleSupervisor
	p.CanImport = u.Can(huifang.PermImport)
	if p.CanImport {
		if p.Products, err = names.productsOf(u.OrgID); err != nil {
			return err
		}
	}
	if p.Import.Errors == nil {
		p.Import.Errors = map[string]string{}
	}
	// By company, then code; the newest version of a code first.
	slices.SortStableFunc(recs, func(a, b store.ScriptRecord) int {
		if a.OrgID != b.OrgID {
			if c := strings.Compare(names.org[a.OrgID], names.org[b.OrgID]); c != 0 {
				return c
			}
			return cmp.Compare(a.OrgID, b.OrgID)
		}
		if a.Code != b.Code {
			return strings.Compare(a.Code, b.Code)
		}
		return b.Version - a.Version
	})
	counts := map[string]int{}
	today := s.today()
	for i := range recs {
		rec := &recs[i]
		counts[rec.Status]++
		if p.Status != "" && rec.Status != p.Status {
			continue
		}
		product, err := names.product(rec)
		if err != nil {
			return err
		}
		p.Rows = append(p.Rows, scriptRow{R: rec, Href: scriptURL(rec.ID), Company: names.org[rec.OrgID],
			Product: product, CreatedBy: names.user(rec.CreatedBy), Pending: rec.Status == "active" && rec.ActiveFrom.After(today)})
	}
	p.Tabs = append(p.Tabs, statusTab{Key: "all", Href: "/scripts", Count: len(recs), Active: p.Status == ""})
	for _, st := range scriptStatuses {
		if p.Supervisor && st != "filed" && st != "active" {
			continue // a regulator never sees drafts or retired versions
		}
		p.Tabs = append(p.Tabs, statusTab{Key: st, Href: "/scripts?status=" + st, Count: counts[st], Active: p.Status == st})
	}
	for _, sc := range script.Library() {
		p.Library = append(p.Library, libraryRow{S: sc, Href: "/scripts/library/" + sc.Code, Required: len(sc.Required())})
	}
	if p.Notice == "" {
		if done := s.takeFlash(w, r); done == "imported" {
			p.Notice = rq.T.T("scripts.done.imported")
		}
	}
	s.render(w, r, rq, status, "scripts", rq.T.T("scripts.title"), "scripts", p)
	return nil
}

// scriptNamer names the companies, products and users the pages show.
type scriptNamer struct {
	ctx      context.Context
	db       *store.DB
	org      map[int64]string
	products map[int64][]huifang.Product // by insurer, read when first needed
	users    map[string]huifang.User     // the user's own organisation's
}

func (s *server) scriptNames(ctx context.Context, u *huifang.User) (*scriptNamer, error) {
	n := &scriptNamer{ctx: ctx, db: s.svc.DB, org: map[int64]string{}, products: map[int64][]huifang.Product{}, users: map[string]huifang.User{}}
	if u.Role == huifang.RoleSupervisor {
		orgs, err := s.svc.DB.ListOrgs(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			n.org[o.ID] = o.Name
		}
		return n, nil
	}
	us, err := s.svc.DB.ListUsers(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	for _, x := range us {
		n.users[x.Login] = x
	}
	return n, nil
}

// productsOf lists an insurer's products.
func (n *scriptNamer) productsOf(orgID int64) ([]huifang.Product, error) {
	if ps, ok := n.products[orgID]; ok {
		return ps, nil
	}
	ps, err := n.db.ListProducts(n.ctx, orgID)
	if err != nil {
		return nil, err
	}
	n.products[orgID] = ps
	return ps, nil
}

// product shows a script's product code with the product's name.
func (n *scriptNamer) product(r *store.ScriptRecord) (string, error) {
	if r.ProductCode == "" {
		return "", nil
	}
	ps, err := n.productsOf(r.OrgID)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if p.Code == r.ProductCode && p.Name != "" {
			return p.Code + " " + p.Name, nil
		}
	}
	return r.ProductCode, nil
}

// user shows a login with the user's name, when known.
func (n *scriptNamer) user(login string) string {
	if x, ok := n.users[login]; ok && x.Name != "" {
		return x.Name + " (" + login + ")"
	}
	return login
}

// scriptImport stores an uploaded script file as a draft.
func (s *server) scriptImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.User.Can(huifang.PermImport) {
		// The app refuses too; this spares reading the upload.
		return huifang.Errorf(huifang.EFORBIDDEN, "只有保险公司管理员可以导入回访话术")
	}
	r.Body = http.MaxBytesReader(w, r.Body, scriptFileLimit+formLimit)
	f := importScriptForm{Errors: map[string]string{}}
	err := r.ParseMultipartForm(scriptFileLimit + formLimit)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var body []byte
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		f.Errors["file"] = rq.T.T("scripts.import.toolarge", scriptFileLimit>>10)
	case err != nil:
		return huifang.Errorf(huifang.EINVALID, "表单无法解析")
	default:
		f.Product = strings.TrimSpace(r.PostFormValue("product"))
		file, _, ferr := r.FormFile("file")
		switch {
		case errors.Is(ferr, http.ErrMissingFile):
			f.Errors["file"] = rq.T.T("scripts.import.nofile")
		case ferr != nil:
			return huifang.Errorf(huifang.EINVALID, "上传的文件无法读取")
		default:
			body, err = io.ReadAll(io.LimitReader(file, scriptFileLimit+1))
			file.Close()
			switch {
			case err != nil:
				return huifang.Errorf(huifang.EINVALID, "上传的文件无法读取")
			case len(body) > scriptFileLimit:
				f.Errors["file"] = rq.T.T("scripts.import.toolarge", scriptFileLimit>>10)
			case len(bytes.TrimSpace(body)) == 0:
				f.Errors["file"] = rq.T.T("scripts.import.empty")
			}
		}
	}
	status := http.StatusBadRequest
	if len(f.Errors) == 0 {
		rec, err := s.svc.ImportScript(r.Context(), rq.User, string(body), f.Product)
		if err == nil {
			s.scriptDone(w, r, rec.ID, "imported")
			return nil
		}
		if huifang.ErrorCode(err) == huifang.EFORBIDDEN {
			return err
		}
		f.Problems = fieldReasons(err)
		msg, st, err := formError(err)
		if err != nil {
			return err
		}
		status = st
		f.Error = msg
		if len(f.Problems) > 0 {
			f.Error = rq.T.T("scripts.import.problems", len(f.Problems))
		}
	}
	// A file input cannot be refilled: say so when a file was chosen.
	if len(body) > 0 || f.Errors["file"] != "" {
		f.Errors["reselect"] = rq.T.T("import.reselect")
	}
	return s.renderScripts(w, r, rq, status, scriptsPage{Import: f})
}

// fieldReasons lists an application error's per-field reasons, in order.
func fieldReasons(err error) []string {
	var ae *huifang.Error
	if !errors.As(err, &ae) {
		return nil
	}
	var out []string
	for _, fe := range ae.Fields {
		out = append(out, fe.Reason)
	}
	return out
}

// scriptDone sends the browser to a script's page with a notice of what was
// done, once (see redirectDone).
func (s *server) scriptDone(w http.ResponseWriter, r *http.Request, id int64, done string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: done, Path: scriptURL(id), MaxAge: 120, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, scriptURL(id), http.StatusSeeOther)
}

// textPart is a piece of a step's text: words, or a {{variable}}.
type textPart struct {
	Text, Var, Label string
}

// effectView is what a rule does: "problem", "end", "goto" or "next".
type effectView struct {
	Kind, Text, Href string
}

// ruleView is a rule in words: the answers it matches and what they do.
type ruleView struct {
	When    string
	Effects []effectView
	Rest    bool // the answers no rule matches: the call goes on
}

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

// scriptStepView is a step as the script page shows it.
type scriptStepView struct {
	N        int
	ID       string
	Anchor   string
	Title    string
	Question bool
	Text     []textPart
	Answer   string
	Choices  []string
	Covers   []script.Item
	Rules    []ruleView
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
	Rec        *store.ScriptRecord // nil for a shipped script
	S          *script.Script
	Status     string
	Pending    bool
	Company    string
	Product    string
	CreatedBy  string
	Download   string
	Steps      []scriptStepView
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

// findScript returns the version with the id among those the user may see;
// any other is not found, whoever has it.
func (s *server) findScript(ctx context.Context, u *huifang.User, id int64) (*store.ScriptRecord, error) {
	if !seesScripts(u) {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "您的角色（%s）无权查看回访话术", u.Role)
	}
	recs, err := s.svc.Scripts(ctx, u)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		if recs[i].ID == id {
			return &recs[i], nil
		}
	}
	return nil, huifang.Errorf(huifang.ENOTFOUND, "话术 %d 不存在", id)
}

// scriptShow shows a script version; /scripts/7.json downloads its file.
func (s *server) scriptShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	raw, download := strings.CutSuffix(r.PathValue("id"), ".json")
	if download && rq.User.Role == huifang.RoleSupervisor {
		return huifang.Errorf(huifang.ENOTFOUND, "页面不存在")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return huifang.Errorf(huifang.ENOTFOUND, "话术 %s 不存在", raw)
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

// scriptLibrary shows a shipped script; /scripts/library/orphan.json downloads it.
func (s *server) scriptLibrary(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !seesScripts(rq.User) {
		return huifang.Errorf(huifang.EFORBIDDEN, "您的角色（%s）无权查看回访话术", rq.User.Role)
	}
	code, download := strings.CutSuffix(r.PathValue("code"), ".json")
	sc := script.Lookup(code)
	if sc == nil || download && rq.User.Role == huifang.RoleSupervisor {
		return huifang.Errorf(huifang.ENOTFOUND, "标准话术 %s 不存在", code)
	}
	if download {
		return sendScript(w, r, sc)
	}
	p, err := s.scriptPageOf(r.Context(), rq, nil, sc)
	if err != nil {
		return err
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
func (s *server) scriptPageOf(ctx context.Context, rq *request, rec *store.ScriptRecord, sc *script.Script) (*scriptPage, error) {
	u := rq.User
	p := &scriptPage{Library: rec == nil, Rec: rec, S: sc, Today: s.today().String(),
		Forms: scriptForms{From: s.today().String(), Errors: map[string]string{}, Problems: map[string][]string{}}}
	if rec == nil {
		if u.Role != huifang.RoleSupervisor {
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
		if u.Role != huifang.RoleSupervisor {
			p.Download = scriptURL(rec.ID) + ".json"
		}
	}
	p.Steps, p.Questions = scriptStepsOf(rq.T, sc)
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

// scriptStepsOf numbers the steps and puts their rules in words.
func scriptStepsOf(t translator, sc *script.Script) ([]scriptStepView, int) {
	num := map[string]int{}
	for i, st := range sc.Steps {
		num[st.ID] = i + 1
	}
	var out []scriptStepView
	questions := 0
	for i := range sc.Steps {
		st := &sc.Steps[i]
		v := scriptStepView{N: i + 1, ID: st.ID, Anchor: "step-" + st.ID, Title: st.Title, Question: st.Question(),
			Text: textParts(st.Text), Covers: st.Covers}
		if v.Question {
			questions++
			v.Answer = t.T("scripts.answer." + string(st.Answer))
			v.Choices = st.Choices
			v.Rules = rulesInWords(t, st, num)
		}
		out = append(out, v)
	}
	return out, questions
}

// textParts splits a text at its {{variables}}, each named in Chinese.
func textParts(text string) []textPart {
	var out []textPart
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break
		}
		if i > 0 {
			out = append(out, textPart{Text: text[:i]})
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		label := name
		for _, v := range script.Variables {
			if v.Name == name {
				label = v.ZH
			}
		}
		out = append(out, textPart{Var: name, Label: label})
		text = text[i+j+2:]
	}
	if text != "" {
		out = append(out, textPart{Text: text})
	}
	return out
}

// answers lists the answers a question offers; nil for typed answers.
func answers(st *script.Step) []string {
	switch st.Answer {
	case script.AnswerYesNo:
		return []string{script.Yes, script.No, script.Unclear}
	case script.AnswerChoice:
		return st.Choices
	}
	return nil
}

// rulesInWords says what each answer does: 回答“否”或“不清楚” → 问题件：…,
// and, last, the answers no rule matches (the call goes on).
func rulesInWords(t translator, st *script.Step, num map[string]int) []ruleView {
	quote := func(a string) string {
		if st.Answer == script.AnswerYesNo {
			a = t.T("answer." + a)
		}
		return t.T("scripts.rule.quote", a)
	}
	offered := answers(st)
	matched := map[string]bool{}
	other := false
	var out []ruleView
	for _, r := range st.Rules {
		var when []string
		for _, w := range r.When {
			if w == script.Other {
				other = true
				continue
			}
			matched[w] = true
			when = append(when, quote(w))
		}
		rv := ruleView{}
		switch {
		case len(when) > 0:
			rv.When = t.T("scripts.rule.when", joinOr(t, when))
		case offered == nil:
			rv.When = t.T("scripts.rule.any")
		default:
			rv.When = t.T("scripts.rule.other")
		}
		if r.Problem != "" {
			rv.Effects = append(rv.Effects, effectView{Kind: "problem", Text: t.T("scripts.rule.problem", t.T("problem."+string(r.Problem)))})
		}
		if r.Goto != "" {
			rv.Effects = append(rv.Effects, effectView{Kind: "goto", Text: t.T("scripts.rule.goto", num[r.Goto]), Href: "#step-" + r.Goto})
		}
		if r.End != "" {
			rv.Effects = append(rv.Effects, effectView{Kind: "end", Text: t.T("scripts.rule.end." + string(r.End))})
		}
		if len(rv.Effects) == 0 {
			rv.Effects = append(rv.Effects, effectView{Kind: "next", Text: t.T("scripts.rule.next")})
		}
		out = append(out, rv)
	}
	if other {
		return out
	}
	next := []effectView{{Kind: "next", Text: t.T("scripts.rule.next")}}
	if offered == nil {
		when := t.T("scripts.rule.any")
		if len(out) > 0 {
			when = t.T("scripts.rule.other")
		}
		return append(out, ruleView{When: when, Effects: next, Rest: true})
	}
	var rest []string
	for _, a := range offered {
		if !matched[a] {
			rest = append(rest, quote(a))
		}
	}
	if len(rest) > 0 {
		out = append(out, ruleView{When: t.T("scripts.rule.when", joinOr(t, rest)), Effects: next, Rest: true})
	}
	return out
}

// joinOr joins alternatives: “是”、“否”或“不清楚”.
func joinOr(t translator, xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], t.T("scripts.rule.sep")) + t.T("scripts.rule.or") + xs[len(xs)-1]
}

// scriptVerb runs a lifecycle form of a script page: on success it
// redirects back with a notice; on refusal it renders the page with the
// app's message next to the form.
func (s *server) scriptVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	verb := r.PathValue("verb")
	if !scriptVerbs[verb] {
		return huifang.Errorf(huifang.ENOTFOUND, "页面不存在")
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "表单无法解析")
	}
	u := rq.User
	f := scriptForms{From: strings.TrimSpace(r.PostFormValue("from")), Errors: map[string]string{}, Problems: map[string][]string{}}
	switch verb {
	case "file":
		err = s.svc.FileScript(r.Context(), u, id)
	case "activate":
		// A date that does not parse is the zero date, which the app refuses
		// with its own message, after checking who asks and the status.
		from, _ := huifang.ParseISODate(f.From)
		err = s.svc.ActivateScript(r.Context(), u, id, from)
	case "retire":
		err = s.svc.RetireScript(r.Context(), u, id)
	}
	if err == nil {
		s.scriptDone(w, r, id, verb)
		return nil
	}
	switch huifang.ErrorCode(err) {
	case huifang.ENOTFOUND, huifang.EUNAUTHORIZED, huifang.EFORBIDDEN:
		return err
	}
	f.Problems[verb] = fieldReasons(err)
	msg, status, err := formError(err)
	if err != nil {
		return err
	}
	if n := len(f.Problems[verb]); n > 0 {
		msg = rq.T.T("scripts."+verb+".problems", n)
	}
	f.Errors[verb] = msg
	rec, err := s.findScript(r.Context(), u, id)
	if err != nil {
		return err
	}
	sc, err := script.Parse(strings.NewReader(rec.Body))
	if err != nil {
		return err
	}
	sc.Version = rec.Version
	p, err := s.scriptPageOf(r.Context(), rq, rec, sc)
	if err != nil {
		return err
	}
	if f.From == "" {
		f.From = p.Forms.From
	}
	p.Forms = f
	if !p.shows(verb) {
		// The form is not on the page (the script moved on): say it on top.
		p.Error, p.ErrorItems = msg, f.Problems[verb]
	}
	s.renderScript(w, r, rq, status, p)
	return nil
}

// scriptLibraryIndex: the library is listed on the scripts page.
func (s *server) scriptLibraryIndex(w http.ResponseWriter, r *http.Request, rq *request) error {
	http.Redirect(w, r, "/scripts#library", http.StatusSeeOther)
	return nil
}
