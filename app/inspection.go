package app

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/sheet"
)

// MaxRevealReason bounds the stated reason for an unmasked package.
const MaxRevealReason = 500

// InspectionFormat names the layout of a package, written in its manifest.
const InspectionFormat = "huifang-inspection/1"

// InspectionManifest is manifest.json of an on-site inspection package:
// what it covers, who made it, whether personal data is masked, and how
// many of each thing it holds. SHA256SUMS covers it with every other file.
type InspectionManifest struct {
	Format         string                   `json:"format"`
	CompanyCode    string                   `json:"company_code"`
	CompanyName    string                   `json:"company_name"`
	From           string                   `json:"from"`
	To             string                   `json:"to"`
	GeneratedAt    time.Time                `json:"generated_at"`
	GeneratedBy    string                   `json:"generated_by"`     // login ("cli" on the command line)
	GeneratedByOrg string                   `json:"generated_by_org"` // the regulator's code; "" on the command line
	Masked         bool                     `json:"masked"`
	RevealReason   string                   `json:"reveal_reason,omitempty"`
	Counts         huifang.InspectionCounts `json:"counts"`
	// Missing lists files the records name that the blob store does not
	// hold; Mismatched, files whose bytes no longer hash to the checksum
	// recorded when they were stored (they are in the package as read).
	// Each lists the first MaxListed; the totals count them all.
	Missing         []string `json:"missing,omitempty"`
	MissingTotal    int      `json:"missing_total"`
	Mismatched      []string `json:"mismatched,omitempty"`
	MismatchedTotal int      `json:"mismatched_total"`
	Files           int      `json:"files"` // every file but SHA256SUMS
}

// MaxListed is how many missing or mismatched files a manifest names.
const MaxListed = 1000

// missing and mismatched note a file the blob store could not give as
// recorded.
func (m *InspectionManifest) missing(name string) {
	if m.MissingTotal++; len(m.Missing) < MaxListed {
		m.Missing = append(m.Missing, name)
	}
}

func (m *InspectionManifest) mismatched(name string) {
	if m.MismatchedTotal++; len(m.Mismatched) < MaxListed {
		m.Mismatched = append(m.Mismatched, name)
	}
}

// InspectionRequest is what a package is asked for: a company, a range of
// dates (both included) and, for personal data unmasked, a reason.
type InspectionRequest struct {
	Org      string
	From, To huifang.Date
	Reason   string
}

// Inspect writes the on-site inspection package (现场检查, docs/inspection.md)
// of a company's date range to w as one ZIP, streamed: every table is read
// row by row from the store and written as it comes, every recording,
// receipt and document is copied from the blob store, and each file's
// SHA-256 is computed as it is written; SHA256SUMS comes last. Personal data
// is masked unless the request states a reason, which is audited and
// written into the manifest. A regulator's user may inspect only the
// companies it oversees; the command line (app.CLI: RoleAdmin without a
// user id) any insurer.
// Nothing is written to w before the request is checked and audited.
func (s *Service) Inspect(ctx context.Context, u *huifang.User, in InspectionRequest, w io.Writer) (*InspectionManifest, error) {
	org, err := s.CheckInspection(ctx, u, in)
	if err != nil {
		return nil, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	m := &InspectionManifest{Format: InspectionFormat, CompanyCode: org.Code, CompanyName: org.Name, From: in.From.String(), To: in.To.String(),
		GeneratedAt: s.now(), GeneratedBy: u.Login, Masked: in.Reason == "", RevealReason: in.Reason}
	if u.OrgID != 0 {
		reg, err := s.db.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		m.GeneratedByOrg = reg.Code
	}
	if err := s.auditInspection(ctx, u, org, m); err != nil {
		return nil, err
	}
	p := &inspectionPackage{s: s, zw: zip.NewWriter(w), sc: huifang.InspectionScope{OrgID: org.ID, From: in.From, To: in.To}, m: m, now: m.GeneratedAt}
	err = s.db.ReadInspection(ctx, func(r huifang.InspectionReader) error {
		p.r = r
		return p.write(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("inspection package of %s: %w", org.Code, err)
	}
	return m, nil
}

// CheckInspection says whether the user may have the package asked for,
// and returns the company: Inspect's checks, for a page that asks before
// it sends the user to the download.
func (s *Service) CheckInspection(ctx context.Context, u *huifang.User, in InspectionRequest) (*huifang.Org, error) {
	if err := require(u, huifang.PermInspect); err != nil {
		return nil, err
	}
	org, err := s.inspected(ctx, u, in.Org)
	if err != nil {
		return nil, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := checkInspection(in); err != nil {
		return nil, err
	}
	if s.Box == nil {
		return nil, huifang.Errorf(huifang.EINVALID, "err.inspection.no_key")
	}
	return org, nil
}

// inspected finds the company to inspect: for a regulator's user one it
// oversees (so that supervisor assignments apply), for the command line
// any insurer.
func (s *Service) inspected(ctx context.Context, u *huifang.User, code string) (*huifang.Org, error) {
	if u.Role != huifang.RoleAdmin || u.ID != 0 {
		// Only the command line (RoleAdmin without a user id) reaches every
		// insurer; a signed-in user goes through the companies it follows.
		return s.oversees(ctx, u, code)
	}
	o, err := s.db.FindOrgByCode(ctx, code)
	if errors.Is(err, huifang.ErrNotFound) || err == nil && o.Kind != huifang.KindInsurer {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", code)
	} else if err != nil {
		return nil, err
	}
	return o, nil
}

// checkInspection refuses a missing or reversed range, one too long, and a
// reason too long.
func checkInspection(in InspectionRequest) error {
	switch {
	case in.From.IsZero() || in.To.IsZero():
		return huifang.Errorf(huifang.EINVALID, "err.inspection.dates")
	case in.To.Before(in.From):
		return huifang.Errorf(huifang.EINVALID, "err.inspection.order", in.From, in.To)
	case in.From.DaysUntil(in.To)+1 > huifang.MaxInspectionDays:
		return huifang.Errorf(huifang.EINVALID, "err.inspection.too_long", huifang.MaxInspectionDays)
	case utf8.RuneCountInString(in.Reason) > MaxRevealReason:
		return huifang.Errorf(huifang.EINVALID, "err.inspection.reason_long", MaxRevealReason)
	}
	return nil
}

// auditInspection records the export, before any of it is written, in the
// company's audit trail and in the regulator's: an unmasked one with its
// reason (action "export-unmasked").
func (s *Service) auditInspection(ctx context.Context, u *huifang.User, org *huifang.Org, m *InspectionManifest) error {
	action := "export"
	if !m.Masked {
		action = "export-unmasked"
	}
	detail := map[string]any{"company": org.Code, "from": m.From, "to": m.To, "by_org": m.GeneratedByOrg, "masked": m.Masked}
	if !m.Masked {
		detail["reason"] = m.RevealReason
	}
	e := huifang.AuditEntry{OrgID: org.ID, At: m.GeneratedAt, UserID: u.ID, Actor: u.Login, Entity: "inspection",
		Key: m.From + ".." + m.To, Action: action, Detail: jsonDetail(detail)}
	entries := []huifang.AuditEntry{e}
	if u.OrgID != 0 && u.OrgID != org.ID {
		e.OrgID, e.Key = u.OrgID, org.Code+" "+m.From+".."+m.To
		entries = append(entries, e)
	}
	return s.db.AppendAudit(ctx, entries...)
}

// inspectionPackage writes one package: its files in order, each hashed as
// it is written.
type inspectionPackage struct {
	s   *Service
	r   huifang.InspectionReader // the rows, from one snapshot
	zw  *zip.Writer
	sc  huifang.InspectionScope
	m   *InspectionManifest
	now time.Time
	// sums are the files' checksums, for SHA256SUMS: one per file, which
	// the ZIP's own directory also keeps until the end.
	sums []fileSum
	// scripts are the script versions the callbacks ran, collected on the
	// way through them (a company has a few dozen).
	scripts map[scriptRef]bool
}

type fileSum struct {
	name string
	sum  [sha256.Size]byte
}

type scriptRef struct {
	id      int64
	code    string
	version int
}

// file writes one file of the package through fn, compressed or stored as
// it is (recordings and scans are compressed already), hashing it.
func (p *inspectionPackage) file(name string, compress bool, fn func(w io.Writer) error) error {
	h := &zip.FileHeader{Name: name, Modified: p.now, Method: zip.Store}
	if compress {
		h.Method = zip.Deflate
	}
	zf, err := p.zw.CreateHeader(h)
	if err != nil {
		return err
	}
	sum := sha256.New()
	if err := fn(io.MultiWriter(zf, sum)); err != nil {
		return err
	}
	p.add(name, sum)
	return nil
}

func (p *inspectionPackage) add(name string, h hash.Hash) {
	var fs fileSum
	fs.name = name
	h.Sum(fs.sum[:0])
	p.sums = append(p.sums, fs)
}

// csv writes one CSV file: its header (the catalog's Chinese column names
// inspection.col.*) and the rows rows hands to row.
func (p *inspectionPackage) csv(name string, cols []string, rows func(row func([]any) error) error) error {
	return p.file(name, true, func(w io.Writer) error {
		header := make([]string, len(cols))
		for i, c := range cols {
			header[i] = i18n.T(i18n.ZH, "inspection.col."+c)
		}
		cw, err := sheet.NewCSVWriter(w, header)
		if err != nil {
			return err
		}
		if err := rows(cw.Write); err != nil {
			return err
		}
		return cw.Close()
	})
}

func (p *inspectionPackage) write(ctx context.Context) error {
	steps := []func(context.Context) error{p.policies, p.callbacks, p.attempts, p.answers, p.scriptFiles,
		p.cases, p.events, p.recordings, p.receipts, p.evidence, p.audit, p.manifest}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return p.checksums()
}

func (p *inspectionPackage) policies(ctx context.Context) error {
	box, masked := p.s.Box, p.m.Masked
	return p.csv("policies.csv", []string{"policy_no", "product", "channel", "branch", "agent", "outlet", "holder_name", "holder_id",
		"holder_birth", "holder_phone", "insured_name", "applied_on", "issued_on", "receipt_on", "premium", "pay_mode", "pay_years",
		"term_years", "whole_life", "callback_method", "policy_status"}, func(row func([]any) error) error {
		return p.r.ForEachInspectedPolicy(ctx, p.sc, func(r *huifang.PolicyRecord) error {
			id, err := box.Open(r.HolderIDEnc)
			if err != nil {
				return fmt.Errorf("policy %s: %w", r.No, err)
			}
			phone, err := box.Open(r.HolderPhoneEnc)
			if err != nil {
				return fmt.Errorf("policy %s: %w", r.No, err)
			}
			holder, insured, birth := r.HolderName, r.InsuredName, any(r.HolderBirth)
			if masked {
				id, phone, holder, insured = pii.MaskID(id), pii.MaskPhone(phone), pii.MaskName(holder), pii.MaskName(insured)
				if !r.HolderBirth.IsZero() {
					birth = r.HolderBirth.Year() // the ID number's birth date is masked too
				}
			}
			p.m.Counts.Policies++
			return row([]any{r.No, r.ProductCode, zhName(r.Channel, r.Channel.Key()), r.BranchCode, r.AgentCode, r.OutletCode, holder, id,
				birth, phone, insured, r.AppliedOn, r.IssuedOn, r.ReceiptOn, fmt.Sprintf("%.2f", float64(r.PremiumFen)/100), zhName(r.PayMode, r.PayMode.Key()),
				r.PayYears, r.Term.Years, r.Term.WholeLife, zhName(r.CallbackMethod, r.CallbackMethod.Key()), i18n.T(i18n.ZH, r.Status.Key())})
		})
	})
}

// scriptFile is where a script version is in the package: a stored
// version by its id, a shipped standard script by its code.
func scriptFile(r scriptRef) string {
	if r.id == 0 {
		return fmt.Sprintf("scripts/standard-%s-v%d.json", safeName(r.code), r.version)
	}
	return fmt.Sprintf("scripts/%d-%s-v%d.json", r.id, safeName(r.code), r.version)
}

// receiptFile is where a letter's signed receipt is in the package.
func receiptFile(c *huifang.Callback, ev *LetterEvidence) string {
	return "receipts/" + fmt.Sprint(c.ID) + safeExt(ev.Receipt.Key)
}

func (p *inspectionPackage) callbacks(ctx context.Context) error {
	p.scripts = map[scriptRef]bool{}
	return p.csv("callbacks.csv", []string{"callback_id", "policy_no", "kind", "channel", "branch", "due_on", "status", "result", "reason",
		"late", "attempts", "method", "finished_at", "finished_by", "script", "script_file", "case_id", "created_at", "electronic_evidence", "receipt_file"},
		func(row func([]any) error) error {
			return p.r.ForEachInspectedCallback(ctx, p.sc, false, func(c *huifang.Callback) error {
				var sfile, receipt, evidence string
				if c.ScriptCode != "" {
					r := scriptRef{c.ScriptID, c.ScriptCode, c.ScriptVersion}
					p.scripts[r] = true
					sfile = scriptFile(r)
				}
				if ev, ok := LetterOf(c); ok {
					receipt = receiptFile(c, ev)
				} else if c.Method == huifang.MethodElectronic {
					evidence = p.electronicEvidence(c)
				}
				late := c.Status == huifang.StatusDone && c.Late
				p.m.Counts.Callbacks++
				var script string
				if c.ScriptCode != "" {
					script = fmt.Sprintf("%s v%d", c.ScriptCode, c.ScriptVersion)
				}
				return row([]any{c.ID, c.PolicyNo, zhName(c.Kind, c.Kind.Key()), zhName(c.Channel, c.Channel.Key()), c.BranchCode, c.DueOn,
					zhName(c.Status, c.Status.Key()), zhName(c.Result, c.Result.Key()), c.Reason, late, c.Attempts, zhName(c.Method, c.Method.Key()),
					c.FinishedAt, c.FinishedBy, script, sfile, c.CaseID, c.CreatedAt, evidence, receipt})
			})
		})
}

// electronicEvidence is an electronic callback's evidence as the package
// gives it: masked, the customer's IP address keeps its network part only.
func (p *inspectionPackage) electronicEvidence(c *huifang.Callback) string {
	if !p.m.Masked {
		return c.Evidence
	}
	ev := ParseElectronicEvidence(c)
	if ev == nil {
		return ""
	}
	ev.IP = maskIP(ev.IP)
	return jsonDetail(ev)
}

// maskIP keeps the first two parts of an IPv4 address (203.0.*.*) or the
// first two groups of an IPv6 one.
func maskIP(ip string) string {
	sep := "."
	if strings.Contains(ip, ":") {
		sep = ":"
	}
	parts := strings.Split(ip, sep)
	if len(parts) < 3 {
		return strings.Repeat("*", len(ip))
	}
	for i := 2; i < len(parts); i++ {
		parts[i] = "*"
	}
	return strings.Join(parts, sep)
}

func (p *inspectionPackage) attempts(ctx context.Context) error {
	return p.csv("attempts.csv", []string{"attempt_id", "callback_id", "user_id", "at", "outcome", "note", "schedule_at"}, func(row func([]any) error) error {
		return p.r.ForEachInspectedAttempt(ctx, p.sc, func(a *huifang.Attempt) error {
			p.m.Counts.Attempts++
			return row([]any{a.ID, a.CallbackID, a.UserID, a.At, zhName(a.Outcome, a.Outcome.Key()), a.Note, a.ScheduleAt})
		})
	})
}

// answers writes one row per answered step of each callback, in the order
// of the step ids.
func (p *inspectionPackage) answers(ctx context.Context) error {
	return p.csv("answers.csv", []string{"callback_id", "policy_no", "script", "step", "answer"}, func(row func([]any) error) error {
		return p.r.ForEachInspectedCallback(ctx, p.sc, false, func(c *huifang.Callback) error {
			if len(c.Answers) == 0 {
				return nil
			}
			steps := make([]string, 0, len(c.Answers))
			for id := range c.Answers {
				steps = append(steps, id)
			}
			sort.Strings(steps)
			var script string
			if c.ScriptCode != "" {
				script = fmt.Sprintf("%s v%d", c.ScriptCode, c.ScriptVersion)
			}
			for _, id := range steps {
				p.m.Counts.Answers++
				if err := row([]any{c.ID, c.PolicyNo, script, id, string(c.Answers[id])}); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// scriptFiles writes the text of every script version the callbacks ran: a
// stored version as it was filed, a shipped one as the library has it (when
// the library's version is the one the callback ran).
func (p *inspectionPackage) scriptFiles(ctx context.Context) error {
	refs := make([]scriptRef, 0, len(p.scripts))
	for r := range p.scripts {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool { return scriptFile(refs[i]) < scriptFile(refs[j]) })
	for _, r := range refs {
		name := scriptFile(r)
		var write func(io.Writer) error
		if r.id != 0 {
			rec, err := p.s.db.FindScript(ctx, p.sc.OrgID, r.id)
			if errors.Is(err, huifang.ErrNotFound) {
				p.m.missing(name)
				continue
			} else if err != nil {
				return err
			}
			write = func(w io.Writer) error { _, err := io.WriteString(w, rec.Body); return err }
		} else {
			sc := script.Lookup(r.code)
			if sc == nil || sc.Version != r.version {
				p.m.missing(name)
				continue
			}
			write = sc.Format
		}
		if err := p.file(name, true, write); err != nil {
			return err
		}
		p.m.Counts.Scripts++
	}
	return nil
}

func (p *inspectionPackage) cases(ctx context.Context) error {
	return p.csv("cases.csv", []string{"case_id", "callback_id", "policy_no", "case_type", "case_status", "detail", "branch", "channel", "agent",
		"opened_at", "opened_on", "case_due_on", "limit_days", "limit_working", "holder_branch", "handler_id", "recallback_id",
		"resolved_at", "closed_at", "close_code", "close_reason", "escalated_at"}, func(row func([]any) error) error {
		return p.r.ForEachInspectedCase(ctx, p.sc, func(c *huifang.ProblemCase) error {
			p.m.Counts.Cases++
			return row([]any{c.ID, c.CallbackID, c.PolicyNo, zhName(c.Type, c.Type.Key()), zhName(c.Status, c.Status.Key()), c.Detail, c.BranchCode,
				zhName(c.Channel, c.Channel.Key()), c.AgentCode, c.OpenedAt, c.OpenedOn, c.DueOn, c.LimitDays, c.LimitWorking, c.HolderBranch,
				c.HandlerID, c.RecallbackID, c.ResolvedAt, c.ClosedAt, zhName(c.CloseCode, c.CloseCode.Key()), c.CloseReason, c.EscalatedAt})
		})
	})
}

func (p *inspectionPackage) events(ctx context.Context) error {
	return p.csv("case_events.csv", []string{"event_id", "case_id", "at", "user_id", "actor", "event", "detail", "evidence_file"}, func(row func([]any) error) error {
		return p.r.ForEachInspectedEvent(ctx, p.sc, func(e *huifang.CaseEvent) error {
			var file string
			if e.EvidenceID != 0 {
				file = fmt.Sprintf("evidence/%d-%d", e.CaseID, e.EvidenceID)
			}
			p.m.Counts.CaseEvents++
			return row([]any{e.ID, e.CaseID, e.At, e.UserID, e.Actor, e.Kind, e.Detail, file})
		})
	})
}

// blobFile copies one object of the blob store into the package, checked
// against the checksum recorded when it was stored. An object the store
// does not hold is listed as missing; one whose bytes changed is written as
// read and listed as mismatched. Any other failure ends the package.
func (p *inspectionPackage) blobFile(ctx context.Context, name, key, sha string) (bool, error) {
	if p.s.Blobs == nil {
		p.m.missing(name)
		return false, nil
	}
	body, err := p.s.openBlob(ctx, key, sha)
	if errors.Is(err, blob.ErrNotFound) {
		p.m.missing(name)
		return false, nil
	}
	mismatch := errors.Is(err, blob.ErrChecksum)
	if mismatch {
		// The store's own checksum differs from the record's: read it
		// unchecked, as it is.
		var rerr error
		if body, _, rerr = p.s.Blobs.Get(ctx, key); rerr != nil {
			return false, rerr
		}
	} else if err != nil {
		return false, err
	}
	defer body.Close()
	err = p.file(name, false, func(w io.Writer) error {
		_, err := io.Copy(w, body)
		if errors.Is(err, blob.ErrChecksum) {
			mismatch = true
			return nil
		}
		return err
	})
	if mismatch {
		p.m.mismatched(name)
	}
	return err == nil, err
}

func (p *inspectionPackage) recordings(ctx context.Context) error {
	return p.r.ForEachInspectedRecording(ctx, p.sc, func(r *huifang.Recording) error {
		name := fmt.Sprintf("recordings/%d-%d%s", r.CallbackID, r.ID, safeExt("x."+r.Format))
		ok, err := p.blobFile(ctx, name, r.Key, r.SHA256)
		if ok {
			p.m.Counts.Recordings++
		}
		return err
	})
}

func (p *inspectionPackage) receipts(ctx context.Context) error {
	return p.r.ForEachInspectedCallback(ctx, p.sc, true, func(c *huifang.Callback) error {
		ev, ok := LetterOf(c)
		if !ok {
			return nil
		}
		ok, err := p.blobFile(ctx, receiptFile(c, ev), ev.Receipt.Key, ev.Receipt.SHA256)
		if ok {
			p.m.Counts.Receipts++
		}
		return err
	})
}

func (p *inspectionPackage) evidence(ctx context.Context) error {
	return p.r.ForEachInspectedEvidence(ctx, p.sc, func(e *huifang.Evidence) error {
		name := fmt.Sprintf("evidence/%d-%d", e.CaseID, e.ID)
		if e.Key != "" {
			ok, err := p.blobFile(ctx, name, e.Key, e.SHA256)
			if ok {
				p.m.Counts.Evidence++
			}
			return err
		}
		// A document stored before schema 4 is in the row itself.
		p.m.Counts.Evidence++
		return p.file(name, false, func(w io.Writer) error { _, err := w.Write(e.Data); return err })
	})
}

func (p *inspectionPackage) audit(ctx context.Context) error {
	return p.csv("audit.csv", []string{"audit_id", "at", "user_id", "actor", "entity", "entity_key", "action", "detail"}, func(row func([]any) error) error {
		return p.r.ForEachInspectedAudit(ctx, p.sc, func(e *huifang.AuditEntry) error {
			p.m.Counts.Audit++
			return row([]any{e.ID, e.At, e.UserID, e.Actor, e.Entity, e.Key, e.Action, e.Detail})
		})
	})
}

func (p *inspectionPackage) manifest(context.Context) error {
	p.m.Files = len(p.sums) + 1
	return p.file("manifest.json", true, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(p.m)
	})
}

// checksums writes SHA256SUMS, in the format `sha256sum -c` reads, and
// closes the ZIP.
func (p *inspectionPackage) checksums() error {
	zf, err := p.zw.CreateHeader(&zip.FileHeader{Name: "SHA256SUMS", Modified: p.now, Method: zip.Deflate})
	if err != nil {
		return err
	}
	line := make([]byte, 0, 128)
	for _, f := range p.sums {
		line = hex.AppendEncode(line[:0], f.sum[:])
		line = append(line, ' ', ' ')
		line = append(line, f.name...)
		line = append(line, '\n')
		if _, err := zf.Write(line); err != nil {
			return err
		}
	}
	return p.zw.Close()
}

// safeName keeps letters, digits, '-' and '_' of a name for a file in the
// package.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// safeExt is the extension of a stored key (".wav", ".pdf") when it is a
// short run of letters and digits, else "".
func safeExt(key string) string {
	ext := strings.ToLower(path.Ext(key))
	if len(ext) < 2 || len(ext) > 6 || safeName(ext[1:]) != ext[1:] || strings.ContainsAny(ext[1:], "-_") {
		return ""
	}
	return ext
}
