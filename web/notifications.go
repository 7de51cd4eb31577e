package web

import (
	"context"
	"net/http"

	"github.com/huifang/huifang"
)

// notificationLimit is how many notifications the page lists and the
// header counts.
const notificationLimit = 100

type notificationView struct {
	N    huifang.Notification
	At   string
	Read bool // read before this visit
}

type notificationsPage struct {
	Items []notificationView
}

// notifications lists the user's notifications, newest first, and marks
// them read.
func (s *server) notifications(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	ns, err := s.svc.Notifications(r.Context(), u, notificationLimit)
	if err != nil {
		return err
	}
	p := notificationsPage{}
	unread := false
	for _, n := range ns {
		p.Items = append(p.Items, notificationView{N: n, At: datetime(n.At), Read: !n.ReadAt.IsZero()})
		unread = unread || n.ReadAt.IsZero()
	}
	if unread {
		if err := s.svc.MarkNotificationsRead(r.Context(), u); err != nil {
			return err
		}
	}
	s.render(w, r, rq, http.StatusOK, "notifications", rq.T.T("notifications.title"), "notifications", p)
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
