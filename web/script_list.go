package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// statusTab is a status filter of the list, with its count.
type statusTab struct {
	Key, Href string
	Count     int
	Active    bool
}

// scriptRow is a line of the list.
type scriptRow struct {
	R         *huifang.ScriptRecord
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
		return huifang.Errorf(huifang.EFORBIDDEN, "err.script.view_forbidden", u.Role)
	}
	recs, err := s.svc.Scripts(r.Context(), u)
	if err != nil {
		return err
	}
	names, err := s.scriptNames(r.Context(), u)
	if err != nil {
		return err
	}
	p.Supervisor = u.Regulatory()
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
	slices.SortStableFunc(recs, func(a, b huifang.ScriptRecord) int {
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
