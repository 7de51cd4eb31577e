package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// inspection plays the regulator's supervisor taking the on-site
// inspection package (现场检查) of the first company's last thirty days,
// masked, yesterday afternoon: the company's audit trail and the
// regulator's show it, and the page offers the same download.
func (w *world) inspection(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	sups := users[RegulatorCode][huifang.RoleSupervisor]
	if len(sups) == 0 || len(w.insurers) == 0 {
		return nil
	}
	when := now.Add(-20 * time.Hour)
	svc = svc.WithClock(fixedClock(when))
	to := huifang.DateOf(when)
	in := app.InspectionRequest{Org: w.insurers[0].spec.code, From: to.AddDays(-29), To: to}
	if _, err := svc.Inspect(ctx, sups[0], in, io.Discard); err != nil {
		return fmt.Errorf("inspection of %s: %w", in.Org, err)
	}
	return nil
}
