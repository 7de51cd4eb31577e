package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
)

func cmdAgent(e *env, args []string) error {
	return sub(e, "agent", args, map[string]func(*env, []string) error{"leave": agentLeave, "list": agentList, "show": agentShow})
}

// agentService opens the service with the working-day calendars loaded:
// the orphan callbacks' deadline counts working days.
func agentService(e *env, cfg *config) (*app.Service, error) {
	svc, err := cfg.service(e.ctx, nil)
	if err != nil {
		return nil, err
	}
	if err := svc.LoadCalendars(e.ctx); err != nil {
		svc.Close()
		return nil, err
	}
	return svc, nil
}

func agentLeave(e *env, args []string) error {
	var cfg config
	var org, agent, on, successor string
	fs := flags(e, "agent leave", "agent leave --org CODE --agent CODE [--on YYYY-MM-DD] [--successor CODE]", &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&agent, "agent", "", "the departing agent's code")
	fs.StringVar(&on, "on", "", "the departure date (default today)")
	fs.StringVar(&successor, "successor", "", "the agent who services the policies from now on")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" || agent == "" {
		return usageError{"--org and --agent are required"}
	}
	in := app.LeaveInput{AgentCode: agent, SuccessorCode: successor}
	if on != "" {
		d, err := huifang.ParseISODate(on)
		if err != nil {
			return usageError{fmt.Sprintf("--on %q: want a date such as 2026-03-05", on)}
		}
		in.On = d
	}
	svc, err := agentService(e, &cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	v, err := svc.Leave(e.ctx, app.CLI(), org, in)
	if v != nil {
		printDeparture(e.stdout, v)
	}
	return err
}

func agentShow(e *env, args []string) error {
	var cfg config
	var org, agent string
	fs := flags(e, "agent show", "agent show --org CODE --agent CODE", &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&agent, "agent", "", "agent code")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" || agent == "" {
		return usageError{"--org and --agent are required"}
	}
	svc, err := agentService(e, &cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	v, err := svc.Departure(e.ctx, app.CLI(), org, agent)
	if err != nil {
		return err
	}
	printDeparture(e.stdout, v)
	return nil
}

// printDeparture prints a departure's gate: the figures, then each orphan
// policy that still blocks it with where its callback stands.
func printDeparture(w io.Writer, v *app.DepartureView) {
	zh := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	fmt.Fprintln(w, zh("departure.cli.summary", v.AgentCode, v.AgentName, zh(v.Status.Key()), zh("orphan.mode."+v.Mode),
		v.StartedOn, v.Done, len(v.Items), v.DueOn))
	if v.SuccessorCode != "" {
		fmt.Fprintln(w, zh("departure.cli.successor", v.SuccessorCode, v.SuccessorName))
	}
	if len(v.Blocking) == 0 {
		return
	}
	fmt.Fprintln(w, zh("departure.cli.blocking"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, zh("departure.cli.columns"))
	for _, g := range v.Blocking {
		res, cs := "-", "-"
		if g.Result != "" {
			res = zh(g.Result.Key())
		}
		if g.CaseID != 0 {
			cs = strconv.FormatInt(g.CaseID, 10)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", g.PolicyNo, g.CallbackID, zh(g.Status.Key()), res, cs, g.DueOn)
	}
	tw.Flush()
}

func agentList(e *env, args []string) error {
	var cfg config
	var org, format string
	fs := flags(e, "agent list", "agent list --org CODE [--format text|csv|json]", &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&format, "format", "text", "text, csv or json")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	if format != "text" && format != "csv" && format != "json" {
		return usageError{"--format must be text, csv or json"}
	}
	svc, err := agentService(e, &cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	rows, err := svc.Agents(e.ctx, app.CLI(), org)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []app.AgentRow{}
		}
		return enc.Encode(rows)
	}
	zh := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	head := []string{"业务员代码", "姓名", "机构代码", "执业证号", "状态", "保单数", "离职日期", "孤儿保单回访成功", "孤儿保单数", "应完成日期"}
	var out [][]string
	for _, r := range rows {
		line := []string{r.Code, r.Name, r.BranchCode, r.RegNo, zh(r.Status.Key()), strconv.Itoa(r.Policies), "", "", "", ""}
		if d := r.Departure; d != nil {
			line[6], line[7], line[8], line[9] = d.StartedOn.String(), strconv.Itoa(r.Done), strconv.Itoa(d.Policies), d.DueOn.String()
		}
		out = append(out, line)
	}
	if format == "csv" {
		cw := csv.NewWriter(e.stdout)
		cw.Write(head)
		cw.WriteAll(out)
		return cw.Error()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, l := range append([][]string{head}, out...) {
		for i, c := range l {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, c)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
