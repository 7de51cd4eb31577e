package demo

import (
	"context"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// handlerDesk readies each insurer's handler for the demo: a colleague in
// the same city branch, so that cases can be assigned in bulk from the
// board; the notifications of the cases the handler has already worked are
// read (they opened those cases), while those of the cases still waiting
// for acknowledgement, and the escalations, stay unread with their links.
func (w *world) handlerDesk(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, logins *Logins, password string, now time.Time) error {
	hash, err := app.HashPassword(password)
	if err != nil {
		return err
	}
	staff := newPeople(newRand(w.seed, 14))
	at := svc.WithClock(fixedClock(now))
	for _, ins := range w.insurers {
		c := ins.spec
		hs := users[c.code][huifang.RoleHandler]
		if len(hs) == 0 {
			continue
		}
		h := hs[0]
		mate := &huifang.User{OrgID: h.OrgID, Login: c.login + "-handler2", Name: staff.name(true, ""), Role: huifang.RoleHandler,
			BranchCode: h.BranchCode, PasswordHash: hash, CreatedAt: now.Add(-30 * 24 * time.Hour)}
		if err := w.db.CreateUser(ctx, mate, huifang.Actor{Name: "cli"}); err != nil {
			return err
		}
		users[c.code][huifang.RoleHandler] = append(users[c.code][huifang.RoleHandler], mate)
		logins.Users = append(logins.Users, Login{OrgCode: c.code, OrgName: c.name, Login: mate.Login, Name: mate.Name, Role: mate.Role, Password: password})

		held, err := w.db.ListProblemCases(ctx, h.OrgID, huifang.ProblemFilter{HandlerID: h.ID, Limit: 5000})
		if err != nil {
			return err
		}
		for _, pc := range held {
			if pc.HandlerID == h.ID && (pc.Actions > 0 || pc.Status.Final()) {
				if err := at.CaseSeen(ctx, h, pc.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
