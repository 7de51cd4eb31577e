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
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// dummyHash is compared against when the login is unknown, so that a wrong
// login and a wrong password take the same time.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("huifang-dummy-password"), bcrypt.DefaultCost)

// HashPassword hashes a password with bcrypt.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return "", huifang.Errorf(huifang.EINVALID, "密码至少需要 %d 个字符", MinPasswordLen)
	}
	if len(pw) > 72 {
		return "", huifang.Errorf(huifang.EINVALID, "密码过长（最多 72 字节）")
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

var errBadLogin = huifang.Errorf(huifang.EUNAUTHORIZED, "用户名或密码错误")

// Login checks a password and opens a web session, returning its secret token.
func (s *Service) Login(ctx context.Context, login, password string) (string, *huifang.User, error) {
	u, err := s.DB.FindUserByLogin(ctx, strings.TrimSpace(login))
	if errors.Is(err, huifang.ErrNotFound) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", nil, errBadLogin
	} else if err != nil {
		return "", nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return "", nil, errBadLogin
	}
	token, hash := newToken()
	now := s.now()
	if err := s.DB.CreateSession(ctx, hash, "web", u, now, now.Add(s.Rules.SessionTTL)); err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// Authenticate returns the user behind a session or API token.
func (s *Service) Authenticate(ctx context.Context, token string) (*huifang.User, error) {
	if token == "" {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "请先登录")
	}
	u, err := s.DB.FindSession(ctx, hashToken(token), s.now())
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "登录已过期，请重新登录")
	}
	return u, err
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.DB.DeleteSession(ctx, hashToken(token))
}

// CreateToken issues an API token for a user; only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, by *huifang.User, orgCode, login string) (string, error) {
	if err := require(by, huifang.PermManageUsers); err != nil {
		return "", err
	}
	org, err := s.DB.FindOrgByCode(ctx, orgCode)
	if err != nil {
		return "", orgNotFound(orgCode, err)
	}
	if err := sameOrg(by, org.ID); err != nil {
		return "", err
	}
	u, err := s.DB.FindUserByLogin(ctx, login)
	if err != nil || u.OrgID != org.ID {
		return "", huifang.Errorf(huifang.ENOTFOUND, "机构 %s 没有用户 %s", orgCode, login)
	}
	token, hash := newToken()
	if err := s.DB.CreateSession(ctx, hash, "api", u, s.now(), time.Time{}); err != nil {
		return "", err
	}
	return token, s.DB.AppendAudit(ctx, huifang.AuditEntry{OrgID: org.ID, At: s.now(), UserID: by.ID, Actor: by.Login, Entity: "user", Key: login, Action: "create-token"})
}

// sameOrg refuses work on another organisation, except for the command line
// and system administrators.
func sameOrg(u *huifang.User, orgID int64) error {
	if u.Role == huifang.RoleAdmin || u.OrgID == orgID {
		return nil
	}
	return huifang.Errorf(huifang.EFORBIDDEN, "不能操作其他机构的数据")
}

func orgNotFound(code string, err error) error {
	if errors.Is(err, huifang.ErrNotFound) {
		return huifang.Errorf(huifang.ENOTFOUND, "机构 %s 不存在", code)
	}
	return err
}
