package app

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/throttle"
)

// API tokens' lifetimes.
const (
	// DefaultTokenTTL is how long an API token lives unless told otherwise.
	DefaultTokenTTL = 90 * 24 * time.Hour
	// MaxTokenTTL is the longest lifetime a token may be given.
	MaxTokenTTL = 2 * 365 * 24 * time.Hour
)

// TokenInput is what makes an API token.
type TokenInput struct {
	OrgCode, Login string
	Name           string        // what it is for; default the login and the day
	Expires        time.Duration // lifetime; 0 means DefaultTokenTTL
}

// CreateToken issues an API token for a user of the organisation; only its
// hash is stored, so the secret returned here is shown once.
func (s *Service) CreateToken(ctx context.Context, by *huifang.User, in TokenInput) (string, error) {
	org, u, err := s.userOf(ctx, by, in.OrgCode, in.Login)
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", huifang.Errorf(huifang.ECONFLICT, "err.token.user_disabled", u.Login)
	}
	if in.Expires == 0 {
		in.Expires = DefaultTokenTTL
	}
	if in.Expires < time.Hour || in.Expires > MaxTokenTTL {
		return "", huifang.Errorf(huifang.EINVALID, "err.token.ttl", int(MaxTokenTTL/(24*time.Hour)))
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = u.Login + " " + s.today().String()
	}
	if utf8.RuneCountInString(name) > 64 {
		return "", huifang.Errorf(huifang.EINVALID, "err.token.name_too_long")
	}
	now := s.now()
	token, hash := newToken()
	if err := s.db.CreateSession(ctx, hash, huifang.SessionAPI, name, u, now, now.Add(in.Expires)); err != nil {
		return "", err
	}
	return token, s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: org.ID, At: now, UserID: by.ID, Actor: by.Login, Entity: "user", Key: u.Login,
		Action: "create-token", Detail: jsonDetail(map[string]any{"token": hash[:huifang.TokenIDLen], "name": name, "expires": now.Add(in.Expires)})})
}

// ListTokens lists an organisation's API tokens.
func (s *Service) ListTokens(ctx context.Context, by *huifang.User, orgCode string) ([]huifang.Token, error) {
	org, err := s.manageable(ctx, by, orgCode)
	if err != nil {
		return nil, err
	}
	return s.db.ListTokens(ctx, org.ID)
}

// RevokeToken ends an organisation's API token at once.
func (s *Service) RevokeToken(ctx context.Context, by *huifang.User, orgCode, id string) error {
	org, err := s.manageable(ctx, by, orgCode)
	if err != nil {
		return err
	}
	err = s.db.DeleteToken(ctx, org.ID, strings.TrimSpace(id), actor(by), s.now())
	if errors.Is(err, huifang.ErrNotFound) {
		return huifang.Errorf(huifang.ENOTFOUND, "err.token.not_found", org.Code, id)
	}
	return err
}

// ListUsers lists an organisation's users.
func (s *Service) ListUsers(ctx context.Context, by *huifang.User, orgCode string) ([]huifang.User, error) {
	org, err := s.manageable(ctx, by, orgCode)
	if err != nil {
		return nil, err
	}
	return s.db.ListUsers(ctx, org.ID)
}

// SetUserDisabled disables or enables a user. Disabling ends their web
// sessions; their sessions and tokens are refused from the next request on.
// Administrators cannot disable themselves, nor their organisation's last
// insurer administrator.
func (s *Service) SetUserDisabled(ctx context.Context, by *huifang.User, orgCode, login string, disabled bool) error {
	org, u, err := s.userOf(ctx, by, orgCode, login)
	if err != nil {
		return err
	}
	if disabled && u.ID == by.ID {
		return huifang.Errorf(huifang.ECONFLICT, "err.user.disable_self")
	}
	if disabled {
		if err := s.keepsAnAdmin(ctx, org, u); err != nil {
			return err
		}
	}
	err = s.db.SetUserDisabled(ctx, org.ID, u.ID, disabled, keptRole(org), actor(by), s.now())
	return lastAdmin(err, org, u)
}

// SetUserRole changes a user's role, and a handler's branch; it applies to
// their next request.
func (s *Service) SetUserRole(ctx context.Context, by *huifang.User, orgCode, login string, role huifang.Role, branch string) error {
	org, u, err := s.userOf(ctx, by, orgCode, login)
	if err != nil {
		return err
	}
	if err := s.roleFits(ctx, by, org, role, branch); err != nil {
		return err
	}
	if role != huifang.RoleHandler {
		branch = ""
	}
	if u.Role == huifang.RoleInsurerAdmin && role != huifang.RoleInsurerAdmin {
		if err := s.keepsAnAdmin(ctx, org, u); err != nil {
			return err
		}
	}
	err = s.db.SetUserRole(ctx, org.ID, u.ID, role, branch, keptRole(org), actor(by), s.now())
	return lastAdmin(err, org, u)
}

// SetUserPassword sets another user's password and ends their web sessions.
func (s *Service) SetUserPassword(ctx context.Context, by *huifang.User, orgCode, login, password string) error {
	org, u, err := s.userOf(ctx, by, orgCode, login)
	if err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.db.SetPassword(ctx, org.ID, u.ID, hash, actor(by), s.now()); err != nil {
		return err
	}
	return s.db.DeleteUserSessions(ctx, org.ID, u.ID, "")
}

// ChangePassword changes the user's own password, the current one required;
// their other web sessions end, the one making the change (token) stays. A
// wrong current password counts as a failed login.
func (s *Service) ChangePassword(ctx context.Context, u *huifang.User, token, current, password string) error {
	now := s.now()
	subject := loginSubject(u.Login)
	fs, err := s.db.LoginFailures(ctx, subject)
	if err != nil {
		return err
	}
	if wait := throttle.Login.Wait(fs[subject].Count, fs[subject].Last, now); wait > 0 {
		return tooManyLogins(now, wait)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		if _, err := s.db.AddLoginFailure(ctx, subject, now, now.Add(-throttle.Login.Forget)); err != nil {
			return err
		}
		if err := s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: u.OrgID, At: now, UserID: u.ID, Actor: u.Login, Entity: "user", Key: u.Login,
			Action: "login-failed", Detail: `{"reason":"wrong-current-password"}`}); err != nil {
			return err
		}
		return &huifang.Error{Code: huifang.EINVALID, Key: "err.account.current_password_wrong", Fields: []huifang.FieldError{huifang.Field("current", "err.account.current_password_wrong")}}
	}
	if current == password {
		return &huifang.Error{Code: huifang.EINVALID, Key: "err.account.password_unchanged", Fields: []huifang.FieldError{huifang.Field("password", "err.account.password_unchanged")}}
	}
	hash, err := HashPassword(password)
	if err != nil {
		m := huifang.ErrorMsg(err)
		return &huifang.Error{Code: huifang.EINVALID, Key: m.Key, Args: m.Args, Fields: []huifang.FieldError{huifang.Field("password", m.Key, m.Args...)}}
	}
	if err := s.db.SetPassword(ctx, u.OrgID, u.ID, hash, actor(u), now); err != nil {
		return err
	}
	return s.db.DeleteUserSessions(ctx, u.OrgID, u.ID, hashToken(token))
}

// manageable is an organisation whose users and tokens by may manage; an
// empty code is by's own, as on the administrators' pages.
func (s *Service) manageable(ctx context.Context, by *huifang.User, orgCode string) (*huifang.Org, error) {
	if err := require(by, huifang.PermManageUsers); err != nil {
		return nil, err
	}
	var org *huifang.Org
	var err error
	if orgCode == "" {
		org, err = s.db.FindOrgByID(ctx, by.OrgID)
	} else {
		org, err = s.db.FindOrgByCode(ctx, orgCode)
	}
	if err != nil {
		return nil, orgNotFound(orgCode, err)
	}
	if err := sameOrg(by, org.ID); err != nil {
		return nil, err
	}
	return org, nil
}

// userOf is a user of an organisation that by may manage. Only system
// administrators manage system administrators.
func (s *Service) userOf(ctx context.Context, by *huifang.User, orgCode, login string) (*huifang.Org, *huifang.User, error) {
	org, err := s.manageable(ctx, by, orgCode)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.db.FindUserByLogin(ctx, strings.TrimSpace(login))
	if err != nil || u.OrgID != org.ID {
		if err == nil || errors.Is(err, huifang.ErrNotFound) {
			return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.user.not_found", org.Code, login)
		}
		return nil, nil, err
	}
	if u.Role == huifang.RoleAdmin && by.Role != huifang.RoleAdmin {
		return nil, nil, huifang.Errorf(huifang.EFORBIDDEN, "err.user.admin_only")
	}
	return org, u, nil
}

// keepsAnAdmin refuses to take away an insurer's last enabled administrator.
// It answers early with the reason; the store checks again inside the change,
// where two administrators disabling each other at once take turns.
func (s *Service) keepsAnAdmin(ctx context.Context, org *huifang.Org, u *huifang.User) error {
	if u.Role != huifang.RoleInsurerAdmin || u.Disabled {
		return nil
	}
	n, err := s.db.CountEnabled(ctx, org.ID, huifang.RoleInsurerAdmin)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errLastAdmin(org, u)
	}
	return nil
}

func errLastAdmin(org *huifang.Org, u *huifang.User) error {
	return huifang.Errorf(huifang.ECONFLICT, "err.user.last_admin", u.Login, org.Code)
}

// keptRole is the role an organisation must keep an enabled user of: an
// insurer its administrator.
func keptRole(org *huifang.Org) huifang.Role {
	if org.Kind == huifang.KindInsurer {
		return huifang.RoleInsurerAdmin
	}
	return ""
}

// lastAdmin turns the store's refusal into the user's message.
func lastAdmin(err error, org *huifang.Org, u *huifang.User) error {
	if errors.Is(err, huifang.ErrLastOfRole) {
		return errLastAdmin(org, u)
	}
	return err
}
