package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/spotcheck"
)

const spotCheckUse = "spotcheck draw --org REG --period P [--companies A,B] [--rate 0.5%] [--min 1200] [--seed N]\n" +
	"       huifang spotcheck export --org REG --id N [--format csv|xlsx] [--out FILE]"

// cmdSpotCheck draws a regulator's spot-check sample or exports one's
// working papers, as the regulator's administrator "cli" (audited as such).
func cmdSpotCheck(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: huifang " + spotCheckUse}
	}
	switch args[0] {
	case "draw":
		return spotCheckDraw(e, args[1:])
	case "export":
		return spotCheckExport(e, args[1:])
	}
	return usageError{"usage: huifang " + spotCheckUse}
}

func spotCheckDraw(e *env, args []string) error {
	var cfg config
	var org, period, companies, rate, seed string
	var minSize int
	fs := flags(e, "spotcheck draw", spotCheckUse, &cfg)
	fs.StringVar(&org, "org", "", "regulator code")
	fs.StringVar(&period, "period", "", "2026-03, 2026-Q1 or 2026")
	fs.StringVar(&companies, "companies", "", "insurer codes, comma-separated (default: every company of the regulator)")
	fs.StringVar(&rate, "rate", "", "sampling rate, e.g. 0.5% (default: the rule profile's)")
	fs.IntVar(&minSize, "min", 0, "minimum sample size (default: the rule profile's)")
	fs.StringVar(&seed, "seed", "", "the random start's seed, to draw a recorded sample again (default: a random one, printed)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" || period == "" {
		return usageError{"--org and --period are required"}
	}
	in := app.DrawInput{Period: period, Min: minSize}
	for _, c := range strings.Split(companies, ",") {
		if c = strings.TrimSpace(c); c != "" {
			in.Companies = append(in.Companies, c)
		}
	}
	if rate != "" {
		bp, err := spotcheck.ParseRate(rate)
		if err != nil {
			return usageError{"--rate must be a percentage such as 0.5% (steps of 0.01%)"}
		}
		in.RateBP = bp
	}
	if minSize < 0 {
		return usageError{"--min must be positive"}
	}
	if seed != "" {
		n, err := strconv.ParseUint(seed, 10, 64)
		if err != nil || n == 0 {
			return usageError{"--seed must be a positive whole number"}
		}
		in.Seed = n
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		u, err := svc.RegulatorCLI(e.ctx, org)
		if err != nil {
			return err
		}
		sc, err := svc.DrawSpotCheck(e.ctx, u, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "spot check %d: %d of %d due callbacks of %s (%s); rate %s, minimum %d, seed %d\n", sc.ID, sc.Size, sc.Population,
			sc.Period, strings.Join(sc.Companies, ","), spotcheck.FormatRate(sc.RateBP), sc.Min, sc.Seed)
		return nil
	})
}

func spotCheckExport(e *env, args []string) error {
	var cfg config
	var org, id, format, out string
	fs := flags(e, "spotcheck export", spotCheckUse, &cfg)
	fs.StringVar(&org, "org", "", "regulator code")
	fs.StringVar(&id, "id", "", "the sample's number")
	fs.StringVar(&format, "format", "csv", "csv or xlsx")
	fs.StringVar(&out, "out", "", "file to write (default: standard output)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if org == "" || err != nil || n <= 0 {
		return usageError{"--org and --id N are required"}
	}
	if format != "csv" && format != "xlsx" {
		return usageError{"--format must be csv or xlsx"}
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		u, err := svc.RegulatorCLI(e.ctx, org)
		if err != nil {
			return err
		}
		var w io.Writer = e.stdout
		var f *os.File
		if out != "" {
			if f, err = os.Create(out); err != nil {
				return err
			}
			w = f
		}
		_, err = svc.ExportSpotCheck(e.ctx, u, n, format, w)
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(out)
			}
		}
		return err
	})
}
