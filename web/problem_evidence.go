package web

import (
	"bufio"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// problemEvidence downloads a document of a case's timeline: always as an
// attachment, with the stored type and no sniffing, so that an uploaded page
// never runs on this site.
func (s *server) problemEvidence(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	eid, err := app.ParseID(r.PathValue("eid"))
	if err != nil {
		return err
	}
	v, err := s.svc.Case(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	listed := false
	for _, e := range v.Events {
		listed = listed || e.EvidenceID == eid
	}
	notFound := huifang.Errorf(huifang.ENOTFOUND, "err.file.not_found", eid)
	if !listed {
		return notFound
	}
	body, e, err := s.svc.Evidence(r.Context(), rq.User, eid)
	if err != nil {
		return err
	}
	defer body.Close()
	if e.CaseID != id {
		return notFound
	}
	// A picture or PDF shows in the page (the timeline's preview) when its
	// first bytes are what it was stored as; anything else — a document kept
	// from before types were told by content — stays an attachment.
	br := bufio.NewReaderSize(body, 64)
	head, _ := br.Peek(app.SniffLen)
	ft, ok := app.Sniff(app.DocumentTypes, head)
	inline := ok && ft.ContentType == e.ContentType
	s.sendDocument(w, r, br, document{Name: e.Name, Fallback: "evidence-" + strconv.FormatInt(e.ID, 10), ContentType: e.ContentType, Size: e.Size, Inline: inline})
	return nil
}
