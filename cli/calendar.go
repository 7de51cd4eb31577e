package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

func cmdCalendar(e *env, args []string) error {
	return sub(e, "calendar", args, map[string]func(*env, []string) error{"load": calendarLoad, "show": calendarShow, "add": calendarAdd})
}

// calendarService opens the database and the calendar in force.
func calendarService(e *env, cfg *config) (*app.Service, error) {
	db, err := cfg.open(e.ctx)
	if err != nil {
		return nil, err
	}
	svc := app.New(db, nil, nil)
	if err := svc.LoadCalendars(e.ctx); err != nil {
		db.Close()
		return nil, err
	}
	return svc, nil
}

func calendarLoad(e *env, args []string) error {
	var cfg config
	fs := flags(e, "calendar load", "calendar load FILE (the format is in docs/calendar.md)", &cfg)
	rest, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	body, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	svc, err := calendarService(e, &cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	y, err := svc.LoadCalendarYear(e.ctx, app.CLI(), string(body))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "loaded the %d calendar: %d rest days, %d make-up working days\n", y.Year, len(y.Rest), len(y.Work))
	return nil
}

func calendarShow(e *env, args []string) error {
	var cfg config
	fs := flags(e, "calendar show", "calendar show YEAR", &cfg)
	rest, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(rest[0])
	if err != nil {
		return usageError{"YEAR must be a year such as 2026"}
	}
	svc, err := calendarService(e, &cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	y, ok := svc.Calendar().Year(year)
	if !ok {
		return huifang.Errorf(huifang.ENOTFOUND, "没有 %d 年的工作日历（已有：%s）", year, joinInts(svc.Calendar().Years()))
	}
	fmt.Fprintf(e.stdout, "%d 年工作日历（%s，%s 发布）\n", y.Year, y.Source, y.Published)
	for _, h := range y.Holidays() {
		fmt.Fprintf(e.stdout, "  %s：休 %s", h.Name, dateRanges(h.Rest))
		if len(h.Work) > 0 {
			fmt.Fprintf(e.stdout, "；调休上班 %s", dateRanges(h.Work))
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

func joinInts(xs []int) string {
	var s []string
	for _, x := range xs {
		s = append(s, strconv.Itoa(x))
	}
	return strings.Join(s, ", ")
}

func calendarAdd(e *env, args []string) error {
	var cfg config
	var from string
	var n int
	fs := flags(e, "calendar add", "calendar add --from DATE --workdays N", &cfg)
	fs.StringVar(&from, "from", "", "the start date, YYYY-MM-DD (not counted)")
	fs.IntVar(&n, "workdays", 0, "how many working days to add")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	d, err := huifang.ParseISODate(from)
	if err != nil {
		return usageError{"--from must be a date YYYY-MM-DD"}
	}
	svc, err := calendarService(e, &cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	due, err := svc.Calendar().AddWorkdays(d, n)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, due)
	return nil
}

func cmdJobs(e *env, args []string) error {
	return sub(e, "jobs", args, map[string]func(*env, []string) error{"run": jobsRun})
}

// jobsRun runs the background jobs that are due, once (serve runs them
// itself; this is for a scheduler outside it, and for checks).
func jobsRun(e *env, args []string) error {
	var cfg config
	fs := flags(e, "jobs run", "jobs run: run the background jobs that are due (escalation, digest, sweeps) once", &cfg)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	svc, err := cfg.service(e.ctx, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := prepare(e, svc); err != nil {
		return err
	}
	ran, err := svc.RunJobs(e.ctx, "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ran %d job(s): %s\n", len(ran), strings.Join(ran, ", "))
	return nil
}

// dateRanges renders dates, joining consecutive days: 2026-02-15 至 2026-02-23.
func dateRanges(ds []huifang.Date) string {
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j].AddDays(1) == ds[j+1] {
			j++
		}
		if j > i {
			parts = append(parts, ds[i].String()+" 至 "+ds[j].String())
		} else {
			parts = append(parts, ds[i].String())
		}
		i = j + 1
	}
	return strings.Join(parts, "、")
}
