package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// ScriptCheck is what `huifang script check` says of a script: Invalid, its
// structural problems (a huifang.Error whose Fields name the steps), and
// Missing, the mandatory items no question covers. A draft may be saved with
// items missing; it cannot be activated until none are.
type ScriptCheck struct {
	Invalid error         `json:"-"`
	Missing []script.Item `json:"missing"`
}

// OK reports whether the script could be activated.
func (c ScriptCheck) OK() bool { return c.Invalid == nil && len(c.Missing) == 0 }

// CheckScript runs the checks of `script check` on a script being edited,
// for those who may edit scripts; nothing is stored.
func (s *Service) CheckScript(ctx context.Context, u *huifang.User, sc *script.Script) (ScriptCheck, error) {
	if err := require(u, huifang.PermImport); err != nil {
		return ScriptCheck{}, err
	}
	return ScriptCheck{Invalid: sc.Validate(), Missing: sc.Missing()}, nil
}

// SaveScriptDraft replaces a draft version by the script as edited; it stays
// a draft. Its code is the version's (a new code is a new script, imported);
// a script with structural problems is refused with them all, as an import
// is, and nothing is stored. Missing items do not stop a draft.
func (s *Service) SaveScriptDraft(ctx context.Context, u *huifang.User, id int64, sc *script.Script) (*huifang.ScriptRecord, error) {
	r, _, err := s.ownScript(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if r.Status != "draft" {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.script.edit_not_draft", r.Code, r.Version, huifang.M("scripts.status."+r.Status))
	}
	if strings.TrimSpace(sc.Code) != r.Code {
		return nil, &huifang.Error{Code: huifang.EINVALID, Key: "err.script.edit_code", Args: []any{r.Code},
			Fields: []huifang.FieldError{huifang.Field("code", "err.script.edit_code", r.Code)}}
	}
	sc = sc.Clone()
	sc.Version = r.Version
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if err := sc.Format(&body); err != nil {
		return nil, err
	}
	r.Name, r.Purpose, r.Design, r.Channels, r.Body = sc.Name, string(sc.Purpose), sc.Design, sc.Channels, body.String()
	if err := s.db.SaveScriptDraft(ctx, r, actor(u), s.now()); err != nil {
		return nil, err
	}
	return r, nil
}

// ScriptChanges is a version and what changed from the one before it: the
// organisation's previous version of the code, or, for a first version, the
// shipped script of the code it was started from (Base says which; none
// when there is neither).
type ScriptChanges struct {
	Base string // "code vN", "" when there is nothing before
	// BaseLibrary: the version before is the shipped standard script.
	BaseLibrary bool
	Diff        script.Diff
}

// ScriptDiff says what a version of the insurer's changes from the one
// before it, to be read before it is filed.
func (s *Service) ScriptDiff(ctx context.Context, u *huifang.User, id int64) (*ScriptChanges, error) {
	return s.ScriptDiffOf(ctx, u, id, nil)
}

// ScriptDiffOf is ScriptDiff for the version as being edited (edited; nil
// for the version as stored).
func (s *Service) ScriptDiffOf(ctx context.Context, u *huifang.User, id int64, edited *script.Script) (*ScriptChanges, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, err
	}
	r, err := s.db.FindScript(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.script.not_found", id)
	} else if err != nil {
		return nil, err
	}
	sc := edited
	if sc == nil {
		if sc, err = parseRecord(r); err != nil {
			return nil, err
		}
	}
	rs, err := s.db.ListScripts(ctx, huifang.ScriptFilter{OrgID: u.OrgID})
	if err != nil {
		return nil, err
	}
	var prev *huifang.ScriptRecord
	for i := range rs {
		if p := &rs[i]; p.Code == r.Code && p.Version < r.Version && (prev == nil || p.Version > prev.Version) {
			prev = p
		}
	}
	out := &ScriptChanges{}
	var base *script.Script
	switch lib := script.Lookup(r.Code); {
	case prev != nil:
		if base, err = parseRecord(prev); err != nil {
			return nil, err
		}
	case lib != nil:
		base, out.BaseLibrary = lib, true
	default:
		base = &script.Script{Code: sc.Code}
	}
	if prev != nil || out.BaseLibrary {
		out.Base = fmt.Sprintf("%s v%d", base.Code, base.Version)
	}
	out.Diff = script.Compare(base, sc)
	return out, nil
}
