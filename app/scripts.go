package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// ImportScript stores a script file as a new draft version for the user's
// insurer, optionally as the override for one product.
func (s *Service) ImportScript(ctx context.Context, u *huifang.User, body, productCode string) (*huifang.ScriptRecord, error) {
	if err := require(u, huifang.PermImport); err != nil {
		return nil, err
	}
	sc, err := script.Parse(strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	if productCode = strings.TrimSpace(productCode); productCode != "" {
		if _, err := s.db.FindProduct(ctx, u.OrgID, productCode); err != nil {
			return nil, huifang.Errorf(huifang.EINVALID, "err.script.no_product", productCode)
		}
	}
	var canonical bytes.Buffer
	if err := sc.Format(&canonical); err != nil {
		return nil, err
	}
	r := &huifang.ScriptRecord{OrgID: u.OrgID, Code: sc.Code, Name: sc.Name, Purpose: string(sc.Purpose), Design: sc.Design, Channels: sc.Channels,
		ProductCode: productCode, Body: canonical.String(), CreatedAt: s.now(), CreatedBy: u.Login}
	return r, s.db.AddScript(ctx, r)
}

func (s *Service) ownScript(ctx context.Context, u *huifang.User, id int64) (*huifang.ScriptRecord, *script.Script, error) {
	if err := require(u, huifang.PermImport); err != nil {
		return nil, nil, err
	}
	r, err := s.db.FindScript(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.script.not_found", id)
	} else if err != nil {
		return nil, nil, err
	}
	sc, err := parseRecord(r)
	return r, sc, err
}

func badMove(r *huifang.ScriptRecord, want string) error {
	return huifang.Errorf(huifang.ECONFLICT, "err.script.bad_move", r.Code, r.Version, huifang.M("scripts.status."+r.Status), huifang.M("scripts.status."+want))
}

// FileScript files a draft with the regulator (报备).
func (s *Service) FileScript(ctx context.Context, u *huifang.User, id int64) error {
	r, _, err := s.ownScript(ctx, u, id)
	if err != nil {
		return err
	}
	if r.Status != "draft" {
		return badMove(r, "draft")
	}
	return s.db.MoveScript(ctx, u.OrgID, id, "draft", "filed", huifang.Date{}, actor(u), s.now())
}

// ActivateScript puts a filed script in force from a date (today or later).
// It is refused unless the script covers every item its product line needs.
func (s *Service) ActivateScript(ctx context.Context, u *huifang.User, id int64, from huifang.Date) error {
	r, sc, err := s.ownScript(ctx, u, id)
	if err != nil {
		return err
	}
	if r.Status != "filed" {
		return badMove(r, "filed")
	}
	if from.IsZero() || from.Before(s.today()) {
		return huifang.Errorf(huifang.EINVALID, "err.script.start_past")
	}
	if err := sc.CanActivate(); err != nil {
		return err
	}
	return s.db.MoveScript(ctx, u.OrgID, id, "filed", "active", from, actor(u), s.now())
}

// RetireScript takes an active script out of use.
func (s *Service) RetireScript(ctx context.Context, u *huifang.User, id int64) error {
	r, _, err := s.ownScript(ctx, u, id)
	if err != nil {
		return err
	}
	if r.Status != "active" {
		return badMove(r, "active")
	}
	return s.db.MoveScript(ctx, u.OrgID, id, "active", "retired", huifang.Date{}, actor(u), s.now())
}

// Scripts lists the scripts the user may see: an insurer's own, or, for a
// regulator's user, every filed and active script of the companies they
// oversee.
func (s *Service) Scripts(ctx context.Context, u *huifang.User) ([]huifang.ScriptRecord, error) {
	if u.Regulatory() {
		return s.db.ListScripts(ctx, huifang.ScriptFilter{Oversight: oversight(u)})
	}
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, err
	}
	return s.db.ListScripts(ctx, huifang.ScriptFilter{OrgID: u.OrgID})
}

// SelectScript chooses the script for a policy's callback on a date: the
// product's own active script, else the active script for its design type and
// channel, the newest in force; else the shipped standard script. The record
// is nil for a shipped script (version 0 in the callback's history).
func (s *Service) SelectScript(ctx context.Context, orgID int64, prod huifang.Product, channel huifang.Channel, on huifang.Date) (*script.Script, *huifang.ScriptRecord, error) {
	active, err := s.db.ListScripts(ctx, huifang.ScriptFilter{OrgID: orgID, Status: "active"})
	if err != nil {
		return nil, nil, err
	}
	fits := func(r huifang.ScriptRecord) bool {
		return r.Purpose == string(script.PurposeNewBusiness) && !r.ActiveFrom.After(on) &&
			(r.Design == "" || r.Design == prod.Design) && (len(r.Channels) == 0 || slices.Contains(r.Channels, channel))
	}
	var best *huifang.ScriptRecord
	better := func(r *huifang.ScriptRecord) bool {
		if best == nil {
			return true
		}
		if (r.ProductCode != "") != (best.ProductCode != "") {
			return r.ProductCode != ""
		}
		return r.ActiveFrom.After(best.ActiveFrom) || (r.ActiveFrom == best.ActiveFrom && r.Version > best.Version)
	}
	for i := range active {
		r := &active[i]
		if r.ProductCode != "" && r.ProductCode != prod.Code {
			continue
		}
		if fits(*r) && better(r) {
			best = r
		}
	}
	if best != nil {
		sc, err := parseRecord(best)
		return sc, best, err
	}
	if sc := shippedScript(prod.Design, channel); sc != nil {
		return sc, nil, nil
	}
	return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.script.no_standard", prod.Design.ZH(), channel.ZH())
}

// shippedScript chooses the shipped standard script for a design type and a
// channel: the one written for both; for broker sales, the design's agency
// script (a broker's salesperson is met in person as an agent is); then the
// channel's (for brokers, the agency's) traditional script, which serves
// accident products. Only a script that confirms every item the design and
// channel require is chosen, and never one that speaks of a person or place
// the channel has not: a telesales or internet customer bought from no agent
// and no bank outlet. nil when none fits.
func shippedScript(design huifang.DesignType, channel huifang.Channel) *script.Script {
	pick := func(d huifang.DesignType, ch huifang.Channel) *script.Script {
		return script.First(func(sc *script.Script) bool {
			return sc.Purpose == script.PurposeNewBusiness && sc.Design == d && (len(sc.Channels) == 0 || slices.Contains(sc.Channels, ch)) && sc.Fits(design, channel)
		})
	}
	like := channel
	if channel == huifang.ChannelBroker {
		like = huifang.ChannelAgency
	}
	for _, try := range []struct {
		d  huifang.DesignType
		ch huifang.Channel
	}{{design, channel}, {design, like}, {huifang.DesignTraditional, channel}, {huifang.DesignTraditional, like}} {
		if sc := pick(try.d, try.ch); sc != nil {
			return sc
		}
	}
	return nil
}

// parseRecord reads a stored script version. Its number is the store's: the
// file's own version field says which version it was when written.
func parseRecord(r *huifang.ScriptRecord) (*script.Script, error) {
	if sc := parsedScripts.get(r.Body); sc != nil {
		sc.Version = r.Version
		return sc, nil
	}
	sc, err := script.Parse(strings.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("script %d (%s v%d): %w", r.ID, r.Code, r.Version, err)
	}
	parsedScripts.put(r.Body, sc)
	sc.Version = r.Version
	return sc, nil
}

// parsedScripts keeps stored scripts parsed, by their text: the script of
// every operator's next and finish is one of a company's few active ones.
// It hands out clones, so a caller may change what it gets.
var parsedScripts = &scriptCache{m: map[string]*script.Script{}}

// maxParsedScripts bounds the cache; past it, it starts again empty.
const maxParsedScripts = 256

type scriptCache struct {
	mu sync.Mutex
	m  map[string]*script.Script
}

func (c *scriptCache) get(body string) *script.Script {
	c.mu.Lock()
	sc := c.m[body]
	c.mu.Unlock()
	if sc == nil {
		return nil
	}
	return sc.Clone()
}

func (c *scriptCache) put(body string, sc *script.Script) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxParsedScripts {
		clear(c.m)
	}
	c.m[body] = sc.Clone()
}
