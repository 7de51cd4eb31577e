package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/throttle"
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// dummyHash is compared against when the login is unknown, so that a wrong
// login and a wrong password take the same time.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("huifang-dummy-password"), bcrypt.DefaultCost)

// HashPassword hashes a password with bcrypt.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return "", huifang.Errorf(huifang.EINVALID, "err.password.too_short", MinPasswordLen)
	}
	if len(pw) > 72 {
		return "", huifang.Errorf(huifang.EINVALID, "err.password.too_long")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

var errBadLogin = huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.bad_login")

// Login checks a password from a client address and opens a web session,
// returning its secret token. Failures are counted per login and per address
// in the database, so that every server agrees and a restart forgets nothing;
// while the rules throttle.Login and throttle.Address say to wait, no password
// is even checked — the right one included — and the answer is ETOOMANY with
// the wait. Every failure, refusal and success is audited.
func (s *Service) Login(ctx context.Context, login, password, addr string) (string, *huifang.User, error) {
	login = strings.TrimSpace(login)
	if len(login) > 128 {
		login = login[:128]
	}
	now := s.now()
	bySubject := loginSubject(login)
	byAddr := "addr:" + addr
	u, err := s.db.FindUserByLogin(ctx, login)
	if err != nil && !errors.Is(err, huifang.ErrNotFound) {
		return "", nil, err
	}
	audit := func(action string, detail map[string]any) error {
		e := huifang.AuditEntry{At: now, Actor: login, Entity: "user", Key: login, Action: action}
		if u != nil {
			e.OrgID, e.UserID = u.OrgID, u.ID
		}
		detail["addr"] = addr
		e.Detail = jsonDetail(detail)
		return s.db.AppendAudit(ctx, e)
	}
	fs, err := s.db.LoginFailures(ctx, bySubject, byAddr)
	if err != nil {
		return "", nil, err
	}
	wait := max(throttle.Login.Wait(fs[bySubject].Count, fs[bySubject].Last, now), throttle.Address.Wait(fs[byAddr].Count, fs[byAddr].Last, now))
	if wait > 0 {
		if err := audit("login-refused", map[string]any{"failures": fs[bySubject].Count, "addr_failures": fs[byAddr].Count, "wait_s": int(wait.Seconds())}); err != nil {
			return "", nil, err
		}
		return "", nil, tooManyLogins(now, wait)
	}
	if u == nil {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
	}
	if u == nil || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		reason := "wrong-password"
		if u == nil {
			reason = "unknown-login"
		} else if u.Disabled {
			reason = "disabled"
		}
		n, err := s.loginFailed(ctx, now, bySubject, byAddr)
		if err != nil {
			return "", nil, err
		}
		if err := audit("login-failed", map[string]any{"reason": reason, "failures": n}); err != nil {
			return "", nil, err
		}
		return "", nil, errBadLogin
	}
	if err := s.db.ClearLoginFailures(ctx, bySubject); err != nil {
		return "", nil, err
	}
	if err := s.db.RecordLogin(ctx, u, now, addr); err != nil {
		return "", nil, err
	}
	if err := audit("login", map[string]any{}); err != nil {
		return "", nil, err
	}
	token, hash := newToken()
	if err := s.db.CreateSession(ctx, hash, huifang.SessionWeb, "", u, now, now.Add(s.Rules.SessionTTL)); err != nil {
		return "", nil, err
	}
	return token, u, nil
}

func loginSubject(login string) string { return "login:" + login }

// loginFailed counts a failure against the login and the address, and
// returns the login's count.
func (s *Service) loginFailed(ctx context.Context, now time.Time, bySubject, byAddr string) (int, error) {
	n, err := s.db.AddLoginFailure(ctx, bySubject, now, now.Add(-throttle.Login.Forget))
	if err != nil {
		return 0, err
	}
	_, err = s.db.AddLoginFailure(ctx, byAddr, now, now.Add(-throttle.Address.Forget))
	return n, err
}

// tooManyLogins is the refusal while a login or an address must wait.
func tooManyLogins(now time.Time, wait time.Duration) error {
	until := now.Add(wait).In(huifang.Shanghai)
	e := huifang.Errorf(huifang.ETOOMANY, "err.auth.locked", until.Format("15:04:05"))
	e.RetryAfter = wait
	return e
}

// Authenticate returns the user behind a live session of the kind asked for:
// huifang.SessionWeb for the browser's cookie, huifang.SessionAPI for a Bearer
// token. Neither is accepted as the other. The user is read afresh each time,
// so that a disabled user is refused and a new role applies at once.
func (s *Service) Authenticate(ctx context.Context, token, kind string) (*huifang.User, error) {
	if token == "" {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	u, err := s.db.FindSession(ctx, hashToken(token), kind, s.now())
	if errors.Is(err, huifang.ErrNotFound) {
		if kind == huifang.SessionAPI {
			return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.token_invalid")
		}
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.session_expired")
	}
	return u, err
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.DeleteSession(ctx, hashToken(token))
}

// sameOrg refuses work on another organisation, except for the command line
// and system administrators.
func sameOrg(u *huifang.User, orgID int64) error {
	if u.Role == huifang.RoleAdmin || u.OrgID == orgID {
		return nil
	}
	return huifang.Errorf(huifang.EFORBIDDEN, "err.auth.other_org")
}

func orgNotFound(code string, err error) error {
	if errors.Is(err, huifang.ErrNotFound) {
		return huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found", code)
	}
	return err
}
