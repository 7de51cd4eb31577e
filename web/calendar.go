package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/workday"
)

// calendarLimit bounds a calendar file: a year is a few hundred lines.
const calendarLimit = 256 << 10

// dayView is a day of a holiday, with its weekday.
type dayView struct {
	Date    huifang.Date
	Weekday int
}

// restRange is a run of consecutive rest days.
type restRange struct {
	From, To dayView
	Days     int
}

type holidayView struct {
	Name string
	Rest []restRange
	Work []dayView
}

type yearView struct {
	Year      int
	Published huifang.Date
	Source    string
	Holidays  []holidayView
	RestDays  int
	WorkDays  int
	Open      bool
}

type calendarPage struct {
	Years    []yearView
	CanLoad  bool
	Body     string
	Error    string
	Problems []string
	Notice   string
}

func viewYear(y *workday.Year) yearView {
	v := yearView{Year: y.Year, Published: y.Published, Source: y.Source, RestDays: len(y.Rest), WorkDays: len(y.Work)}
	day := func(d huifang.Date) dayView { return dayView{Date: d, Weekday: int(d.Weekday())} }
	hs := y.Holidays()
	first := func(h workday.Holiday) huifang.Date {
		if len(h.Rest) > 0 {
			return h.Rest[0]
		}
		return h.Work[0]
	}
	sort.SliceStable(hs, func(i, j int) bool { return first(hs[i]).Before(first(hs[j])) })
	for _, h := range hs {
		hv := holidayView{Name: h.Name}
		for _, d := range h.Rest {
			if n := len(hv.Rest); n > 0 && hv.Rest[n-1].To.Date.AddDays(1) == d {
				hv.Rest[n-1].To = day(d)
				hv.Rest[n-1].Days++
				continue
			}
			hv.Rest = append(hv.Rest, restRange{From: day(d), To: day(d), Days: 1})
		}
		for _, d := range h.Work {
			hv.Work = append(hv.Work, day(d))
		}
		v.Holidays = append(v.Holidays, hv)
	}
	return v
}

func (s *server) calendarShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := calendarPage{}
	if y := r.URL.Query().Get("loaded"); y != "" {
		if n, err := strconv.Atoi(y); err == nil {
			p.Notice = rq.T.T("calendar.loaded", n)
		}
	}
	s.renderCalendar(w, r, rq, http.StatusOK, p)
	return nil
}

func (s *server) renderCalendar(w http.ResponseWriter, r *http.Request, rq *request, status int, p calendarPage) {
	cal := s.svc.Calendar()
	years := cal.Years()
	today := s.today()
	for i := len(years) - 1; i >= 0; i-- {
		y, ok := cal.Year(years[i])
		if !ok {
			continue
		}
		v := viewYear(y)
		v.Open = y.Year >= today.Year()
		p.Years = append(p.Years, v)
	}
	p.CanLoad = rq.User.Role == huifang.RoleAdmin
	s.render(w, r, rq, status, "calendar", rq.T.T("calendar.title"), "calendar", p)
}

// calendarLoad checks and loads a year's calendar, uploaded or pasted.
func (s *server) calendarLoad(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.User.Role != huifang.RoleAdmin {
		// The app refuses too; this spares reading the upload.
		return huifang.Errorf(huifang.EFORBIDDEN, "err.calendar.admin_only")
	}
	r.Body = http.MaxBytesReader(w, r.Body, calendarLimit+(64<<10))
	p := calendarPage{}
	var body string
	err := r.ParseMultipartForm(calendarLimit + (64 << 10))
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		p.Error = rq.T.T("calendar.toolarge", calendarLimit>>10)
	case err != nil:
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	default:
		body = r.PostFormValue("body")
		if file, _, ferr := r.FormFile("file"); ferr == nil {
			b, rerr := io.ReadAll(io.LimitReader(file, calendarLimit+1))
			file.Close()
			switch {
			case rerr != nil:
				return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
			case len(b) > calendarLimit:
				p.Error = rq.T.T("calendar.toolarge", calendarLimit>>10)
			case len(b) > 0:
				body = string(b)
			}
		}
		if p.Error == "" && strings.TrimSpace(body) == "" {
			p.Error = rq.T.T("calendar.empty")
		}
	}
	status := http.StatusBadRequest
	if p.Error == "" {
		y, err := s.svc.LoadCalendarYear(r.Context(), rq.User, body)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/admin/calendar?loaded=%d", y.Year), http.StatusSeeOther)
			return nil
		}
		var ae *huifang.Error
		if errors.As(err, &ae) && len(ae.Fields) > 1 {
			for _, fe := range ae.Fields {
				p.Problems = append(p.Problems, fe.Text(rq.uiLang()))
			}
		}
		msg, st, err := formError(rq, err)
		if err != nil {
			return err
		}
		status = st
		p.Error = msg
		if len(p.Problems) > 0 {
			p.Error = rq.T.T("calendar.errors", len(p.Problems))
		}
	}
	if utf8.ValidString(body) {
		p.Body = body
	}
	s.renderCalendar(w, r, rq, status, p)
	return nil
}
