package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/spotcheck"
)

// Spot checks (抽查, DOMAIN.md §8, docs/spot-checks.md). A regulator's
// supervisor draws a sample of the due callbacks of a period from some or
// all of the companies they follow (package spotcheck decides which), then
// they or a colleague they assign look at each sampled callback — answers,
// script version, attempts, the recording or the receipt — and record a
// verdict. A finding notifies the company's managers and opens a problem
// case there. Every company check goes through Overseen, so a supervisor
// sees only the items of the companies assigned to them.

// DrawInput is what a supervisor asks of a draw.
type DrawInput struct {
	Period    string   `json:"period"`    // 2026-03, 2026-Q1, 2026
	Companies []string `json:"companies"` // codes; empty: every company the user follows
	RateBP    int      `json:"rate_bp"`   // 0: the rule profile's
	Min       int      `json:"min"`       // 0: the rule profile's
	Seed      uint64   `json:"seed"`      // 0: a random seed, recorded
}

// overseenIDs returns the companies the user follows, by code, and their ids.
func (s *Service) overseenIDs(ctx context.Context, u *huifang.User) (map[string]huifang.Org, []int64, error) {
	orgs, err := s.Overseen(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	byCode := make(map[string]huifang.Org, len(orgs))
	ids := make([]int64, 0, len(orgs))
	for _, o := range orgs {
		byCode[o.Code] = o
		ids = append(ids, o.ID)
	}
	return byCode, ids, nil
}

// DrawSpotCheck draws and stores a sample. Audited.
func (s *Service) DrawSpotCheck(ctx context.Context, u *huifang.User, in DrawInput) (*huifang.SpotCheck, error) {
	if err := require(u, huifang.PermSpotCheck); err != nil {
		return nil, err
	}
	period, err := indicator.ParsePeriod(in.Period)
	if err != nil {
		return nil, err
	}
	var orgs []huifang.Org
	if len(in.Companies) == 0 {
		if orgs, err = s.Overseen(ctx, u); err != nil {
			return nil, err
		}
	} else {
		seen := map[string]bool{}
		for _, code := range in.Companies {
			code = strings.TrimSpace(code)
			if code == "" || seen[code] {
				continue
			}
			seen[code] = true
			o, err := s.oversees(ctx, u, code)
			if err != nil {
				return nil, err
			}
			orgs = append(orgs, *o)
		}
	}
	if len(orgs) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.spotcheck.no_companies")
	}
	slices.SortFunc(orgs, func(a, b huifang.Org) int { return strings.Compare(a.Code, b.Code) })
	v, err := s.ProfileFor(ctx, u.OrgID, s.today())
	if err != nil {
		return nil, err
	}
	p := spotcheck.Params{RateBP: in.RateBP, Min: in.Min, Seed: in.Seed}
	if p.RateBP == 0 {
		p.RateBP = v.Rules.SampleRate()
	}
	if p.Min == 0 {
		p.Min = v.Rules.SampleMinimum()
	}
	for p.Seed == 0 {
		p.Seed = rand.Uint64()
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	codes, ids := make([]string, len(orgs)), make([]int64, len(orgs))
	for i, o := range orgs {
		codes[i], ids[i] = o.Code, o.ID
	}
	pop, err := s.db.SpotCheckPopulation(ctx, ids, period.First(), period.Last())
	if err != nil {
		return nil, err
	}
	if len(pop) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.spotcheck.empty", period.String())
	}
	sample := spotcheck.Draw(pop, p)
	sc := &huifang.SpotCheck{RegulatorID: u.OrgID, Period: period.String(), Companies: codes, RateBP: p.RateBP, Min: p.Min, Seed: p.Seed,
		Population: len(pop), Size: len(sample.Items), DrawnBy: u.Login, DrawnByID: u.ID, DrawnAt: s.now()}
	items := make([]huifang.SpotCheckItem, len(sample.Items))
	for i, c := range sample.Items {
		items[i] = huifang.SpotCheckItem{CallbackID: c.ID, OrgID: c.OrgID, PolicyNo: c.PolicyNo, Channel: c.Channel, Product: c.Product, HadProblem: c.HadProblem}
	}
	if err := s.db.CreateSpotCheck(ctx, sc, items, actor(u)); err != nil {
		return nil, err
	}
	return sc, nil
}

// visibleCheck finds a sample of the user's regulator that shares a company
// with those the user follows; any other is not found.
func (s *Service) visibleCheck(ctx context.Context, u *huifang.User, id int64) (*huifang.SpotCheck, map[string]huifang.Org, []int64, error) {
	if err := require(u, huifang.PermSpotCheck); err != nil {
		return nil, nil, nil, err
	}
	byCode, ids, err := s.overseenIDs(ctx, u)
	if err != nil {
		return nil, nil, nil, err
	}
	sc, err := s.db.FindSpotCheck(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) || err == nil && !sharesCompany(sc, byCode) {
		return nil, nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.spotcheck.not_found", id)
	} else if err != nil {
		return nil, nil, nil, err
	}
	return sc, byCode, ids, nil
}

func sharesCompany(sc *huifang.SpotCheck, byCode map[string]huifang.Org) bool {
	for _, c := range sc.Companies {
		if _, ok := byCode[c]; ok {
			return true
		}
	}
	return false
}

// SpotChecks lists the samples of the user's regulator that cover a
// company the user follows, the latest first.
func (s *Service) SpotChecks(ctx context.Context, u *huifang.User, limit int) ([]huifang.SpotCheck, error) {
	if err := require(u, huifang.PermSpotCheck); err != nil {
		return nil, err
	}
	byCode, _, err := s.overseenIDs(ctx, u)
	if err != nil {
		return nil, err
	}
	all, err := s.db.ListSpotChecks(ctx, u.OrgID, limit)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, sc := range all {
		if sharesCompany(&sc, byCode) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// ItemQuery selects the items a sample's page shows.
type ItemQuery struct {
	Company string          // a company's code; "": every company the user follows
	Verdict huifang.Verdict // huifang.VerdictNone: not yet checked
	Mine    bool            // assigned to the user
	Limit   int
	Offset  int
}

// SpotCheckView is a sample as its page shows it: the items of the
// companies the user follows, progress over them.
type SpotCheckView struct {
	Check     *huifang.SpotCheck
	Progress  huifang.SpotCheckProgress
	Items     []huifang.SpotCheckItem
	Total     int           // items matching the query
	Companies []huifang.Org // the sample's companies the user follows
}

// SpotCheck shows a sample with the items the query selects.
func (s *Service) SpotCheck(ctx context.Context, u *huifang.User, id int64, q ItemQuery) (*SpotCheckView, error) {
	sc, byCode, ids, err := s.visibleCheck(ctx, u, id)
	if err != nil {
		return nil, err
	}
	f := huifang.SpotCheckItemFilter{RegulatorID: u.OrgID, SpotCheckID: sc.ID, OrgIDs: ids, Limit: q.Limit, Offset: q.Offset}
	if q.Company != "" {
		o, ok := byCode[q.Company]
		if !ok {
			return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", q.Company)
		}
		f.OrgID = o.ID
	}
	if q.Verdict != "" && q.Verdict != huifang.VerdictNone {
		if _, ok := huifang.ParseVerdict(string(q.Verdict)); !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.spotcheck.bad_verdict", q.Verdict)
		}
	}
	f.Verdict = q.Verdict
	if q.Mine {
		f.AssigneeID = u.ID
	}
	v := &SpotCheckView{Check: sc}
	if v.Progress, err = s.db.SpotCheckProgress(ctx, huifang.SpotCheckItemFilter{RegulatorID: u.OrgID, SpotCheckID: sc.ID, OrgIDs: ids}); err != nil {
		return nil, err
	}
	if v.Items, err = s.db.ListSpotCheckItems(ctx, f); err != nil {
		return nil, err
	}
	if v.Total, err = s.db.CountSpotCheckItems(ctx, f); err != nil {
		return nil, err
	}
	for _, c := range sc.Companies {
		if o, ok := byCode[c]; ok {
			v.Companies = append(v.Companies, o)
		}
	}
	return v, nil
}

// findItem finds an item of a visible sample whose company the user follows.
func (s *Service) findItem(ctx context.Context, u *huifang.User, checkID, itemID int64) (*huifang.SpotCheck, *huifang.SpotCheckItem, error) {
	sc, _, ids, err := s.visibleCheck(ctx, u, checkID)
	if err != nil {
		return nil, nil, err
	}
	it, err := s.db.FindSpotCheckItem(ctx, u.OrgID, sc.ID, itemID)
	if errors.Is(err, huifang.ErrNotFound) || err == nil && !slices.Contains(ids, it.OrgID) {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.spotcheck.item_not_found", itemID)
	} else if err != nil {
		return nil, nil, err
	}
	return sc, it, nil
}

// SpotCheckItemView is one sampled callback as the verdict page shows it.
type SpotCheckItemView struct {
	Check      *huifang.SpotCheck
	Item       *huifang.SpotCheckItem
	Company    *huifang.Org
	Work       *Work // the callback, its policy (masked), script, attempts, letter and electronic evidence
	Recordings []huifang.Recording
	// Colleagues are the regulator's supervisors an item may be assigned to.
	Colleagues []huifang.User
}

// SpotCheckItem shows a sampled callback with everything a verdict rests on.
func (s *Service) SpotCheckItem(ctx context.Context, u *huifang.User, checkID, itemID int64) (*SpotCheckItemView, error) {
	sc, it, err := s.findItem(ctx, u, checkID, itemID)
	if err != nil {
		return nil, err
	}
	org, err := s.db.FindOrgByID(ctx, it.OrgID)
	if err != nil {
		return nil, err
	}
	c, err := s.db.FindCallback(ctx, it.OrgID, it.CallbackID)
	if err != nil {
		return nil, fmt.Errorf("sampled callback %d: %w", it.CallbackID, err)
	}
	w, err := s.work(ctx, c)
	if err != nil {
		return nil, err
	}
	recs, err := s.db.ListRecordings(ctx, it.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	colleagues, err := s.colleagues(ctx, u)
	if err != nil {
		return nil, err
	}
	return &SpotCheckItemView{Check: sc, Item: it, Company: org, Work: w, Recordings: recs, Colleagues: colleagues}, nil
}

// colleagues lists the enabled users of the user's regulator who may check items.
func (s *Service) colleagues(ctx context.Context, u *huifang.User) ([]huifang.User, error) {
	us, err := s.db.ListUsers(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	out := us[:0]
	for _, x := range us {
		if !x.Disabled && x.Can(huifang.PermSpotCheck) && x.Regulatory() {
			out = append(out, x)
		}
	}
	return out, nil
}

// PlaySampledRecording opens a recording of a sampled callback, or a byte
// range of it (length < 0: to the end), for a supervisor who follows its
// company: the one way a regulator hears a recording (supervisors may not
// play recordings otherwise). A playback from the start is audited.
func (s *Service) PlaySampledRecording(ctx context.Context, u *huifang.User, checkID, itemID, recID, offset, length int64) (io.ReadCloser, *huifang.Recording, error) {
	sc, it, err := s.findItem(ctx, u, checkID, itemID)
	if err != nil {
		return nil, nil, err
	}
	if s.Blobs == nil {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.recording.no_storage")
	}
	rec, err := s.db.FindRecording(ctx, it.OrgID, recID)
	if errors.Is(err, huifang.ErrNotFound) || err == nil && rec.CallbackID != it.CallbackID {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.recording.not_found", recID)
	} else if err != nil {
		return nil, nil, err
	}
	body, err := s.openRecording(ctx, u, rec, offset, length, map[string]any{"company": it.OrgCode, "callback": it.CallbackID,
		"spot_check": sc.ID, "item": it.ID})
	return body, rec, err
}

// OpenSampledReceipt opens the signed receipt of a sampled letter or visit
// callback for a supervisor who follows its company. Audited.
func (s *Service) OpenSampledReceipt(ctx context.Context, u *huifang.User, checkID, itemID int64) (io.ReadCloser, *LetterEvidence, error) {
	sc, it, err := s.findItem(ctx, u, checkID, itemID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.FindCallback(ctx, it.OrgID, it.CallbackID)
	if err != nil {
		return nil, nil, err
	}
	ev, ok := LetterOf(c)
	if !ok {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.letter.no_receipt", c.ID)
	}
	if s.Blobs == nil {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.letter.no_receipt_storage")
	}
	body, err := s.openBlob(ctx, ev.Receipt.Key, ev.Receipt.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open receipt of callback %d: %w", c.ID, err)
	}
	if err := s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: u.OrgID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "callback",
		Key: fmt.Sprint(c.ID), Action: "view-receipt", Detail: jsonDetail(map[string]any{"company": it.OrgCode, "spot_check": sc.ID, "item": it.ID,
			"sha256": ev.Receipt.SHA256})}); err != nil {
		body.Close()
		return nil, nil, err
	}
	return body, ev, nil
}

// RevealSampledPhone shows the policyholder's full number of a sampled
// callback to the supervisor checking it, to call the customer: audited,
// and bounded per hour like an operator's reveals.
func (s *Service) RevealSampledPhone(ctx context.Context, u *huifang.User, checkID, itemID int64) (string, error) {
	sc, it, err := s.findItem(ctx, u, checkID, itemID)
	if err != nil {
		return "", err
	}
	rec, err := s.db.FindPolicy(ctx, it.OrgID, it.PolicyNo)
	if err != nil {
		return "", err
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return "", err
	}
	entry := huifang.AuditEntry{OrgID: u.OrgID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "policy", Key: it.PolicyNo, Action: "view-pii",
		Detail: jsonDetail(map[string]any{"field": "holder_phone", "company": it.OrgCode, "for": fmt.Sprintf("spot check %d item %d", sc.ID, it.ID)})}
	ok, limit, err := s.auditReveal(ctx, entry)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", huifang.Errorf(huifang.ETOOMANY, "err.phone.rate_limit", limit)
	}
	return phone, nil
}

// VerdictInput is a supervisor's verdict on a sampled callback.
type VerdictInput struct {
	Verdict huifang.Verdict `json:"verdict"`
	Note    string          `json:"note"`
}

// RecordVerdict records the verdict on an item, once. A finding (any
// verdict but consistent) needs a note, opens a problem case at the company
// of the type the verdict names (huifang.Verdict.CaseType), "opened by the
// regulator's spot check", and notifies the company's managers. Audited.
func (s *Service) RecordVerdict(ctx context.Context, u *huifang.User, checkID, itemID int64, in VerdictInput) (*huifang.SpotCheckItem, error) {
	if _, ok := huifang.ParseVerdict(string(in.Verdict)); !ok {
		return nil, huifang.Errorf(huifang.EINVALID, "err.spotcheck.bad_verdict", in.Verdict)
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 1000 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.spotcheck.note_too_long")
	}
	if in.Verdict.Finding() && in.Note == "" {
		return nil, huifang.Errorf(huifang.EINVALID, "err.spotcheck.note_required")
	}
	sc, it, err := s.findItem(ctx, u, checkID, itemID)
	if err != nil {
		return nil, err
	}
	if it.Verdict != "" {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.spotcheck.verdict_taken")
	}
	now := s.now()
	it.Verdict, it.Note, it.VerdictBy, it.VerdictByID, it.VerdictAt = in.Verdict, in.Note, u.Login, u.ID, now
	var pc *huifang.ProblemCase
	if in.Verdict.Finding() {
		rec, err := s.db.FindPolicy(ctx, it.OrgID, it.PolicyNo)
		if err != nil {
			return nil, fmt.Errorf("policy of sampled callback %d: %w", it.CallbackID, err)
		}
		t := in.Verdict.CaseType()
		opened := huifang.DateOf(now)
		due, limit, pid, err := s.deadline(ctx, it.OrgID, t, opened)
		if err != nil {
			return nil, err
		}
		detail := i18n.T(i18n.ZH, "spotcheck.case_detail", sc.ID, sc.Period, i18n.T(i18n.ZH, in.Verdict.Key()), in.Note)
		pc = &huifang.ProblemCase{OrgID: it.OrgID, CallbackID: it.CallbackID, PolicyNo: rec.No, Type: t, Detail: detail, BranchCode: rec.BranchCode,
			Channel: rec.Channel, AgentCode: rec.AgentCode, OpenedAt: now, OpenedBy: 0, OpenedOn: opened, DueOn: due, LimitDays: limit.Days,
			LimitWorking: limit.Working, ProfileID: pid}
	}
	if err := s.db.RecordVerdict(ctx, u.OrgID, it, pc, actor(u)); err != nil {
		return nil, err
	}
	if pc != nil {
		if err := s.notifyFinding(ctx, sc, it, pc); err != nil {
			s.Log.Warn("spot-check finding notification", "item", it.ID, "err", err)
		}
	}
	return it, nil
}

// notifyFinding tells the company's managers and administrators of a finding.
func (s *Service) notifyFinding(ctx context.Context, sc *huifang.SpotCheck, it *huifang.SpotCheckItem, pc *huifang.ProblemCase) error {
	us, err := s.db.ListUsers(ctx, it.OrgID)
	if err != nil {
		return err
	}
	verdict := i18n.T(i18n.ZH, it.Verdict.Key())
	subject := i18n.T(i18n.ZH, "mail.spotcheck.subject", it.PolicyNo, verdict)
	body := i18n.T(i18n.ZH, "mail.spotcheck.body", sc.ID, sc.Period, it.PolicyNo, verdict, it.Note, pc.ID, i18n.T(i18n.ZH, pc.Type.Key()), pc.DueOn)
	var ns []huifang.Notification
	for _, x := range us {
		if !x.Disabled && (x.Role == huifang.RoleManager || x.Role == huifang.RoleInsurerAdmin) {
			ns = append(ns, huifang.Notification{OrgID: it.OrgID, UserID: x.ID, At: it.VerdictAt, Kind: "spotcheck", Subject: subject, Body: body,
				Dedupe: fmt.Sprintf("spotcheck:%d", it.ID)})
		}
	}
	_, err = s.notify(ctx, ns, byID(us))
	return err
}

// AssignItems gives items of a sample to a colleague: an enabled user of
// the same regulator who may check samples. Only items of companies both
// follow change; it returns how many did. Audited.
func (s *Service) AssignItems(ctx context.Context, u *huifang.User, checkID int64, itemIDs []int64, assignee string) (int, error) {
	sc, _, ids, err := s.visibleCheck(ctx, u, checkID)
	if err != nil {
		return 0, err
	}
	colleagues, err := s.colleagues(ctx, u)
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(colleagues, func(x huifang.User) bool { return x.Login == strings.TrimSpace(assignee) })
	if i < 0 {
		return 0, huifang.Errorf(huifang.EINVALID, "err.spotcheck.bad_assignee", assignee)
	}
	if len(itemIDs) == 0 {
		return 0, huifang.Errorf(huifang.EINVALID, "err.spotcheck.no_items")
	}
	// Only items of companies both follow: a colleague could not open the others.
	_, theirs, err := s.overseenIDs(ctx, &colleagues[i])
	if err != nil {
		return 0, err
	}
	both := slices.DeleteFunc(ids, func(id int64) bool { return !slices.Contains(theirs, id) })
	return s.db.AssignSpotCheckItems(ctx, huifang.SpotCheckItemFilter{RegulatorID: u.OrgID, SpotCheckID: sc.ID, OrgIDs: both}, itemIDs,
		colleagues[i].ID, actor(u), s.now())
}

// ConsistencyRates is each company the user follows that has verdicts:
// consistent ÷ verdicts over the regulator's samples.
func (s *Service) ConsistencyRates(ctx context.Context, u *huifang.User) ([]huifang.Consistency, error) {
	if err := require(u, huifang.PermSpotCheck); err != nil {
		return nil, err
	}
	_, ids, err := s.overseenIDs(ctx, u)
	if err != nil {
		return nil, err
	}
	return s.db.SpotCheckConsistency(ctx, u.OrgID, ids)
}

// SpotCheckHeader is the header of a sample's export (检查底稿), in Chinese.
var SpotCheckHeader = zhSpot("company", "policy_no", "channel", "product", "result", "problem", "verdict", "note", "checker", "checked_at", "case")

func zhSpot(columns ...string) []string {
	h := make([]string, len(columns))
	for i, c := range columns {
		h[i] = i18n.T(i18n.ZH, "export.spotcheck.col."+c)
	}
	return h
}

// ExportSpotCheck writes a sample and its verdicts as CSV or XLSX (检查底稿):
// the items of the companies the user follows.
func (s *Service) ExportSpotCheck(ctx context.Context, u *huifang.User, id int64, format string, w io.Writer) (*huifang.SpotCheck, error) {
	sc, _, ids, err := s.visibleCheck(ctx, u, id)
	if err != nil {
		return nil, err
	}
	out, err := newRowWriter(w, format, "export.spotcheck.sheet", SpotCheckHeader)
	if err != nil {
		return nil, err
	}
	items, err := s.db.ListSpotCheckItems(ctx, huifang.SpotCheckItemFilter{RegulatorID: u.OrgID, SpotCheckID: sc.ID, OrgIDs: ids})
	if err != nil {
		out.Close()
		return nil, err
	}
	zh := func(key string) string { return i18n.T(i18n.ZH, key) }
	for _, it := range items {
		result, verdict, caseNo := "", "", ""
		if it.Result != "" {
			result = zh(it.Result.Key())
		}
		if it.Verdict != "" {
			verdict = zh(it.Verdict.Key())
		}
		if it.CaseID != 0 {
			caseNo = fmt.Sprint(it.CaseID)
		}
		if err := out.Write([]any{it.OrgCode, it.PolicyNo, it.Channel.ZH(), it.Product.ZH(), result, it.HadProblem, verdict, it.Note,
			it.VerdictBy, it.VerdictAt, caseNo}); err != nil {
			out.Close()
			return nil, err
		}
	}
	return sc, out.Close()
}

// SpotCheckColleagues lists the users of the user's regulator items may be
// assigned to.
func (s *Service) SpotCheckColleagues(ctx context.Context, u *huifang.User) ([]huifang.User, error) {
	if err := require(u, huifang.PermSpotCheck); err != nil {
		return nil, err
	}
	return s.colleagues(ctx, u)
}
