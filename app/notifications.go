package app

import (
	"context"

	"github.com/huifang/huifang"
)

// Notifications lists the user's in-app notifications, newest first.
func (s *Service) Notifications(ctx context.Context, u *huifang.User, limit int) ([]huifang.Notification, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	return s.db.ListNotifications(ctx, u.OrgID, u.ID, limit)
}

// MarkNotificationsRead marks all of the user's notifications read.
func (s *Service) MarkNotificationsRead(ctx context.Context, u *huifang.User) error {
	if u == nil {
		return huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	return s.db.MarkNotificationsRead(ctx, u.OrgID, u.ID, s.Clock.Now())
}

// UnreadNotifications counts the user's unread notifications.
func (s *Service) UnreadNotifications(ctx context.Context, u *huifang.User) (int, error) {
	if u == nil {
		return 0, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	return s.db.CountUnread(ctx, u.OrgID, u.ID)
}
