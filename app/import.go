package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sheet"
)

// Progress reports an import's advance: rows done, and the total once known
// (0 before the end: the file is read once, as it streams).
type Progress func(phase string, done, total int)

// ImportResult says what an import did, or why it wrote nothing.
type ImportResult struct {
	Kind      importer.Kind  `json:"kind"`
	Rows      int            `json:"rows"`
	Counts    huifang.Counts `json:"counts"`
	Callbacks int            `json:"callbacks"`
	Cases     int            `json:"cases,omitempty"` // callback records: problem cases opened
	// Departures: agent files, the departures started for agents marked 离职.
	Departures []*DepartureView `json:"departures,omitempty"`
	HeaderRow  int              `json:"header_row,omitempty"` // the header's line, when rows above it were titles or notes
	Report     *importer.Report `json:"report,omitempty"`
	// Job is the stored job of a policy import written in chunks.
	Job *huifang.ImportJob `json:"job,omitempty"`
	// Misconduct: agents imported whose registration numbers carry confirmed
	// misconduct records at other companies of the regulator (counts only).
	Misconduct *MisconductNotice `json:"misconduct,omitempty"`
}

// Summary is the one-line summary the command line prints.
func (r *ImportResult) Summary() string {
	s := fmt.Sprintf("imported %d %s: %d created, %d updated, %d unchanged", r.Rows, r.Kind, r.Counts.Created, r.Counts.Updated, r.Counts.Unchanged)
	if r.Kind == importer.KindPolicies {
		s += fmt.Sprintf("; %d callbacks planned", r.Callbacks)
		if r.Job != nil {
			s += fmt.Sprintf(" (job %d, %d chunks)", r.Job.ID, r.Job.Chunks)
		}
	}
	if r.Kind == importer.KindCallbacks {
		s = fmt.Sprintf("imported %d callback records: %d callbacks finished, %d unchanged; %d problem cases opened", r.Rows, r.Counts.Updated, r.Counts.Unchanged, r.Cases)
	}
	if m := r.Misconduct; m != nil {
		s += fmt.Sprintf("; %d of these agents carry %d confirmed misconduct records at other companies", m.Agents, m.Records)
	}
	if r.HeaderRow > 1 {
		s += fmt.Sprintf(" (header on row %d, the rows above it skipped)", r.HeaderRow)
	}
	return s
}

// ImportFile imports a CSV or XLSX file of one kind into an insurer, in one
// transaction. Every row is checked; if any row is bad nothing is written and
// the result carries the per-row report beside the error. Importing the same
// file twice changes nothing.
func (s *Service) ImportFile(ctx context.Context, u *huifang.User, orgCode string, kind importer.Kind, path, sourceName string, progress Progress) (*ImportResult, error) {
	return s.importFrom(ctx, u, orgCode, kind, sourceName, func() (sheet.Rows, error) { return sheet.OpenFile(path) }, progress)
}

// ImportRecords imports rows given as maps from column header (Chinese or an
// English alias) to value: the JSON batch of a core insurance system. It
// follows exactly the rules of ImportFile.
func (s *Service) ImportRecords(ctx context.Context, u *huifang.User, orgCode string, kind importer.Kind, source string, records []map[string]string) (*ImportResult, error) {
	if len(records) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.import.no_rows")
	}
	seen := map[string]bool{}
	var header []string
	for _, r := range records {
		for k := range r {
			if !seen[k] {
				seen[k] = true
				header = append(header, k)
			}
		}
	}
	// In one order, so the same records are the same file (its hash)
	// whatever the order of the maps' keys.
	slices.Sort(header)
	open := func() (sheet.Rows, error) { return &mapRows{header: header, records: records}, nil }
	return s.importFrom(ctx, u, orgCode, kind, source, open, nil)
}

// mapRows offers JSON records as the rows of a file: the header, then one row each.
type mapRows struct {
	header  []string
	records []map[string]string
	i       int
}

func (m *mapRows) Next() ([]string, error) {
	if m.i > len(m.records) {
		return nil, io.EOF
	}
	defer func() { m.i++ }()
	if m.i == 0 {
		return m.header, nil
	}
	row := make([]string, len(m.header))
	for j, h := range m.header {
		row[j] = strings.TrimSpace(m.records[m.i-1][h])
	}
	return row, nil
}

func (m *mapRows) Header()      {}
func (m *mapRows) Line() int    { return m.i }
func (m *mapRows) Close() error { return nil }

// loadRefs reads the insurer's reference data for the importer's checks.
func (s *Service) loadRefs(ctx context.Context, orgID int64) (*importer.MemoryRefs, error) {
	r := &importer.MemoryRefs{Branches: map[string]huifang.Branch{}, Products: map[string]huifang.Product{}, Agents: map[string]huifang.Agent{}, Outlets: map[string]huifang.Outlet{}}
	bs, err := s.db.ListBranches(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		r.Branches[b.Code] = b
	}
	ps, err := s.db.ListProducts(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		r.Products[p.Code] = p
	}
	as, err := s.db.ListAgents(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		r.Agents[a.Code] = a.Agent
	}
	os, err := s.db.ListOutlets(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		r.Outlets[o.Code] = o
	}
	return r, nil
}

func (s *Service) importFrom(ctx context.Context, u *huifang.User, orgCode string, kind importer.Kind, source string, open func() (sheet.Rows, error), progress Progress) (*ImportResult, error) {
	if err := require(u, huifang.PermImport); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	org, err := s.Org(ctx, u, orgCode)
	if err != nil {
		return nil, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, huifang.Errorf(huifang.EINVALID, "err.import.regulator", org.Code)
	}
	rf, err := s.loadRefs(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	a, today := actor(u), s.today()
	var res *ImportResult
	switch kind {
	case importer.KindPolicies:
		res, err = s.importPolicies(ctx, org, a, rf, open, today, source, progress)
	case importer.KindCallbacks:
		res, err = s.importCallbacks(ctx, org, a, rf, open, today, source, progress)
	default:
		res, err = s.importRefs(ctx, u, org, kind, rf, open, today)
	}
	if err != nil {
		return res, err
	}
	progress("writing", res.Rows, res.Rows)
	s.Log.Info("import", "org", org.Code, "kind", kind, "source", source, "rows", res.Rows, "created", res.Counts.Created, "updated", res.Counts.Updated)
	return res, nil
}

// refused is the error of a file with bad rows: nothing was written.
func refused(res *ImportResult, rep importer.Report) (*ImportResult, error) {
	res.Report = &rep
	return res, huifang.Errorf(huifang.EINVALID, "err.import.bad_rows", rep.Bad)
}

var errOnlyHeader = huifang.Errorf(huifang.EINVALID, "err.import.only_header")

// importRefs imports reference data, which is small: it is checked and
// collected in one reading, then saved in one transaction.
func (s *Service) importRefs(ctx context.Context, u *huifang.User, org *huifang.Org, kind importer.Kind, rf *importer.MemoryRefs, open func() (sheet.Rows, error), today huifang.Date) (*ImportResult, error) {
	var items []any
	rep, err := readFile(open, func(rows sheet.Rows) (importer.Report, error) {
		return importer.Check(kind, rows, rf, today, func(it any) error { items = append(items, it); return nil })
	})
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: kind, Rows: rep.Rows, HeaderRow: rep.HeaderRow}
	if rep.Bad > 0 {
		return refused(res, rep)
	}
	if rep.Rows == 0 {
		return nil, errOnlyHeader
	}
	if kind == importer.KindAgents {
		if err := s.keepLeaving(ctx, org.ID, items); err != nil {
			return nil, err
		}
	}
	if res.Counts, err = s.saveRefs(ctx, org.ID, kind, items, actor(u)); err != nil {
		return res, err
	}
	if res.Misconduct, err = s.misconductNotice(ctx, org.ID, kind, items); err != nil {
		return res, err
	}
	if kind == importer.KindAgents {
		res.Departures, err = s.departLeft(ctx, u, org, items)
	}
	return res, err
}

// readFile opens a file, reads it with fn and closes it.
func readFile(open func() (sheet.Rows, error), fn func(sheet.Rows) (importer.Report, error)) (importer.Report, error) {
	rows, err := open()
	if err != nil {
		return importer.Report{}, err
	}
	defer rows.Close()
	return fn(rows)
}

func (s *Service) saveRefs(ctx context.Context, orgID int64, kind importer.Kind, items []any, a huifang.Actor) (huifang.Counts, error) {
	now := s.now()
	switch kind {
	case importer.KindBranches:
		return s.db.SaveBranches(ctx, orgID, collect[huifang.Branch](items, orgID), a, now)
	case importer.KindProducts:
		return s.db.SaveProducts(ctx, orgID, collect[huifang.Product](items, orgID), a, now)
	case importer.KindOutlets:
		return s.db.SaveOutlets(ctx, orgID, collect[huifang.Outlet](items, orgID), a, now)
	case importer.KindAgents:
		agents := collect[huifang.Agent](items, orgID)
		recs := make([]huifang.AgentRecord, len(agents))
		for i, ag := range agents {
			recs[i] = huifang.AgentRecord{Agent: ag, PhoneEnc: s.Box.Seal(ag.Phone), PhoneHash: s.Box.Hash(ag.Phone)}
			recs[i].Phone = ""
		}
		return s.db.SaveAgents(ctx, orgID, recs, a, now)
	}
	return huifang.Counts{}, huifang.Errorf(huifang.EINVALID, "err.import.unknown_kind", kind)
}

func collect[T any](items []any, orgID int64) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		out = append(out, it.(T))
	}
	return out
}

// importPolicies checks the whole file first, writing nothing: a bad row
// refuses the file. Then it reads the file again and writes it in chunks
// that commit separately (importChunk policies each, a fraction of a
// second), so operators' writes interleave with a large import; the job
// stored beside the policies says what the committed chunks wrote. An
// unfinished job of the same file resumes after its last committed chunk.
func (s *Service) importPolicies(ctx context.Context, org *huifang.Org, a huifang.Actor, rf *importer.MemoryRefs, open func() (sheet.Rows, error), today huifang.Date, source string, progress Progress) (*ImportResult, error) {
	var hash string
	rep, err := readFile(open, func(rows sheet.Rows) (importer.Report, error) {
		h := &hashRows{Rows: rows, h: sha256.New(), progress: progress}
		rep, err := importer.Check(importer.KindPolicies, h, rf, today, nil)
		hash = hex.EncodeToString(h.h.Sum(nil))
		return rep, err
	})
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: importer.KindPolicies, Rows: rep.Rows, HeaderRow: rep.HeaderRow}
	if rep.Bad > 0 {
		return refused(res, rep)
	}
	if rep.Rows == 0 {
		return nil, errOnlyHeader
	}
	if s.SingleTransactionImport {
		progress("writing", 0, rep.Rows)
		return s.importPoliciesOnce(ctx, org, a, rf, open, today, source, res)
	}
	j, err := s.startImportJob(ctx, org, a, source, hash, rep.Rows)
	if err != nil {
		return nil, err
	}
	defer s.imports.done()
	if err := s.writeChunks(ctx, j, org, a, rf, open, today, progress); err != nil {
		return nil, err
	}
	res.Counts, res.Callbacks, res.Job = j.Result.Counts, j.Result.Callbacks, j
	s.fillTailsAfterImport(ctx, org)
	return res, nil
}

// importPoliciesOnce writes a checked file in one transaction, as huifang
// did before imports were written in chunks: kept for the benchmark's
// "before" (bench --what import-load) and nothing else.
func (s *Service) importPoliciesOnce(ctx context.Context, org *huifang.Org, a huifang.Actor, rf *importer.MemoryRefs, open func() (sheet.Rows, error), today huifang.Date, source string, res *ImportResult) (*ImportResult, error) {
	ch, errc := s.policyRecords(ctx, org, rf, open, today, 0)
	next := func() (*huifang.PolicyRecord, error) {
		if rec, ok := <-ch; ok {
			return rec, nil
		}
		if err := <-errc; err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	r, err := s.db.ImportPolicies(ctx, org.ID, a, s.now(), source, next)
	if err != nil {
		for range ch { // let the reader finish
		}
		return nil, fmt.Errorf("import policies: %w", err)
	}
	res.Counts, res.Callbacks = r.Counts, r.Callbacks
	s.fillTailsAfterImport(ctx, org)
	return res, nil
}

// policyRecords reads a checked file again and sends its policies, from
// the skip+1-th, prepared for storage; the error channel then says how the
// reading ended. Ending ctx stops the reader.
func (s *Service) policyRecords(ctx context.Context, org *huifang.Org, rf *importer.MemoryRefs, open func() (sheet.Rows, error), today huifang.Date, skip int) (<-chan *huifang.PolicyRecord, <-chan error) {
	// Enough records for a few chunks, so the next is ready when one commits.
	ch := make(chan *huifang.PolicyRecord, 4*importChunk)
	errc := make(chan error, 1)
	// The profile in force on the day of the import plans every row.
	plan, err := s.Planning(ctx, org.ID, today)
	if err != nil {
		close(ch)
		errc <- err
		return ch, errc
	}
	go func() {
		defer close(ch)
		i := 0
		rep, err := readFile(open, func(rows sheet.Rows) (importer.Report, error) {
			return importer.CheckOnce(importer.KindPolicies, rows, rf, today, func(it any) error {
				if i++; i <= skip {
					return nil
				}
				p := it.(huifang.Policy)
				p.OrgID = org.ID
				select {
				case ch <- s.PolicyRecordUnder(p, rf.Products[p.ProductCode], org, plan):
				case <-ctx.Done():
					return ctx.Err()
				}
				return nil
			})
		})
		if err == nil && rep.Bad > 0 {
			err = errChangedFile
		}
		errc <- err
	}()
	return ch, errc
}

// errChangedFile is a file that was good when checked and is not when written.
var errChangedFile = huifang.Errorf(huifang.EINVALID, "err.import.changed_file")

// Planning is what plans an insurer's callbacks on a day besides the
// policies themselves: the scope and the rest-day run-on of the rule profile
// in force that day (DOMAIN.md §3, §9), the working-day calendar, the day.
func (s *Service) Planning(ctx context.Context, orgID int64, on huifang.Date) (callback.Planning, error) {
	v, err := s.ProfileFor(ctx, orgID, on)
	if err != nil {
		return callback.Planning{}, err
	}
	return callback.Planning{Scope: callback.Scope{NonLifeWealth: v.Rules.NonLifeWealthInScope}, RunsOn: v.Rules.CoolingOffRunsOn,
		Calendar: s.Calendar(), Today: on}, nil
}

// PolicyRecord prepares a checked policy for storage: phone and ID numbers
// encrypted with their lookup hashes, a keyed hash of the whole row, and the
// callbacks the rules in force today plan for it. A loop over many policies
// takes Planning once and calls PolicyRecordUnder instead. When the profile
// cannot be read, the service's own scope plans, with no run-on.
func (s *Service) PolicyRecord(p huifang.Policy, prod huifang.Product, org *huifang.Org) *huifang.PolicyRecord {
	pl, err := s.Planning(context.Background(), org.ID, s.today())
	if err != nil {
		s.Log.Warn("planning without the rule profile", "org", org.Code, "err", err)
		pl = callback.Planning{Scope: s.Rules.Scope, Today: s.today()}
	}
	return s.PolicyRecordUnder(p, prod, org, pl)
}

// PolicyRecordUnder is PolicyRecord with the callbacks planned under pl.
func (s *Service) PolicyRecordUnder(p huifang.Policy, prod huifang.Product, org *huifang.Org, pl callback.Planning) *huifang.PolicyRecord {
	r := &huifang.PolicyRecord{Policy: p,
		HolderIDEnc: s.Box.Seal(p.HolderID), HolderIDHash: s.Box.Hash(p.HolderID),
		HolderPhoneEnc: s.Box.Seal(p.HolderPhone), HolderPhoneHash: s.Box.Hash(p.HolderPhone),
		RowHash: s.Box.Hash(canonical(p)), HolderPhoneTailHash: s.phoneTail(p.HolderPhone)}
	for _, c := range callback.PlanWith(p, prod, *org, pl) {
		r.Plans = append(r.Plans, huifang.Plan{Kind: c.Kind, DueOn: c.DueOn})
	}
	r.HolderID, r.HolderPhone = "", ""
	return r
}

// canonical renders every stored field of a policy, to tell a changed row.
func canonical(p huifang.Policy) string {
	f := []string{p.No, p.ProductCode, string(p.Channel), p.BranchCode, p.AgentCode, p.OutletCode, p.HolderName, p.HolderID,
		p.HolderBirth.String(), p.HolderPhone, p.InsuredName, p.AppliedOn.String(), p.IssuedOn.String(), p.ReceiptOn.String(),
		strconv.FormatInt(p.PremiumFen, 10), string(p.PayMode), strconv.Itoa(p.PayYears), strconv.Itoa(p.Term.Years), strconv.FormatBool(p.Term.WholeLife)}
	if p.CallbackMethod != "" {
		// Only when chosen, so that policies loaded before the choice
		// existed keep their row hash and load again as unchanged.
		f = append(f, string(p.CallbackMethod))
	}
	if p.Status == huifang.PolicyCancelled {
		// Likewise only when cancelled: in-force rows keep their hash.
		f = append(f, string(p.Status))
	}
	return strings.Join(f, "\x1f")
}
