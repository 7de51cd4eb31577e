package app

import (
	"context"
	"errors"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/pii"
)

// deskRows bounds the appointments and the recent callbacks the desk lists:
// the full lists are the callback list's, searched and paged.
const deskRows = 20

// Desk is an operator's own work at a glance (docs/desk.md).
type Desk struct {
	// Today counts the callbacks the operator finished today (Beijing date).
	Today int `json:"finished_today"`
	// Appointments are the operator's appointments, earliest first (holder
	// names masked); Due counts those whose time has come.
	Appointments []huifang.CallbackRow `json:"appointments"`
	Due          int                   `json:"appointments_due"`
	// Recent are the callbacks the operator finished last, newest first.
	Recent []huifang.CallbackRow `json:"recent"`
	// Held is the callback the operator holds now, if any.
	Held *huifang.Callback `json:"held,omitempty"`
	// CanCall: calls are allowed now. Otherwise Start and End are the
	// calling hours and NextOpen is when calling opens again.
	CanCall  bool      `json:"can_call"`
	AnyTime  bool      `json:"any_time"`
	Start    string    `json:"call_start"`
	End      string    `json:"call_end"`
	NextOpen time.Time `json:"next_open,omitempty"`
	// Hold is how long a due appointment waits for its operator.
	Hold time.Duration `json:"-"`
}

// Desk gathers the operator's desk: today's count, their appointments,
// their recent callbacks, and whether they may call now.
func (s *Service) Desk(ctx context.Context, u *huifang.User) (*Desk, error) {
	if err := require(u, huifang.PermWorkCallbacks); err != nil {
		return nil, err
	}
	now := s.now()
	today := huifang.DateOf(now)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, huifang.Shanghai)
	d := &Desk{}
	var err error
	if d.Today, err = s.db.CountCallbacks(ctx, u.OrgID, huifang.CallbackFilter{FinishedBy: u.ID, FinishedFrom: midnight}); err != nil {
		return nil, err
	}
	mask := func(r *huifang.CallbackRow) { r.HolderName = pii.MaskName(r.HolderName) }
	err = s.db.ForEachCallback(ctx, u.OrgID, huifang.CallbackFilter{AppointedBy: u.ID, Sort: huifang.SortNext, Limit: deskRows}, func(r *huifang.CallbackRow) error {
		mask(r)
		d.Appointments = append(d.Appointments, *r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range d.Appointments {
		if !a.NextAt.After(now) {
			d.Due++
		}
	}
	err = s.db.ForEachCallback(ctx, u.OrgID, huifang.CallbackFilter{FinishedBy: u.ID, Sort: huifang.SortFinished, Limit: deskRows}, func(r *huifang.CallbackRow) error {
		mask(r)
		d.Recent = append(d.Recent, *r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c, err := s.db.HeldCallback(ctx, u.OrgID, u.ID, now); err == nil {
		d.Held = c
	} else if !errors.Is(err, huifang.ErrNotFound) {
		return nil, err
	}
	hours, _, restDay, err := s.callRules(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	if d.Hold, err = s.appointmentHold(ctx, u.OrgID); err != nil {
		return nil, err
	}
	d.AnyTime = hours.AnyTime
	d.Start, d.End = clock(hours.Start, callback.DefaultStart), clock(hours.End, callback.DefaultEnd)
	if d.CanCall, err = hours.Allowed(now, restDay); err != nil {
		return nil, err
	}
	if !d.CanCall {
		if d.NextOpen, err = hours.NextOpen(now, restDay); err != nil {
			return nil, err
		}
	}
	return d, nil
}
