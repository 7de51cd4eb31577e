package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/importer"
)

// importKinds are the kinds of file an administrator may load, in the order
// they should be loaded.
var importKinds = func() []string {
	var ks []string
	for _, k := range importer.Kinds {
		ks = append(ks, string(k))
	}
	return ks
}()

// reportRowsShown is how many row errors the job page lists; the CSV has all.
const reportRowsShown = 200

// Job phases, as the status JSON and the page name them.
const (
	phaseChecking = "checking"
	phaseWriting  = "writing"
	phaseDone     = "done"
	phaseFailed   = "failed"
)

// importJob is one import running in the background, owned by one user.
type importJob struct {
	ID      string
	OrgID   int64
	UserID  int64
	Kind    string
	Source  string
	Created time.Time

	mu       sync.Mutex
	phase    string
	done     int
	total    int
	finished time.Time
	failure  error // why it failed, shown in the reader's language
	result   *app.ImportResult
}

// progress is the callback the import reports through.
func (j *importJob) progress(phase string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.phase == phaseDone || j.phase == phaseFailed {
		return
	}
	j.phase, j.done, j.total = phase, done, total
}

func (j *importJob) finish(res *app.ImportResult, failure error, failed bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.result, j.failure, j.finished = res, failure, time.Now()
	j.phase = phaseDone
	if failed {
		j.phase = phaseFailed
	}
	if res != nil && j.total < res.Rows {
		j.total = res.Rows
	}
	if !failed {
		j.done = j.total
	}
}

// jobStatus is the JSON the progress page polls.
type jobStatus struct {
	Phase   string      `json:"phase"`
	Done    int         `json:"done"`
	Total   int         `json:"total"`
	Message string      `json:"message,omitempty"`
	Summary *jobSummary `json:"summary,omitempty"`
}

// jobSummary is what a finished import did (or, failed, how many rows were bad).
type jobSummary struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Callbacks int `json:"callbacks"`
	Cases     int `json:"cases,omitempty"` // callback records: problem cases opened
	Bad       int `json:"bad"`
	HeaderRow int `json:"header_row,omitempty"` // when titles or notes came before the header
	// Agents imported with confirmed misconduct records at other companies
	// of the regulator, and how many records (counts only).
	MisconductAgents  int `json:"misconduct_agents,omitempty"`
	MisconductRecords int `json:"misconduct_records,omitempty"`
}

func (j *importJob) status(l i18n.Lang) (jobStatus, *app.ImportResult) {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := jobStatus{Phase: j.phase, Done: j.done, Total: j.total}
	if j.failure != nil {
		st.Message = huifang.ErrorText(l, j.failure)
	}
	if res := j.result; res != nil {
		st.Summary = &jobSummary{Rows: res.Rows, Created: res.Counts.Created, Updated: res.Counts.Updated,
			Unchanged: res.Counts.Unchanged, Callbacks: res.Callbacks, Cases: res.Cases, HeaderRow: res.HeaderRow}
		if res.Report != nil {
			st.Summary.Bad = res.Report.Bad
		}
		if m := res.Misconduct; m != nil {
			st.Summary.MisconductAgents, st.Summary.MisconductRecords = m.Agents, m.Records
		}
	}
	return st, j.result
}

// jobTable keeps import jobs in memory for an hour after they start; a
// restart forgets them, which only loses the progress page.
type jobTable struct {
	ttl  time.Duration
	mu   sync.Mutex
	jobs map[string]*importJob
}

func newJobTable(ttl time.Duration) *jobTable {
	return &jobTable{ttl: ttl, jobs: make(map[string]*importJob)}
}

func (t *jobTable) add(j *importJob) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep()
	t.jobs[j.ID] = j
}

// get returns the user's job, or nil: another user's job does not exist.
func (t *jobTable) get(id string, u *huifang.User) *importJob {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep()
	j := t.jobs[id]
	if j == nil || j.OrgID != u.OrgID || j.UserID != u.ID {
		return nil
	}
	return j
}

// sweep drops expired jobs that have finished; t.mu is held.
func (t *jobTable) sweep() {
	now := time.Now()
	for id, j := range t.jobs {
		j.mu.Lock()
		expired := !j.finished.IsZero() && now.Sub(j.Created) > t.ttl
		j.mu.Unlock()
		if expired {
			delete(t.jobs, id)
		}
	}
}

func newJobID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// importFormPage is the upload form, with the latest policy imports.
type importFormPage struct {
	Kinds  []string
	Kind   string
	Errors map[string]string
	Jobs   []huifang.ImportJob
}

// recentImports is how many of the latest policy imports the page lists.
const recentImports = 10

// importJobPage is the progress page of a job.
type importJobPage struct {
	Job       *importJob
	Status    jobStatus
	Running   bool
	Failed    bool
	Rows      []importer.RowError
	Report    *importer.Report
	Shown     int
	All       bool // the page lists every problem the report kept
	StatusURL string
	ReportURL string
	Phases    []string // labels the page's script needs
}

func (s *server) importForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.User.Can(huifang.PermImport) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.import.forbidden", rq.User.Role)
	}
	p := importFormPage{Kinds: importKinds, Kind: r.URL.Query().Get("kind"), Errors: map[string]string{}}
	var err error
	if p.Jobs, err = s.svc.ImportJobs(r.Context(), rq.User, recentImports); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "import", rq.T.T("import.title"), "import", p)
	return nil
}

// importUpload streams the uploaded file to a temporary file (never into
// memory), starts the import in the background and shows its progress.
func (s *server) importUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !u.Can(huifang.PermImport) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.import.forbidden", u.Role)
	}
	p := importFormPage{Kinds: importKinds, Errors: map[string]string{}}
	status := http.StatusBadRequest
	path, source, err := s.receiveUpload(w, r, &p)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			p.Errors["file"] = rq.T.T("import.toolarge", s.opts.MaxUpload>>20)
			status = http.StatusRequestEntityTooLarge
		} else {
			s.log.Warn("web: upload interrupted", "err", err)
			p.Errors["file"] = rq.T.T("import.interrupted")
		}
	}
	if path == "" && p.Errors["file"] == "" {
		p.Errors["file"] = rq.T.T("import.nofile")
	}
	if !validKind(p.Kind) {
		p.Errors["kind"] = rq.T.T("import.badkind")
	}
	if source != "" && !allowedExt(source) {
		p.Errors["file"] = rq.T.T("import.badext")
	}
	if len(p.Errors) > 0 {
		if path != "" {
			os.Remove(path)
		}
		if p.Errors["file"] == "" {
			p.Errors["reselect"] = rq.T.T("import.reselect")
		}
		s.render(w, r, rq, status, "import", rq.T.T("import.title"), "import", p)
		return nil
	}
	org, err := s.svc.OwnOrg(r.Context(), u)
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("organisation of %s: %w", u.Login, err)
	}
	j := &importJob{ID: newJobID(), OrgID: u.OrgID, UserID: u.ID, Kind: p.Kind, Source: source, Created: time.Now(), phase: phaseChecking}
	s.jobs.add(j)
	go s.runImport(j, u, org.Code, path)
	http.Redirect(w, r, "/import/"+j.ID, http.StatusSeeOther)
	return nil
}

// receiveUpload reads the multipart form part by part: the kind into p, the
// file into a temporary file whose path it returns with the file's name.
func (s *server) receiveUpload(w http.ResponseWriter, r *http.Request, p *importFormPage) (path, source string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", nil // not a multipart form: reported as no file
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return path, source, nil
		} else if err != nil {
			return cleanup(path), "", err
		}
		switch part.FormName() {
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			p.Kind = strings.TrimSpace(string(b))
		case "file":
			if part.FileName() == "" || path != "" {
				break
			}
			source = filepath.Base(part.FileName())
			f, err := os.CreateTemp("", "huifang-import-*"+strings.ToLower(filepath.Ext(source)))
			if err != nil {
				return "", "", err
			}
			path = f.Name()
			n, err := io.Copy(f, io.LimitReader(part, s.opts.MaxUpload+1))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil && n > s.opts.MaxUpload {
				err = &http.MaxBytesError{Limit: s.opts.MaxUpload}
			}
			if err != nil {
				return cleanup(path), "", err
			}
			if n == 0 {
				return cleanup(path), source, nil
			}
		}
		part.Close()
	}
}

func cleanup(path string) string {
	if path != "" {
		os.Remove(path)
	}
	return ""
}

func validKind(k string) bool {
	for _, x := range importKinds {
		if k == x {
			return true
		}
	}
	return false
}

func allowedExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".xlsx":
		return true
	}
	return false
}

// runImport runs one import to its end and removes the uploaded file.
func (s *server) runImport(j *importJob, u *huifang.User, orgCode, path string) {
	defer os.Remove(path)
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("web: import panicked", "job", j.ID, "panic", v)
			j.finish(nil, fmt.Errorf("import panicked: %v", v), true)
		}
	}()
	res, err := s.svc.ImportFile(context.Background(), u, orgCode, importer.Kind(j.Kind), path, j.Source, j.progress)
	if err == nil {
		j.finish(res, nil, false)
		return
	}
	if huifang.ErrorCode(err) == huifang.EINTERNAL {
		s.log.Error("web: import failed", "job", j.ID, "kind", j.Kind, "source", j.Source, "err", err)
	}
	j.finish(res, err, true)
}

func (s *server) job(r *http.Request, rq *request) (*importJob, error) {
	j := s.jobs.get(r.PathValue("id"), rq.User)
	if j == nil {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.import.job_not_found")
	}
	return j, nil
}

func (s *server) importJob(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.job(r, rq)
	if err != nil {
		return err
	}
	st, res := j.status(rq.uiLang())
	p := importJobPage{Job: j, Status: st, Failed: st.Phase == phaseFailed, Running: st.Phase != phaseDone && st.Phase != phaseFailed,
		StatusURL: "/import/jobs/" + j.ID, ReportURL: "/import/jobs/" + j.ID + "/report.csv",
		Phases: []string{phaseChecking, phaseWriting, phaseDone, phaseFailed}}
	if res != nil && res.Report != nil && p.Failed {
		rep := res.Report.In(rq.uiLang())
		p.Report = &rep
		p.Rows = rep.Errors
		if len(p.Rows) > reportRowsShown {
			p.Rows = p.Rows[:reportRowsShown]
		}
		p.Shown = len(p.Rows)
		p.All = p.Shown == len(res.Report.Errors) && !res.Report.Truncated
	}
	s.render(w, r, rq, http.StatusOK, "import_job", rq.T.T("import.job"), "import", p)
	return nil
}

func (s *server) importJobStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.job(r, rq)
	if err != nil {
		return err
	}
	st, _ := j.status(rq.uiLang())
	httpx.JSON(w, http.StatusOK, st)
	return nil
}

func (s *server) importReport(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.job(r, rq)
	if err != nil {
		return err
	}
	_, res := j.status(rq.uiLang())
	if res == nil || res.Report == nil {
		return huifang.Errorf(huifang.ENOTFOUND, "err.import.no_report")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-report-`+j.Kind+`.csv"`)
	if err := res.Report.CSV(w); err != nil {
		s.log.Error("web: write import report", "job", j.ID, "err", err)
	}
	return nil
}
