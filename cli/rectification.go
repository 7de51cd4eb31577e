package cli

import (
	"fmt"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/sheet"
)

const rectificationUse = "rectification send --org REG --company CODE --subject S --due YYYY-MM-DD --body TEXT\n" +
	"       huifang rectification list --org CODE [--status open|answered|closed]"

// rectificationHeader is the header of the CSV list.
var rectificationHeader = []string{"编号", "保险公司", "整改事项", "答复期限", "状态", "发出人", "发出时间", "答复人", "答复"}

// cmdRectification sends a rectification notice as the regulator's
// administrator of --org (audited as "cli"), or lists the notices of a
// regulator or of a company.
func cmdRectification(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: huifang " + rectificationUse}
	}
	switch args[0] {
	case "send":
		return rectificationSend(e, args[1:])
	case "list":
		return rectificationList(e, args[1:])
	}
	return usageError{"usage: huifang " + rectificationUse}
}

func rectificationSend(e *env, args []string) error {
	var cfg config
	var in app.RectificationInput
	var org string
	fs := flags(e, "rectification send", rectificationUse, &cfg)
	fs.StringVar(&org, "org", "", "the regulator's code")
	fs.StringVar(&in.OrgCode, "company", "", "the insurer's code")
	fs.StringVar(&in.Subject, "subject", "", "the subject")
	fs.StringVar(&in.Due, "due", "", "the due date of the answer, YYYY-MM-DD")
	fs.StringVar(&in.Body, "body", "", "the requirements")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" || in.OrgCode == "" {
		return usageError{"--org and --company are required"}
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		u, err := svc.RegulatorCLI(e.ctx, org)
		if err != nil {
			return err
		}
		r, err := svc.SendRectification(e.ctx, u, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "rectification notice %d sent to %s, due %s\n", r.ID, r.OrgCode, r.DueOn)
		return nil
	})
}

func rectificationList(e *env, args []string) error {
	var cfg config
	var org, status string
	fs := flags(e, "rectification list", rectificationUse, &cfg)
	fs.StringVar(&org, "org", "", "a regulator's code (all its companies) or an insurer's")
	fs.StringVar(&status, "status", "", "open, answered or closed (default: all)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if org == "" {
		return usageError{"--org is required"}
	}
	return cfg.withAdmin(e.ctx, func(svc *app.Service) error {
		list, err := svc.RectificationsOf(e.ctx, org, status)
		if err != nil {
			return err
		}
		w, err := sheet.NewCSVWriter(e.stdout, rectificationHeader)
		if err != nil {
			return err
		}
		for _, r := range list {
			if err := w.Write([]any{r.ID, r.OrgCode, r.Subject, r.DueOn.String(), i18n.T(i18n.ZH, r.Status.Key()), r.SentBy,
				when(r.SentAt), r.AnsweredBy, r.Answer}); err != nil {
				return err
			}
		}
		return w.Close()
	})
}
