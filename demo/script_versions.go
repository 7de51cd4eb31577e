package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/script"
)

// scripts shows a company's own callback script through its versions
// (docs/scripts.md): the first company's administrator imported its
// traditional-life agency script three weeks ago and filed it with the
// regulator; a corrected version 2 was filed last week and is in force from
// today, so version 1 stays filed, superseded, beside the active one. The
// regulator sees both.
func (w *world) scripts(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	if len(w.insurers) == 0 {
		return nil
	}
	ins := w.insurers[0]
	admins := users[ins.spec.code][huifang.RoleInsurerAdmin]
	base := script.Lookup("life-traditional-agency")
	if len(admins) == 0 || base == nil {
		return nil
	}
	admin := admins[0]
	body := func(version int) (string, error) {
		sc := script.Lookup("life-traditional-agency")
		sc.Code = "own-traditional-agency"
		sc.Name = ins.spec.name + "传统型个险新单回访话术"
		sc.Version = version
		if version > 1 && len(sc.Steps) > 0 {
			// Version 2: the opening also says how long the call takes.
			sc.Steps[0].Text += "回访约需五分钟，占用您一点时间。"
		}
		var b bytes.Buffer
		err := sc.Format(&b)
		return b.String(), err
	}
	step := func(days int) *app.Service {
		return svc.WithClock(fixedClock(now.Add(-time.Duration(days) * 24 * time.Hour)))
	}
	var ids [2]int64
	for i, days := range []int{21, 7} {
		b, err := body(i + 1)
		if err != nil {
			return err
		}
		r, err := step(days).ImportScript(ctx, admin, b, "")
		if err != nil {
			return fmt.Errorf("script v%d: %w", i+1, err)
		}
		if err := step(days).FileScript(ctx, admin, r.ID); err != nil {
			return fmt.Errorf("file script v%d: %w", i+1, err)
		}
		ids[i] = r.ID
	}
	if err := svc.WithClock(fixedClock(now)).ActivateScript(ctx, admin, ids[1], huifang.DateOf(now)); err != nil {
		return fmt.Errorf("activate script v2: %w", err)
	}
	return nil
}
