package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/misconduct"
	"github.com/huifang/huifang/sheet"
)

const misconductUse = "misconduct list --org CODE [--status proposed|confirmed|rejected] [--reg-no NO] [--format csv|json]\n" +
	"       huifang misconduct confirm --org CODE --id N --category C --reason TEXT\n" +
	"       huifang misconduct reject --org CODE --id N --reason TEXT"

// misconductHeader is the header of the CSV list.
var misconductHeader = []string{"编号", "业务员代码", "业务员姓名", "执业证号", "保单号", "问题件", "类别", "状态", "原因"}

// cmdMisconduct lists an insurer's misconduct records, or confirms or
// rejects one, as the command line (audited as such).
func cmdMisconduct(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: huifang " + misconductUse}
	}
	switch args[0] {
	case "list":
		return misconductList(e, args[1:])
	case "confirm", "reject":
		return misconductDecide(e, args[0] == "confirm", args[1:])
	}
	return usageError{"usage: huifang " + misconductUse}
}

func misconductList(e *env, args []string) error {
	var cfg config
	var org, status, regNo, format string
	fs := flags(e, "misconduct list", misconductUse, &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&status, "status", "", "proposed, confirmed or rejected (default: all)")
	fs.StringVar(&regNo, "reg-no", "", "the agent's registration number (执业证号)")
	fs.StringVar(&format, "format", "csv", "csv or json")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	if status != "" {
		if _, ok := huifang.ParseMisconductStatus(status); !ok {
			return usageError{"--status must be proposed, confirmed or rejected"}
		}
	}
	if format != "csv" && format != "json" {
		return usageError{"--format must be csv or json"}
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		recs, err := svc.MisconductOf(e.ctx, org, huifang.MisconductFilter{Status: huifang.MisconductStatus(status), RegNo: regNo})
		if err != nil {
			return err
		}
		if format == "json" {
			out := make([]misconductJSON, 0, len(recs))
			for _, r := range recs {
				out = append(out, toMisconductJSON(r))
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		w, err := sheet.NewCSVWriter(e.stdout, misconductHeader)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := w.Write([]any{r.ID, r.AgentCode, r.AgentName, r.RegNo, r.PolicyNo, fmt.Sprintf("%d %s", r.CaseID, i18n.T(i18n.ZH, r.CaseType.Key())),
				i18n.T(i18n.ZH, r.Category.Key()), i18n.T(i18n.ZH, r.Status.Key()), r.Reason}); err != nil {
				return err
			}
		}
		return w.Close()
	})
}

func misconductDecide(e *env, confirm bool, args []string) error {
	var cfg config
	var org, id, reason, category string
	name := "misconduct reject"
	if confirm {
		name = "misconduct confirm"
	}
	fs := flags(e, name, misconductUse, &cfg)
	fs.StringVar(&org, "org", "", "insurer code")
	fs.StringVar(&id, "id", "", "the record's number (编号)")
	fs.StringVar(&reason, "reason", "", "why (required)")
	fs.StringVar(&category, "category", "", "confirm: beyond-authority, improper-selling, improper-recruitment, improper-conduct, surrender-by-proxy or other")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if org == "" || err != nil || n <= 0 {
		return usageError{"--org and --id N are required"}
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		r, err := svc.DecideMisconductOf(e.ctx, org, n, misconduct.Decision{Confirm: confirm, Category: category, Reason: reason})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "misconduct record %d %s: %s (%s)\n", r.ID, r.Status, i18n.T(i18n.ZH, r.Category.Key()), r.Reason)
		return nil
	})
}

// misconductJSON is a record as the command line prints it in JSON.
type misconductJSON struct {
	ID         int64     `json:"id"`
	AgentCode  string    `json:"agent_code"`
	AgentName  string    `json:"agent_name"`
	RegNo      string    `json:"reg_no"`
	PolicyNo   string    `json:"policy_no"`
	CaseID     int64     `json:"case_id"`
	CaseType   string    `json:"case_type"`
	Category   string    `json:"category"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason"`
	Facts      string    `json:"facts"`
	ProposedAt time.Time `json:"proposed_at"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	DecidedBy  string    `json:"decided_by,omitempty"`
	KeepUntil  string    `json:"keep_until"`
}

func toMisconductJSON(r huifang.MisconductRecord) misconductJSON {
	return misconductJSON{ID: r.ID, AgentCode: r.AgentCode, AgentName: r.AgentName, RegNo: r.RegNo, PolicyNo: r.PolicyNo, CaseID: r.CaseID,
		CaseType: string(r.CaseType), Category: string(r.Category), Status: string(r.Status), Reason: r.Reason, Facts: r.Facts,
		ProposedAt: r.ProposedAt, DecidedAt: r.DecidedAt, DecidedBy: r.DecidedBy, KeepUntil: r.KeepUntil.String()}
}
