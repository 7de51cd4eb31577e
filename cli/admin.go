package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

func cmdOrg(e *env, args []string) error {
	return sub(e, "org", args, map[string]func(*env, []string) error{"add": orgAdd, "set": orgSet})
}

func orgSet(e *env, args []string) error {
	var cfg config
	var code, phone, pre string
	fs := flags(e, "org set", "org set --org CODE [--service-phone 95xxx] [--pre-underwriting on|off]", &cfg)
	fs.StringVar(&code, "org", "", "insurer code")
	fs.StringVar(&code, "code", "", "insurer code (the same as --org)")
	fs.StringVar(&phone, "service-phone", "", "the customer-service number said at the end of every callback script")
	fs.StringVar(&pre, "pre-underwriting", "", "on or off: a callback before underwriting too, for every product, for applications imported from now on")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	var on bool
	switch pre {
	case "", "off":
	case "on":
		on = true
	default:
		return usageError{"--pre-underwriting takes on or off"}
	}
	if phone == "" && pre == "" {
		return usageError{"org set: give --service-phone or --pre-underwriting"}
	}
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		if phone != "" {
			if err := s.SetServicePhone(e.ctx, app.CLI(), code, phone); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: service phone %s\n", code, phone)
		}
		if pre != "" {
			if _, err := s.SetPreUnderwriting(e.ctx, app.CLI(), code, on); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: pre-underwriting callbacks %s\n", code, pre)
		}
		return nil
	})
}

func orgAdd(e *env, args []string) error {
	var cfg config
	var in app.OrgInput
	var kind string
	fs := flags(e, "org add", "org add --kind regulator|insurer --code CODE --name NAME [--regulator CODE] [--pre-underwriting] [--service-phone 95xxx]", &cfg)
	fs.StringVar(&kind, "kind", "", "regulator or insurer")
	fs.StringVar(&in.Code, "code", "", "organisation code")
	fs.StringVar(&in.Name, "name", "", "organisation name")
	fs.StringVar(&in.RegulatorCode, "regulator", "", "for an insurer: the code of its regulator")
	fs.StringVar(&in.ServicePhone, "service-phone", "", "for an insurer: the customer-service number said at the end of every callback script")
	fs.BoolVar(&in.PreUnderwriting, "pre-underwriting", false, "for an insurer: a callback before underwriting too, for every product")
	fs.StringVar(&in.Profile, "profile", "", "for a regulator: the rule profile it starts from: seed-bureau (default) or national-baseline")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	in.Kind = huifang.OrgKind(kind)
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		o, err := s.CreateOrg(e.ctx, app.CLI(), in)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s %s (%s)\n", o.Kind, o.Code, o.Name)
		return nil
	})
}

func cmdUser(e *env, args []string) error {
	return sub(e, "user", args, map[string]func(*env, []string) error{"add": userAdd, "list": userList, "disable": userDisable, "enable": userEnable,
		"set-role": userSetRole, "set-password": userSetPassword, "assign": userAssign})
}

func userAdd(e *env, args []string) error {
	var cfg config
	var in app.UserInput
	var role, pwFile, companies string
	fs := flags(e, "user add", "user add --org CODE --login LOGIN --role ROLE --password-file FILE [--name NAME] [--branch CODE] [--companies A,B]", &cfg)
	fs.StringVar(&in.OrgCode, "org", "", "organisation code")
	fs.StringVar(&in.Login, "login", "", "login name (unique)")
	fs.StringVar(&in.Name, "name", "", "the person's name")
	fs.StringVar(&role, "role", "", "admin, regulator-admin, supervisor, insurer-admin, manager, operator, handler, qa or compliance")
	fs.StringVar(&companies, "companies", "", "supervisors: the insurer codes they follow, comma-separated")
	fs.StringVar(&pwFile, "password-file", "", "file holding the password (- for standard input)")
	fs.StringVar(&in.BranchCode, "branch", "", "handlers: the branch they work for")
	fs.StringVar(&in.Email, "email", "", "address for the daily digest and escalations")
	fs.StringVar(&in.AgentCode, "agent", "", "when the person is also a sales agent: their agent code (never handles their own sales)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	var err error
	if in.Password, err = readPassword(e, pwFile); err != nil {
		return err
	}
	in.Role = huifang.Role(role)
	in.Companies = app.SplitCodes(companies)
	return cfg.withAdmin(e.ctx, func(s *app.Service) error {
		u, err := s.CreateUser(e.ctx, app.CLI(), in)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created user %s (%s) in %s\n", u.Login, u.Role, in.OrgCode)
		return nil
	})
}

// readPassword reads a password from a file, or standard input for "-":
// never from the command line, where other users of the machine see it.
func readPassword(e *env, file string) (string, error) {
	if file == "" {
		return "", usageError{"--password-file is required (the password never goes on the command line)"}
	}
	var pw []byte
	var err error
	if file == "-" {
		pw, err = io.ReadAll(io.LimitReader(e.stdin, 4096))
	} else {
		pw, err = os.ReadFile(file)
	}
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(string(pw), "\r\n"), nil
}
