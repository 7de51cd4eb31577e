// Package app holds huifang's use cases: what a user can do, over the store,
// the rules, personal-data protection and a clock. The command line, the web
// UI and the JSON API all call it, so each rule is enforced in one place.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/mail"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/sms"
)

// Rules are the settings the use cases follow. A later rule profile owned by
// the regulator replaces these defaults (DOMAIN.md §9).
type Rules struct {
	Hours      callback.Hours
	Attempts   callback.AttemptPolicy
	Scope      callback.Scope
	Lease      time.Duration // how long a taken callback stays with its operator
	SessionTTL time.Duration // how long a web login lasts without activity
	// RevealsPerHour is how many full phone numbers one user may see in an
	// hour (counted from the audit trail); 0 means DefaultRevealsPerHour.
	RevealsPerHour int
	// AppointmentHold, when Fixed, is how long a due appointment waits for
	// the operator who agreed it; 0 means the profile's default.
	AppointmentHold time.Duration
	// RestDay tells rest days for calling hours when Fixed.
	RestDay callback.RestDayFunc
	// Fixed makes Hours, Attempts and RestDay win over the rule profile:
	// for tests and benchmarks that must not depend on the calendar.
	Fixed bool
}

// DefaultRevealsPerHour bounds a user's unmasked phone numbers per hour: an
// operator calls perhaps 15 customers an hour; twice that is room enough,
// and a few hundred numbers cannot be read in a sitting.
const DefaultRevealsPerHour = 30

// DefaultRules are DOMAIN.md's defaults.
func DefaultRules() Rules {
	return Rules{
		Hours:          callback.Hours{Start: callback.DefaultStart, End: callback.DefaultEnd},
		Attempts:       callback.DefaultAttempts,
		Scope:          callback.DefaultScope,
		Lease:          10 * time.Minute,
		SessionTTL:     8 * time.Hour,
		RevealsPerHour: DefaultRevealsPerHour,
	}
}

// Service is the application.
type Service struct {
	db    Store
	Box   *pii.Box
	Clock huifang.Clock
	Rules Rules
	Log   *slog.Logger
	Mail  mail.Sender // nil: notifications stay in the app
	// Blobs keeps recordings, letter receipts and problem-case documents.
	// nil: recordings and letters are refused, documents stay in the database.
	Blobs blob.Store
	// SMS sends electronic callbacks' links and codes; nil: no links are sent.
	SMS sms.Sender
	// PublicURL is the site's address as customers reach it
	// ("https://huifang.example.com"), put in front of links in text messages.
	PublicURL string
	// SingleTransactionImport writes a policy file in one transaction, as
	// before imports were chunked: for the benchmark's "before" only.
	SingleTransactionImport bool
	// ImportChunk is how many policies a chunk of an import writes; 0:
	// the default (importChunk).
	ImportChunk int
	// ImportPause is how long an import leaves the database to other
	// writers after each chunk; 0: the default (sqlitePause on SQLite,
	// none on PostgreSQL); negative: none.
	ImportPause time.Duration
	imports     *importRuns // shared by copies made with WithClock
	cal         *calendars  // shared by copies made with WithClock
	pc          *profileCache
}

// New makes a service with the default rules and the system clock.
func New(db Store, box *pii.Box, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, Box: box, Clock: huifang.SystemClock{}, Rules: DefaultRules(), Log: log, imports: newImportRuns(), cal: &calendars{}, pc: &profileCache{reg: map[int64]int64{}, versions: map[int64]cachedVersions{}}}
}

// WithClock returns a service that tells time by c and shares everything
// else with s (the demo plays several insurers' days side by side).
func (s *Service) WithClock(c huifang.Clock) *Service {
	cp := *s
	cp.Clock = c
	return &cp
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }

// today is the current date in Asia/Shanghai.
func (s *Service) today() huifang.Date { return huifang.DateOf(s.now()) }

// actor names a user for the audit trail.
func actor(u *huifang.User) huifang.Actor { return huifang.Actor{UserID: u.ID, Name: u.Login} }

// Require checks a permission, with the message the service gives; the web
// and API check a route's permission with it before they read the request.
func Require(u *huifang.User, p huifang.Permission) error { return require(u, p) }

// require checks a permission.
func require(u *huifang.User, p huifang.Permission) error {
	if u == nil {
		return huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	if !u.Can(p) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.auth.role_forbidden", u.Role)
	}
	return nil
}

// RegulatorCLI is the command line acting as regulator code's
// administrator: the actor of `spotcheck`, `disclosure` and the other
// regulator commands, audited as "cli".
func (s *Service) RegulatorCLI(ctx context.Context, code string) (*huifang.User, error) {
	o, err := s.db.FindOrgByCode(ctx, code)
	if err != nil || o.Kind != huifang.KindRegulator {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_regulator", code)
	}
	return &huifang.User{Login: "cli", Role: huifang.RoleRegAdmin, OrgID: o.ID}, nil
}

// CLI is the actor for command-line work: it may do everything in any
// organisation, because whoever runs it holds the database and the key.
func CLI() *huifang.User {
	return &huifang.User{Login: "cli", Role: huifang.RoleAdmin}
}

// Close closes the service's database.
func (s *Service) Close() error { return s.db.Close() }

// KeepTextsInOutbox makes the service keep its text messages in the
// database's outbox instead of sending them (development and the demo).
func (s *Service) KeepTextsInOutbox() { s.SMS = sms.Outbox{Store: s.db} }
