package web

import (
	"net/http"

	"github.com/huifang/huifang"
)

// outboxPage lists the text messages kept by the development sender.
type outboxPage struct {
	Messages []huifang.OutboxMessage
}

// outbox is GET /admin/outbox: insurer administrators read what would have
// gone to customers' phones.
func (s *server) outbox(w http.ResponseWriter, r *http.Request, rq *request) error {
	ms, err := s.svc.Outbox(r.Context(), rq.User, 200)
	if err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "outbox", rq.T.T("outbox.title"), "outbox", outboxPage{Messages: ms})
	return nil
}
