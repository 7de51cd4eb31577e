package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

const inspectionUse = "inspection export --org CODE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.zip [--reveal-reason TEXT]"

// cmdInspection writes an insurer's on-site inspection package
// (docs/inspection.md) as the command line, which may inspect any insurer.
// The package is written beside FILE and renamed to it once whole, so that
// a failed export leaves no half a package behind.
func cmdInspection(e *env, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return usageError{"usage: huifang " + inspectionUse}
	}
	var cfg config
	var org, from, to, out, reason string
	fs := flags(e, "inspection export", inspectionUse, &cfg)
	fs.StringVar(&org, "org", "", "the insurer's code")
	fs.StringVar(&from, "from", "", "first day of the range (YYYY-MM-DD)")
	fs.StringVar(&to, "to", "", "last day of the range (YYYY-MM-DD)")
	fs.StringVar(&out, "out", "", "the ZIP file to write")
	fs.StringVar(&reason, "reveal-reason", "", "why personal data must be unmasked (audited, written into the manifest); without it, masked")
	if _, err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if org == "" || out == "" {
		return usageError{"--org and --out are required"}
	}
	in := app.InspectionRequest{Org: org, Reason: reason}
	var err error
	if in.From, err = huifang.ParseISODate(from); err != nil {
		return usageError{"--from: want a date YYYY-MM-DD"}
	}
	if in.To, err = huifang.ParseISODate(to); err != nil {
		return usageError{"--to: want a date YYYY-MM-DD"}
	}
	svc, err := cfg.service(e.ctx, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	if svc.Blobs, err = recordingStore(); err != nil {
		return fmt.Errorf("recording storage: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // gone once renamed
	m, err := svc.Inspect(e.ctx, app.CLI(), in, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return err
	}
	c := m.Counts
	fmt.Fprintf(e.stdout, "%s: %s %s..%s, %d files (policies %d, callbacks %d, attempts %d, answers %d, scripts %d, cases %d, case events %d, recordings %d, receipts %d, evidence %d, audit %d)\n",
		out, m.CompanyCode, m.From, m.To, m.Files+1, c.Policies, c.Callbacks, c.Attempts, c.Answers, c.Scripts, c.Cases, c.CaseEvents, c.Recordings, c.Receipts, c.Evidence, c.Audit)
	if !m.Masked {
		fmt.Fprintln(e.stdout, "personal data unmasked; the reason is in the audit trail and the manifest")
	}
	if n := m.MissingTotal + m.MismatchedTotal; n > 0 {
		fmt.Fprintf(e.stdout, "warning: %d files missing or changed in the blob store: see manifest.json\n", n)
	}
	return nil
}
