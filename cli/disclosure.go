package cli

import (
	"fmt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

const disclosureUse = "disclosure publish --org REG --period 2026-Q1\n" +
	"       huifang disclosure erratum --org REG --period P --company CODE --note TEXT [--indicator ID --value 123/130|96.5%]\n" +
	"       huifang disclosure list --org REG\n" +
	"       huifang disclosure export --org REG --period P [--format csv|xlsx]"

// cmdDisclosure publishes a regulator's quarter, adds an erratum, lists the
// published quarters or writes one out, as the regulator's administrator
// (RegulatorCLI, audited as "cli").
func cmdDisclosure(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: huifang " + disclosureUse}
	}
	var cfg config
	var org, period, company, note, indicator, value, format string
	name := "disclosure " + args[0]
	fs := flags(e, name, disclosureUse, &cfg)
	fs.StringVar(&org, "org", "", "the regulator's code")
	switch args[0] {
	case "publish", "erratum", "export":
		fs.StringVar(&period, "period", "", "the quarter, such as 2026-Q1")
	case "list":
	default:
		return usageError{"usage: huifang " + disclosureUse}
	}
	if args[0] == "erratum" {
		fs.StringVar(&company, "company", "", "the insurer's code")
		fs.StringVar(&note, "note", "", "the erratum's note (required)")
		fs.StringVar(&indicator, "indicator", "", "the indicator corrected (success_rate, resolution_rate, ...)")
		fs.StringVar(&value, "value", "", "the corrected figure: 123/130 or 96.5%")
	}
	if args[0] == "export" {
		fs.StringVar(&format, "format", "csv", "csv or xlsx")
	}
	if _, err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if org == "" || (args[0] != "list" && period == "") {
		return usageError{"--org and --period are required"}
	}
	if args[0] == "erratum" && company == "" {
		return usageError{"--company is required"}
	}
	if format != "" && format != "csv" && format != "xlsx" {
		return usageError{"--format must be csv or xlsx"}
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		u, err := svc.RegulatorCLI(e.ctx, org)
		if err != nil {
			return err
		}
		switch args[0] {
		case "publish":
			d, err := svc.PublishDisclosure(e.ctx, u, period)
			if err != nil {
				return err
			}
			live := 0
			for _, r := range d.Rows {
				if r.Source == huifang.FromLive {
					live++
				}
			}
			fmt.Fprintf(e.stdout, "published %s: %d companies, %d from the live table (not confirmed by submission)\n", d.Period, len(d.Rows), live)
		case "erratum":
			er, err := svc.AddErratum(e.ctx, u, app.ErratumInput{Period: period, OrgCode: company, Indicator: indicator, Value: value, Note: note})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "erratum %d on %s %s\n", er.ID, period, er.OrgCode)
		case "list":
			list, err := svc.PublishedBy(e.ctx, u)
			if err != nil {
				return err
			}
			for _, d := range list {
				corrected := ""
				if d.Changed.After(d.PublishedAt) {
					corrected = "\terrata"
				}
				fmt.Fprintf(e.stdout, "%s\t%s\t%s%s\n", d.Period, d.PublishedAt.In(huifang.Shanghai).Format("2006-01-02 15:04"), d.PublishedBy, corrected)
			}
		case "export":
			d, err := svc.Disclosure(e.ctx, org, period)
			if err != nil {
				return err
			}
			return app.RenderDisclosure(e.stdout, d.Disclosure, format)
		}
		return nil
	})
}
