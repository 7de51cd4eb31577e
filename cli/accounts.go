package cli

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// The lifecycle of users and API tokens on the command line: the same
// use cases as the administrators' pages, run as the system administrator.

// userTarget is the organisation and login most user commands name.
type userTarget struct{ org, login string }

func (t *userTarget) flags(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&t.org, "org", "", "organisation code")
	fs.StringVar(&t.login, "login", "", "the user's login")
}

func userList(e *env, args []string) error {
	var cfg config
	var org string
	fs := flags(e, "user list", "user list --org CODE", &cfg)
	fs.StringVar(&org, "org", "", "organisation code")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		us, err := s.ListUsers(e.ctx, app.CLI(), org)
		if err != nil {
			return err
		}
		follows := map[int64]string{} // a regulator's supervisors: the companies they follow
		for _, u := range us {
			if u.Role == huifang.RoleSupervisor {
				sups, _, err := s.Supervisors(e.ctx, app.CLI(), org)
				if err != nil {
					return err
				}
				for _, v := range sups {
					codes := make([]string, len(v.Companies))
					for i, o := range v.Companies {
						codes[i] = o.Code
					}
					follows[v.User.ID] = strings.Join(codes, ",")
				}
				break
			}
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LOGIN\tNAME\tROLE\tBRANCH\tSTATUS\tLAST LOGIN\tFROM\tCOMPANIES")
		for _, u := range us {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Login, dash(u.Name), u.Role, dash(u.BranchCode), status, when(u.LoginAt), dash(u.LoginAddr), dash(follows[u.ID]))
		}
		return tw.Flush()
	})
}

func userDisable(e *env, args []string) error { return userSetDisabled(e, args, true) }
func userEnable(e *env, args []string) error  { return userSetDisabled(e, args, false) }

func userSetDisabled(e *env, args []string, disabled bool) error {
	var cfg config
	var t userTarget
	verb := map[bool]string{true: "disable", false: "enable"}[disabled]
	fs := flags(e, "user "+verb, "user "+verb+" --org CODE --login LOGIN", &cfg)
	t.flags(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		if err := s.SetUserDisabled(e.ctx, app.CLI(), t.org, t.login, disabled); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%sd user %s in %s\n", verb, t.login, t.org)
		return nil
	})
}

func userSetRole(e *env, args []string) error {
	var cfg config
	var t userTarget
	var role, branch string
	fs := flags(e, "user set-role", "user set-role --org CODE --login LOGIN --role ROLE [--branch CODE]", &cfg)
	t.flags(fs)
	fs.StringVar(&role, "role", "", "the new role: admin, supervisor, insurer-admin, manager, operator, handler or qa")
	fs.StringVar(&branch, "branch", "", "handlers: the branch they work for")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		if err := s.SetUserRole(e.ctx, app.CLI(), t.org, t.login, huifang.Role(role), branch); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s in %s is now %s\n", t.login, t.org, role)
		return nil
	})
}

// userAssign sets the companies a supervisor follows.
func userAssign(e *env, args []string) error {
	var cfg config
	var t userTarget
	var companies string
	fs := flags(e, "user assign", "user assign --org REG --login LOGIN --companies A,B (empty: none)", &cfg)
	t.flags(fs)
	fs.StringVar(&companies, "companies", "", "the insurer codes the supervisor follows, comma-separated (replaces the ones before)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		cos, err := s.AssignCompanies(e.ctx, app.CLI(), t.org, t.login, app.SplitCodes(companies))
		if err != nil {
			return err
		}
		codes := make([]string, len(cos))
		for i, o := range cos {
			codes[i] = o.Code
		}
		fmt.Fprintf(e.stdout, "supervisor %s in %s follows %d companies: %s\n", t.login, t.org, len(cos), dash(strings.Join(codes, ",")))
		return nil
	})
}

func userSetPassword(e *env, args []string) error {
	var cfg config
	var t userTarget
	var pwFile string
	fs := flags(e, "user set-password", "user set-password --org CODE --login LOGIN --password-file FILE", &cfg)
	t.flags(fs)
	fs.StringVar(&pwFile, "password-file", "", "file holding the new password (- for standard input)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	pw, err := readPassword(e, pwFile)
	if err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		if err := s.SetUserPassword(e.ctx, app.CLI(), t.org, t.login, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "set the password of %s in %s; their web sessions have ended\n", t.login, t.org)
		return nil
	})
}

func cmdToken(e *env, args []string) error {
	return sub(e, "token", args, map[string]func(*env, []string) error{"add": tokenAdd, "list": tokenList, "revoke": tokenRevoke})
}

func tokenAdd(e *env, args []string) error {
	var cfg config
	var t userTarget
	var name, expires string
	fs := flags(e, "token add", "token add --org CODE --login LOGIN [--name NAME] [--expires 90d]", &cfg)
	t.flags(fs)
	fs.StringVar(&name, "name", "", "what the token is for (default: the login and today's date)")
	fs.StringVar(&expires, "expires", "90d", "lifetime: days (90d) or a Go duration (12h), at most 730d")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	ttl, err := parseLifetime(expires)
	if err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		tok, err := s.CreateToken(e.ctx, app.CLI(), app.TokenInput{OrgCode: t.org, Login: t.login, Name: name, Expires: ttl})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, tok)
		return nil
	})
}

// parseLifetime reads "90d" as 90 days, anything else as a Go duration.
func parseLifetime(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usageError{fmt.Sprintf("--expires %q: want days such as 90d, or a duration such as 12h", s)}
}

func tokenList(e *env, args []string) error {
	var cfg config
	var org string
	fs := flags(e, "token list", "token list --org CODE", &cfg)
	fs.StringVar(&org, "org", "", "organisation code")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		ts, err := s.ListTokens(e.ctx, app.CLI(), org)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tLOGIN\tCREATED\tEXPIRES")
		for _, t := range ts {
			exp := when(t.ExpiresAt)
			if t.ExpiresAt.IsZero() {
				exp = "never"
			} else if t.ExpiresAt.Before(now) {
				exp += " (expired)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Login, when(t.CreatedAt), exp)
		}
		return tw.Flush()
	})
}

func tokenRevoke(e *env, args []string) error {
	var cfg config
	var org, id string
	fs := flags(e, "token revoke", "token revoke --org CODE --id ID", &cfg)
	fs.StringVar(&org, "org", "", "organisation code")
	fs.StringVar(&id, "id", "", "the token's ID, as token list shows it")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		if err := s.RevokeToken(e.ctx, app.CLI(), org, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked token %s of %s\n", id, org)
		return nil
	})
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// when shows a time in Beijing time, or "-".
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(huifang.Shanghai).Format("2006-01-02 15:04")
}
