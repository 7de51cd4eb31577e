package cli

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
)

func cmdImport(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: huifang import branches|products|agents|outlets|policies|callbacks --org CODE FILE\n       huifang import status --org CODE"}
	}
	if args[0] == "status" {
		return cmdImportStatus(e, args[1:])
	}
	kind, ok := importer.ParseKind(args[0])
	if !ok {
		return usageError{fmt.Sprintf("unknown import kind %q: branches, products, agents, outlets, policies or callbacks", args[0])}
	}
	var cfg config
	var org string
	fs := flags(e, "import "+args[0], "import "+args[0]+" --org CODE FILE (CSV in UTF-8 or GBK, or XLSX)", &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	rest, err := parse(fs, args[1:], 1)
	if err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	svc, err := cfg.service(e.ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer svc.Close()
	res, err := svc.ImportFile(e.ctx, app.CLI(), org, kind, rest[0], filepath.Base(rest[0]), nil)
	if err != nil {
		if res != nil && res.Report != nil {
			fmt.Fprint(e.stderr, res.Report.String())
		}
		return err
	}
	fmt.Fprintln(e.stdout, res.Summary())
	return nil
}

// cmdImportStatus lists an insurer's latest policy imports: how far each got,
// and whether it finished or was interrupted (import the same file again to
// complete it).
func cmdImportStatus(e *env, args []string) error {
	var cfg config
	var org string
	var limit int
	fs := flags(e, "import status", "import status --org CODE [--limit N]", &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.IntVar(&limit, "limit", 20, "how many of the latest imports to list")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	svc, err := cfg.service(e.ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer svc.Close()
	js, err := svc.ImportJobsOf(e.ctx, app.CLI(), org, limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "job\tstate\twritten\tchunks\tcreated\tupdated\tunchanged\tsource\tby\tstarted (UTC)\tnote")
	for _, j := range js {
		fmt.Fprintf(tw, "%d\t%s\t%d/%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", j.ID, j.State, j.RowsWritten, j.RowsTotal, j.Chunks,
			j.Result.Created, j.Result.Updated, j.Result.Unchanged, j.Source, j.Actor, j.StartedAt.Format(time.DateTime), j.Message)
	}
	return tw.Flush()
}

func cmdExport(e *env, args []string) error {
	if len(args) == 0 || args[0] != "callbacks" {
		return usageError{"usage: huifang export callbacks --org CODE [--format csv|xlsx]"}
	}
	var cfg config
	var org, format string
	fs := flags(e, "export callbacks", "export callbacks --org CODE [--format csv|xlsx] > FILE", &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&format, "format", "csv", "csv or xlsx")
	if _, err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	if format != "csv" && format != "xlsx" {
		return usageError{"--format must be csv or xlsx"}
	}
	svc, err := cfg.service(e.ctx, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	return svc.ExportCallbacksOf(e.ctx, org, format, e.stdout)
}

func cmdReport(e *env, args []string) error {
	const use = "report stats --org CODE --period 2026-03|2026-Q1|2026 [--format json|csv|xlsx] [--recount] > FILE\n       huifang report rebuild --org CODE"
	if len(args) > 0 && args[0] == "rebuild" {
		return cmdRebuild(e, args[1:])
	}
	if len(args) == 0 || args[0] != "stats" {
		return usageError{"usage: huifang " + use}
	}
	var cfg config
	var org, period, format string
	var recount bool
	fs := flags(e, "report stats", use, &cfg)
	fs.BoolVar(&recount, "recount", false, "count from every callback and problem case instead of the stored counts (slow; what they must equal)")
	fs.StringVar(&org, "org", "", "an insurer's code, or a regulator's for its companies side by side")
	fs.StringVar(&period, "period", "", "a month (2026-03), a quarter (2026-Q1) or a year (2026)")
	fs.StringVar(&format, "format", "json", "json, csv or xlsx")
	if _, err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if org == "" || period == "" {
		return usageError{"--org and --period are required"}
	}
	svc, err := cfg.service(e.ctx, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	if recount {
		return svc.WriteRecount(e.ctx, app.CLI(), org, period, format, e.stdout)
	}
	return svc.WriteStats(e.ctx, app.CLI(), org, period, format, e.stdout)
}

// cmdRebuild recounts an insurer's stored counts from its rows.
func cmdRebuild(e *env, args []string) error {
	var cfg config
	var org string
	fs := flags(e, "report rebuild", "report rebuild --org CODE", &cfg)
	fs.StringVar(&org, "org", "", "the insurer whose counts to rebuild")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	svc, err := cfg.service(e.ctx, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.RebuildStats(e.ctx, app.CLI(), org); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rebuilt the indicators' counts of %s\n", org)
	return nil
}
