package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/risk"
)

// The signs of a false phone number (DOMAIN.md §6, docs/false-phones.md):
// package risk decides them from the facts storage finds through the keyed
// hash; here they are shown to the operator (Work.Risks), kept out of the
// electronic callback, listed for managers (Risks), filtered and exported
// with the callbacks, and confirmed by the operator in one step
// (ConfirmFalsePhone).

// riskBounds are the profile's false-phone thresholds for an insurer at a
// moment (the callback's, or now).
func (s *Service) riskBounds(ctx context.Context, orgID int64, at time.Time) (huifang.RiskBounds, error) {
	v, err := s.ProfileFor(ctx, orgID, huifang.DateOf(at))
	if err != nil {
		return huifang.RiskBounds{}, err
	}
	reg, err := s.regulatorOf(ctx, orgID)
	if err != nil {
		return huifang.RiskBounds{}, err
	}
	return risk.Bounds(v.Rules, reg, at), nil
}

// withRisk sets a callback filter's false-phone thresholds from the profile
// when the filter keeps flagged callbacks only.
func (s *Service) withRisk(ctx context.Context, orgID int64, f *huifang.CallbackFilter) error {
	if !f.Risk {
		return nil
	}
	b, err := s.riskBounds(ctx, orgID, s.now())
	f.RiskBounds = b
	return err
}

// PhoneRisk is what the signs of a false number say about one policy.
type PhoneRisk struct {
	Signs []huifang.RiskSign `json:"signs"`
	// Holders is how many distinct policyholders carry the number;
	// ChangedAt is when an import last changed it (zero: never).
	Holders   int       `json:"holders"`
	ChangedAt time.Time `json:"changed_at,omitzero"`
}

// phoneRisk finds the signs of a policy's number at a moment.
func (s *Service) phoneRisk(ctx context.Context, orgID int64, policyNo string, at time.Time) (PhoneRisk, error) {
	b, err := s.riskBounds(ctx, orgID, at)
	if err != nil {
		return PhoneRisk{}, err
	}
	f, err := s.db.PhoneFacts(ctx, orgID, b.RegulatorID, policyNo)
	if err != nil {
		return PhoneRisk{}, err
	}
	return PhoneRisk{Signs: risk.Signs(f, b), Holders: f.Holders, ChangedAt: f.ChangedAt}, nil
}

// callbackMoment is when a callback is judged: when it finished, or now.
func (s *Service) callbackMoment(c *huifang.Callback) time.Time {
	if !c.FinishedAt.IsZero() {
		return c.FinishedAt
	}
	return s.now()
}

// signsZH names signs in Chinese, for the export and a case's detail.
func signsZH(signs []huifang.RiskSign) string {
	names := make([]string, len(signs))
	for i, sg := range signs {
		names[i] = i18n.T(i18n.ZH, sg.Key())
	}
	return strings.Join(names, i18n.T(i18n.ZH, "risk.separator"))
}

// RiskQuery selects the flagged policies a list shows.
type RiskQuery struct {
	Sign     huifang.RiskSign
	OpenOnly bool // only policies with a callback still to be made
	Limit    int  // 1–500; 50 by default
	Offset   int
}

// RiskView is a flagged policy as a manager sees it: the phone masked.
type RiskView struct {
	PolicyNo       string                 `json:"policy_no"`
	BranchCode     string                 `json:"branch_code"`
	AgentCode      string                 `json:"agent_code,omitempty"`
	HolderName     string                 `json:"holder_name"`
	HolderPhone    string                 `json:"holder_phone_masked"`
	Signs          []huifang.RiskSign     `json:"signs"`
	Holders        int                    `json:"holders"`
	ChangedAt      time.Time              `json:"phone_changed_at,omitzero"`
	CallbackID     int64                  `json:"callback_id,omitempty"`
	CallbackStatus huifang.CallbackStatus `json:"callback_status,omitempty"`
}

// Risks lists the user's insurer's policies flagged with a sign of a false
// phone number, by policy number, with the total.
func (s *Service) Risks(ctx context.Context, u *huifang.User, q RiskQuery) ([]RiskView, int, error) {
	if err := require(u, huifang.PermViewRisks); err != nil {
		return nil, 0, err
	}
	if q.Sign != "" && !q.Sign.Valid() {
		return nil, 0, huifang.Errorf(huifang.EINVALID, "err.risk.unknown_sign", q.Sign)
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	b, err := s.riskBounds(ctx, u.OrgID, s.now())
	if err != nil {
		return nil, 0, err
	}
	f := huifang.RiskFilter{Bounds: b, Sign: q.Sign, OpenOnly: q.OpenOnly, Limit: q.Limit, Offset: q.Offset}
	total, err := s.db.CountRisks(ctx, u.OrgID, f)
	if err != nil {
		return nil, 0, err
	}
	var out []RiskView
	err = s.db.ForEachRisk(ctx, u.OrgID, f, func(r *huifang.RiskRow) error {
		phone, err := s.Box.Open(r.HolderPhoneEnc)
		if err != nil {
			return err
		}
		out = append(out, RiskView{PolicyNo: r.PolicyNo, BranchCode: r.BranchCode, AgentCode: r.AgentCode, HolderName: r.HolderName,
			HolderPhone: pii.MaskPhone(phone), Signs: risk.Signs(r.PhoneFacts, b), Holders: r.Holders, ChangedAt: r.ChangedAt,
			CallbackID: r.CallbackID, CallbackStatus: r.CallbackStatus})
		return nil
	})
	return out, total, err
}

// flaggedSigns maps each flagged policy of an insurer to its signs now:
// the export's risk column. Flagged policies are few; one query finds them.
func (s *Service) flaggedSigns(ctx context.Context, orgID int64) (map[string][]huifang.RiskSign, error) {
	b, err := s.riskBounds(ctx, orgID, s.now())
	if err != nil {
		return nil, err
	}
	out := map[string][]huifang.RiskSign{}
	err = s.db.ForEachRisk(ctx, orgID, huifang.RiskFilter{Bounds: b}, func(r *huifang.RiskRow) error {
		out[r.PolicyNo] = risk.Signs(r.PhoneFacts, b)
		return nil
	})
	return out, err
}

// refuseFlagged refuses an electronic-callback link to a flagged number:
// the link would go to whoever put the number on the policy. The callback
// stays in the phone pool.
func (s *Service) refuseFlagged(ctx context.Context, c *huifang.Callback) error {
	r, err := s.phoneRisk(ctx, c.OrgID, c.PolicyNo, s.now())
	if err != nil {
		return err
	}
	if len(r.Signs) > 0 {
		return huifang.Errorf(huifang.EINVALID, errFlaggedKey, c.PolicyNo)
	}
	return nil
}

// errFlaggedKey is the key of a link refused to a flagged number.
const errFlaggedKey = "err.electronic.flagged_phone"

// isFlaggedRefusal reports whether err is refuseFlagged's.
func isFlaggedRefusal(err error) bool {
	var e *huifang.Error
	return errors.As(err, &e) && e.Key == errFlaggedKey
}

// ConfirmFalsePhone is the operator's one step on the workbench when the
// number of the callback they hold proves false (it belongs to the agent or
// to someone else): the attempt is recorded, the callback finishes as not
// completed (invalid number) and a false-phone problem case opens, its
// detail naming the signs the policy carried and the operator's note. On a
// re-callback the case it reports to goes on instead, as with any
// unsuccessful re-callback.
func (s *Service) ConfirmFalsePhone(ctx context.Context, u *huifang.User, id int64, note string) (*huifang.Callback, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.callback.note_too_long")
	}
	c, err := s.held(ctx, u, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r, err := s.phoneRisk(ctx, c.OrgID, c.PolicyNo, now)
	if err != nil {
		return nil, err
	}
	detail := i18n.T(i18n.ZH, "risk.case_detail")
	if len(r.Signs) > 0 {
		detail = i18n.T(i18n.ZH, "risk.case_detail_signs", signsZH(r.Signs))
	}
	if note != "" {
		detail += i18n.T(i18n.ZH, "risk.case_note", note)
	}
	att := &huifang.Attempt{At: now, Outcome: huifang.AttemptInvalid, Note: note}
	ch := huifang.CallbackChange{OrgID: u.OrgID, ID: id, UserID: u.ID, Now: now, Attempt: att, Status: c.Status,
		Audit: huifang.AuditEntry{Actor: u.Login}}
	problems := []callback.Problem{{Type: huifang.ProblemFalsePhone, Detail: detail}}
	if err := s.finishChange(ctx, &ch, c, huifang.ResultNotCompleted, callback.ReasonInvalidNumber, problems); err != nil {
		return nil, err
	}
	ch.Audit.Action = "confirm-false-phone"
	ch.Audit.Detail = jsonDetail(map[string]any{"signs": r.Signs, "note": note, "problems": len(ch.Problems)})
	return s.db.ChangeCallback(ctx, ch)
}
