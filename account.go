package huifang

import (
	"errors"
	"time"
)

// Token is an API token as its organisation's administrators see it: never
// its secret or the whole hash.
type Token struct {
	ID        string // the first TokenIDLen characters of the secret's hash
	Name      string
	UserID    int64
	Login     string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never (none made since schema 8)
}

// TokenIDLen is how much of a token's hash names it in lists and revocation:
// enough to be unique, of no use to find the secret.
const TokenIDLen = 12

// Session kinds: a web session lives in the browser's cookie, an API token
// in an Authorization header; neither is accepted as the other.
const (
	SessionWeb = "web"
	SessionAPI = "api"
)

// ErrLastOfRole: a change would leave an organisation without an enabled
// user of a role it must keep.
var ErrLastOfRole = errors.New("store: the last enabled user of the role")

// Failures is the count of failed checks of one subject and when the last was.
type Failures struct {
	Count int
	Last  time.Time
}
