package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
)

// notificationLimit is how many notifications a page lists.
const notificationLimit = 30

type notificationView struct {
	N      huifang.Notification
	At     string
	Read   bool
	CaseID int64 // the case it links to, 0 for none
}

type notificationsPage struct {
	Items   []notificationView
	Unread  int
	Before  int64  // the page's position, kept by the mark-read forms
	NextURL string // the older ones
	Notice  string
}

// notifications lists the user's notifications, newest first, a page at a
// time (?before=ID for older ones); unread ones are highlighted until the
// user marks them read or opens their case.
func (s *server) notifications(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	ns, err := s.svc.NotificationsPage(r.Context(), u, huifang.NotificationPage{Before: max(before, 0), Limit: notificationLimit + 1})
	if err != nil {
		return err
	}
	p := notificationsPage{Unread: s.unread(r.Context(), u), Before: before}
	if len(ns) > notificationLimit {
		ns = ns[:notificationLimit]
		p.NextURL = "/notifications?before=" + strconv.FormatInt(ns[len(ns)-1].ID, 10)
	}
	for _, n := range ns {
		p.Items = append(p.Items, notificationView{N: n, At: datetime(n.At), Read: !n.ReadAt.IsZero(), CaseID: n.CaseID})
	}
	if r.URL.Query().Get("done") == "read" {
		p.Notice = rq.T.T("notifications.marked")
	}
	s.render(w, r, rq, http.StatusOK, "notifications", rq.T.T("notifications.title"), "notifications", p)
	return nil
}

// notificationsBack is the page a mark-read form came from.
func notificationsBack(r *http.Request) string {
	u := "/notifications?done=read"
	if b, err := strconv.ParseInt(r.PostFormValue("before"), 10, 64); err == nil && b > 0 {
		u += "&before=" + strconv.FormatInt(b, 10)
	}
	return u
}

// notificationsRead marks all of the user's notifications read:
// POST /notifications/read.
func (s *server) notificationsRead(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := s.svc.MarkNotificationsRead(r.Context(), rq.User); err != nil {
		return err
	}
	http.Redirect(w, r, notificationsBack(r), http.StatusSeeOther)
	return nil
}

// notificationRead marks one notification read: POST /notifications/{id}/read.
func (s *server) notificationRead(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := s.svc.MarkNotificationRead(r.Context(), rq.User, id); err != nil {
		return err
	}
	http.Redirect(w, r, notificationsBack(r), http.StatusSeeOther)
	return nil
}

// unread counts the user's unread notifications for the header; a failure
// is logged and shows no count.
func (s *server) unread(ctx context.Context, u *huifang.User) int {
	n, err := s.svc.UnreadNotifications(ctx, u)
	if err != nil {
		s.log.Error("web: count notifications", "user", u.Login, "err", err)
		return 0
	}
	return n
}
