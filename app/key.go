package app

import (
	"context"
	"errors"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/pii"
)

// keySample is how many sealed values of each end of the policies (and of the
// agents) a key must open before an unkeyed database takes its check value.
const keySample = 50

// ErrRotating refuses work on a database whose key rotation has not finished:
// part of its personal data is under the old key and part under the new, and
// look-ups by hash would miss one part.
var ErrRotating = huifang.Errorf(huifang.ECONFLICT, "err.key.rotation_unfinished")

// errWrongKey refuses a key whose check value is not the database's.
var errWrongKey = huifang.Errorf(huifang.EINVALID, "err.key.wrong_key")

// errUnreadable refuses to key a database whose existing data the key cannot open.
var errUnreadable = huifang.Errorf(huifang.EINVALID, "err.key.unreadable")

// CheckKey makes sure the service's key is the one the database's personal data
// is sealed under, before any command reads or writes it. A database without a
// check value yet (new, or from before the check existed) takes this key's,
// provided the key opens a sample of the data already there.
func (s *Service) CheckKey(ctx context.Context) error {
	st, err := s.db.KeyState(ctx)
	if err != nil {
		return err
	}
	if st.Rotation != nil {
		return ErrRotating
	}
	if st.Check != "" {
		if !pii.SameCheck(st.Check, s.Box.Check()) {
			return errWrongKey
		}
		return nil
	}
	return s.keyFirst(ctx)
}

// keyFirst stores the key's check value in a database that has none.
func (s *Service) keyFirst(ctx context.Context) error {
	sample, err := s.db.SampleSealed(ctx, keySample)
	if err != nil {
		return err
	}
	for _, v := range sample {
		if _, err := s.Box.Open(v); err != nil {
			return errUnreadable
		}
	}
	st, err := s.db.SetKeyCheck(ctx, s.Box.Check(), s.now(), huifang.AuditEntry{At: s.now(), Actor: "cli", Entity: "pii-key", Key: "check",
		Action: "keyed", Detail: jsonDetail(map[string]any{"sampled": len(sample)})})
	if err != nil {
		return err
	}
	if !pii.SameCheck(st.Check, s.Box.Check()) {
		return errWrongKey // another process keyed it with another key meanwhile
	}
	return nil
}

// KeyRotated says what a key rotation did.
type KeyRotated struct {
	Resumed  bool  // it went on from where an interrupted run stopped
	Agents   int64 // rows resealed by this run
	Policies int64
}

// KeyRotateOptions tune a rotation.
type KeyRotateOptions struct {
	Chunk int // rows resealed and committed at a time (default 2000)
	// Started, when not nil, is called once a new rotation is recorded and
	// before its first chunk: serving processes stop on seeing it, and the
	// caller may give them the time to.
	Started func(ctx context.Context) error
	// Progress, when not nil, is told after every chunk committed.
	Progress func(stage string, rows int64)
}

// RotateKey reseals every phone and ID number under next and recomputes every
// keyed hash (the look-up hashes and the policies' row hashes), in chunks of
// chunks, each committed with the rotation's progress. An interrupted
// rotation is resumed by calling it again with the same two keys; until it
// finishes every other command is refused (ErrRotating). At the end next's
// check value is the database's.
func (s *Service) RotateKey(ctx context.Context, u *huifang.User, next *pii.Box, o KeyRotateOptions) (*KeyRotated, error) {
	if u == nil || u.Role != huifang.RoleAdmin {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.key.rotate_admin_only")
	}
	if pii.SameCheck(s.Box.Check(), next.Check()) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.key.same_key")
	}
	chunk := o.Chunk
	if chunk < 1 {
		chunk = 2000
	}
	st, err := s.db.KeyState(ctx)
	if err != nil {
		return nil, err
	}
	out := &KeyRotated{}
	a := actor(u)
	switch {
	case st.Rotation != nil:
		if !pii.SameCheck(st.Check, s.Box.Check()) || !pii.SameCheck(st.Rotation.Next, next.Check()) {
			return nil, huifang.Errorf(huifang.EINVALID, "err.key.other_rotation")
		}
		out.Resumed = true
		if err := s.db.AppendAudit(ctx, huifang.AuditEntry{At: s.now(), UserID: a.UserID, Actor: a.Name, Entity: "pii-key", Key: "check", Action: "rotate-resume",
			Detail: jsonDetail(map[string]any{"stage": st.Rotation.Stage, "rows_done": st.Rotation.Rows})}); err != nil {
			return nil, err
		}
	case st.Check != "" && pii.SameCheck(st.Check, next.Check()):
		return nil, huifang.Errorf(huifang.EINVALID, "err.key.already_rotated")
	default:
		if err := s.CheckKey(ctx); err != nil {
			return nil, err
		}
		if err := s.db.StartKeyRotation(ctx, s.Box.Check(), next.Check(), s.now(), huifang.AuditEntry{At: s.now(), UserID: a.UserID, Actor: a.Name,
			Entity: "pii-key", Key: "check", Action: "rotate-start"}); err != nil {
			return nil, err
		}
		if o.Started != nil {
			if err := o.Started(ctx); err != nil {
				return out, err
			}
		}
	}
	if st, err = s.db.KeyState(ctx); err != nil {
		return nil, err
	}
	r := st.Rotation
	if r == nil {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.key.rotated_elsewhere")
	}
	for r.Stage != "" {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		c := huifang.KeyChunk{Next: r.Next, Stage: r.Stage, FromOrg: r.AfterOrg, FromKey: r.AfterKey, ToStage: r.Stage}
		n := 0
		switch r.Stage {
		case huifang.KeyStageAgents:
			if c.Agents, err = s.resealAgents(ctx, r, next, chunk); err != nil {
				return out, err
			}
			if n = len(c.Agents); n > 0 {
				c.ToOrg, c.ToKey = c.Agents[n-1].OrgID, c.Agents[n-1].Code
			}
			out.Agents += int64(n)
		case huifang.KeyStagePolicies:
			if c.Policies, err = s.resealPolicies(ctx, r, next, chunk); err != nil {
				return out, err
			}
			if n = len(c.Policies); n > 0 {
				c.ToOrg, c.ToKey = c.Policies[n-1].OrgID, c.Policies[n-1].No
			}
			out.Policies += int64(n)
		default:
			return out, errors.New("key rotation: unknown stage " + r.Stage)
		}
		if n < chunk {
			c.ToStage, c.ToOrg, c.ToKey = nextKeyStage(r.Stage), 0, ""
		}
		if err := s.db.SaveKeyChunk(ctx, c); err != nil {
			return out, err
		}
		r.Stage, r.AfterOrg, r.AfterKey, r.Rows = c.ToStage, c.ToOrg, c.ToKey, r.Rows+int64(n)
		if o.Progress != nil {
			o.Progress(c.Stage, r.Rows)
		}
	}
	err = s.db.FinishKeyRotation(ctx, next.Check(), s.now(), huifang.AuditEntry{At: s.now(), UserID: a.UserID, Actor: a.Name, Entity: "pii-key", Key: "check",
		Action: "rotated", Detail: jsonDetail(map[string]any{"rows": r.Rows, "started_at": r.StartedAt})})
	return out, err
}

// nextKeyStage is the stage after one.
func nextKeyStage(stage string) string {
	if stage == huifang.KeyStageAgents {
		return huifang.KeyStagePolicies
	}
	return ""
}

// openOld opens a value sealed under the old key, or says which row it cannot.
func (s *Service) openOld(v string, what huifang.Msg, key string) (string, error) {
	plain, err := s.Box.Open(v)
	if err != nil {
		return "", huifang.Errorf(huifang.EINVALID, "err.key.row_unreadable", what, key)
	}
	return plain, nil
}

func (s *Service) resealAgents(ctx context.Context, r *huifang.KeyRotation, next *pii.Box, n int) ([]huifang.AgentRecord, error) {
	rows, err := s.db.AgentsAfter(ctx, r.AfterOrg, r.AfterKey, n)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		a := &rows[i]
		phone, err := s.openOld(a.PhoneEnc, huifang.M("err.key.what.agent"), a.Code)
		if err != nil {
			return nil, err
		}
		a.PhoneEnc, a.PhoneHash = next.Seal(phone), next.Hash(phone)
	}
	return rows, nil
}

// resealPolicies reseals a chunk of policies. The row hash is recomputed from
// the policy as stored; for a policy whose phone was corrected after its
// import that is the corrected row, as the next import would see it.
func (s *Service) resealPolicies(ctx context.Context, r *huifang.KeyRotation, next *pii.Box, n int) ([]*huifang.PolicyRecord, error) {
	rows, err := s.db.PoliciesAfter(ctx, r.AfterOrg, r.AfterKey, n)
	if err != nil {
		return nil, err
	}
	for _, rec := range rows {
		p := rec.Policy
		if p.HolderID, err = s.openOld(rec.HolderIDEnc, huifang.M("err.key.what.policy"), p.No); err != nil {
			return nil, err
		}
		if p.HolderPhone, err = s.openOld(rec.HolderPhoneEnc, huifang.M("err.key.what.policy"), p.No); err != nil {
			return nil, err
		}
		rec.HolderIDEnc, rec.HolderIDHash = next.Seal(p.HolderID), next.Hash(p.HolderID)
		rec.HolderPhoneEnc, rec.HolderPhoneHash = next.Seal(p.HolderPhone), next.Hash(p.HolderPhone)
		rec.RowHash = next.Hash(canonical(p))
	}
	return rows, nil
}
