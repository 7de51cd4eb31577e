package app

import (
	"context"
	"errors"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/misconduct"
)

// Agents' misconduct records (营销员不良行为记录, DOMAIN.md §6,
// docs/misconduct.md). A problem case of a type attributable to the selling
// agent (signed by another, false phone number, misleading sale) proposes a
// record in the step that closes it, either way; the insurer's compliance
// confirms it with a category and a reason, or rejects it with a reason. An
// insurer sees its own records; a regulator's supervisor finds an agent's
// confirmed records across its companies.

// misconductProposal is the record a workflow step proposes: when the step
// finishes a case of such a type on a policy whose agent is known, its
// facts are the case's timeline with the step's events. Nil otherwise.
func (s *Service) misconductProposal(ctx context.Context, c *huifang.ProblemCase, step []huifang.CaseEvent) (*huifang.MisconductRecord, error) {
	if _, ok := misconduct.Proposes(c.Type); !ok || !c.Status.Final() || strings.TrimSpace(c.AgentCode) == "" {
		return nil, nil
	}
	evs, err := s.db.ListEvents(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	return misconduct.Propose(c, huifang.Agent{}, misconduct.Facts(append(evs, step...)), s.now()), nil
}

// misconductScope checks that the user may see an insurer's records: its
// compliance, or those who see its risks (administrators, managers).
func misconductScope(u *huifang.User) error {
	if err := require(u, huifang.PermMisconduct); err == nil {
		return nil
	}
	return require(u, huifang.PermViewRisks)
}

// MisconductRecords lists the records of the user's insurer.
func (s *Service) MisconductRecords(ctx context.Context, u *huifang.User, f huifang.MisconductFilter) ([]huifang.MisconductRecord, error) {
	if err := misconductScope(u); err != nil {
		return nil, err
	}
	f.OrgID = u.OrgID
	return s.listMisconduct(ctx, f)
}

func (s *Service) listMisconduct(ctx context.Context, f huifang.MisconductFilter) ([]huifang.MisconductRecord, error) {
	if f.Status != "" {
		if _, ok := huifang.ParseMisconductStatus(string(f.Status)); !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.misconduct.bad_status", f.Status)
		}
	}
	f.RegNo, f.AgentCode = strings.TrimSpace(f.RegNo), strings.TrimSpace(f.AgentCode)
	if f.Limit <= 0 || f.Limit > 2000 {
		f.Limit = 2000
	}
	return s.db.ListMisconduct(ctx, f)
}

// MisconductRecord finds one record of the user's insurer.
func (s *Service) MisconductRecord(ctx context.Context, u *huifang.User, id int64) (*huifang.MisconductRecord, error) {
	if err := misconductScope(u); err != nil {
		return nil, err
	}
	return s.findMisconduct(ctx, u.OrgID, id)
}

func (s *Service) findMisconduct(ctx context.Context, orgID, id int64) (*huifang.MisconductRecord, error) {
	r, err := s.db.FindMisconduct(ctx, orgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.misconduct.not_found", id)
	}
	return r, err
}

// DecideMisconduct confirms (with a category and a reason) or rejects (with
// a reason) a proposed record of the user's insurer. Compliance only;
// audited.
func (s *Service) DecideMisconduct(ctx context.Context, u *huifang.User, id int64, d misconduct.Decision) (*huifang.MisconductRecord, error) {
	if err := require(u, huifang.PermMisconduct); err != nil {
		return nil, err
	}
	return s.decideMisconduct(ctx, u.OrgID, id, d, actor(u))
}

func (s *Service) decideMisconduct(ctx context.Context, orgID, id int64, d misconduct.Decision, a huifang.Actor) (*huifang.MisconductRecord, error) {
	r, err := s.findMisconduct(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if err := misconduct.Decide(r, d, a.Name, s.now()); err != nil {
		return nil, err
	}
	if err := s.db.DecideMisconduct(ctx, r, a); err != nil {
		if errors.Is(err, huifang.ErrNotFound) {
			return nil, huifang.Errorf(huifang.ENOTFOUND, "err.misconduct.not_found", id)
		}
		return nil, err
	}
	return r, nil
}

// MisconductOf lists an insurer's records for the command line.
func (s *Service) MisconductOf(ctx context.Context, orgCode string, f huifang.MisconductFilter) ([]huifang.MisconductRecord, error) {
	org, err := s.misconductOrg(ctx, orgCode)
	if err != nil {
		return nil, err
	}
	f.OrgID = org.ID
	return s.listMisconduct(ctx, f)
}

// DecideMisconductOf decides an insurer's record from the command line,
// audited as the command line.
func (s *Service) DecideMisconductOf(ctx context.Context, orgCode string, id int64, d misconduct.Decision) (*huifang.MisconductRecord, error) {
	org, err := s.misconductOrg(ctx, orgCode)
	if err != nil {
		return nil, err
	}
	return s.decideMisconduct(ctx, org.ID, id, d, actor(CLI()))
}

func (s *Service) misconductOrg(ctx context.Context, code string) (*huifang.Org, error) {
	org, err := s.Org(ctx, CLI(), code)
	if err != nil {
		return nil, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, huifang.Errorf(huifang.EINVALID, "err.misconduct.insurer_required", code)
	}
	return org, nil
}

// SearchMisconduct finds an agent's confirmed records at every company the
// regulator's user oversees, by name (a part of it) or registration
// number (exactly).
func (s *Service) SearchMisconduct(ctx context.Context, u *huifang.User, name, regNo string) ([]huifang.MisconductRecord, error) {
	if err := require(u, huifang.PermSupervise); err != nil {
		return nil, err
	}
	name, regNo = strings.TrimSpace(name), strings.TrimSpace(regNo)
	if name == "" && regNo == "" {
		e := huifang.Errorf(huifang.EINVALID, "err.misconduct.search_empty")
		e.Fields = []huifang.FieldError{{Field: "q", Key: "err.misconduct.search_empty"}}
		return nil, e
	}
	return s.db.SearchMisconduct(ctx, huifang.MisconductSearch{Oversight: oversight(u), Name: name, RegNo: regNo, Limit: 500})
}

// MisconductNotice tells an administrator who imported agents how many of
// them carry confirmed misconduct records at other companies under the same
// regulator, and how many records: numbers only, never the details.
type MisconductNotice struct {
	Agents  int `json:"agents"`
	Records int `json:"records"`
}

// misconductNotice counts, for agents just imported, the confirmed records
// of their registration numbers at the regulator's other companies; nil
// when there are none.
func (s *Service) misconductNotice(ctx context.Context, orgID int64, kind importer.Kind, items []any) (*MisconductNotice, error) {
	if kind != importer.KindAgents {
		return nil, nil
	}
	var nos []string
	for _, it := range items {
		if a, ok := it.(huifang.Agent); ok && a.RegNo != "" {
			nos = append(nos, a.RegNo)
		}
	}
	if len(nos) == 0 {
		return nil, nil
	}
	counts, err := s.db.CountMisconductElsewhere(ctx, orgID, nos)
	if err != nil || len(counts) == 0 {
		return nil, err
	}
	n := &MisconductNotice{}
	for _, c := range counts {
		n.Agents++
		n.Records += c
	}
	return n, nil
}

// misconductBySeller adds each agent's confirmed record count to the rows
// of a breakdown by seller.
func (s *Service) misconductBySeller(ctx context.Context, orgID int64, rows []indicator.Row) error {
	counts, err := s.db.CountMisconductByAgent(ctx, orgID)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Misconduct = int64(counts[rows[i].Key])
	}
	return nil
}
