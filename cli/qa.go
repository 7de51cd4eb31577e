package cli

import (
	"fmt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

const qaUse = "qa draw --org CODE [--week-of YYYY-MM-DD]"

// cmdQA draws a week of an insurer's calls for QA (docs/qa.md), as the
// administrator "cli" (audited as such): a week the Monday job missed, or
// the current one.
func cmdQA(e *env, args []string) error {
	if len(args) == 0 || args[0] != "draw" {
		return usageError{"usage: huifang " + qaUse}
	}
	var cfg config
	var org, weekOf string
	fs := flags(e, "qa draw", qaUse, &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&weekOf, "week-of", "", "a day of the week to draw (default: today)")
	if _, err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	var on huifang.Date
	if weekOf != "" {
		d, err := huifang.ParseISODate(weekOf)
		if err != nil {
			return usageError{"--week-of must be a date, YYYY-MM-DD"}
		}
		on = d
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		d, err := svc.DrawQAWeek(e.ctx, app.CLI(), org, on)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "QA draw of %s at %s: %d finished calls, %d drawn at random, %d flagged\n", d.Week, org, d.Calls, d.Random, d.Flagged)
		return nil
	})
}
