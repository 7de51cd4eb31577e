package demo

import (
	"context"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestDemoHandlerDesk: the demo's handler has cases to act on, a waiting
// transfer to acknowledge, a colleague to assign cases to, and unread
// notifications that link to their cases.
func TestDemoHandlerDesk(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	svc := newService(t, db)
	if _, err := Fill(ctx, db, svc, Options{Policies: 200}); err != nil {
		t.Fatal(err)
	}
	h, err := db.FindUserByLogin(ctx, "hta-handler")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindUserByLogin(ctx, "hta-handler2"); err != nil {
		t.Fatalf("no colleague: %v", err)
	}
	board, err := svc.Board(ctx, h, app.BoardFilter{Scope: "mine", Limit: app.MaxBoardPage})
	if err != nil {
		t.Fatal(err)
	}
	working, waiting := 0, 0
	for _, v := range board {
		switch v.Case.Status {
		case huifang.ProblemInProgress:
			working++
		case huifang.ProblemTransferring:
			waiting++
		}
	}
	if working == 0 || waiting == 0 {
		t.Fatalf("the handler's board: %d in progress, %d waiting of %d", working, waiting, len(board))
	}
	unread, err := svc.NotificationsPage(ctx, h, huifang.NotificationPage{Unread: true, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, n := range unread {
		if n.CaseID != 0 {
			linked++
		}
	}
	if linked == 0 {
		t.Fatalf("no unread notification links to a case (%d unread)", len(unread))
	}
	all, _ := svc.NotificationsPage(ctx, h, huifang.NotificationPage{Limit: 500})
	if len(all) == len(unread) {
		t.Fatalf("every one of %d notifications is unread", len(all))
	}
	t.Logf("hta-handler: %d in progress, %d waiting, %d unread notifications (%d linked) of %d", working, waiting, len(unread), linked, len(all))
}
