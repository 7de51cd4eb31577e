// Package cli is huifang's command layer: it parses subcommands and flags
// (standard library only), reads configuration from flags and HUIFANG_*
// environment variables, wires the store, the key and the services, and runs.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
)

// Version is set at build time with -ldflags "-X github.com/huifang/huifang/cli.Version=...".
var Version = "0.1.0-dev"

// env is the I/O of one run.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web UI and the JSON API", cmdServe},
		{"migrate", "bring the database schema up to date", cmdMigrate},
		{"demo", "create a fresh demo database, print its logins and serve it", cmdDemo},
		{"org", "organisations: org add --kind regulator|insurer --code CODE --name NAME [--regulator CODE]; org set --code CODE --service-phone 95xxx", cmdOrg},
		{"user", "users: user add|list|disable|enable|set-role|set-password|assign --org CODE [--login LOGIN ...]", cmdUser},
		{"token", "API tokens: token add --org CODE --login LOGIN [--name NAME] [--expires 90d] | list --org CODE | revoke --org CODE --id ID", cmdToken},
		{"import", "import branches|products|agents|outlets|policies|callbacks --org CODE FILE | status --org CODE", cmdImport},
		{"agent", "agents: agent leave --org CODE --agent CODE [--on DATE] [--successor CODE] | list --org CODE | show --org CODE --agent CODE", cmdAgent},
		{"script", "callback scripts: script check FILE | export CODE | list", cmdScript},
		{"calendar", "working-day calendar: calendar load FILE | show YEAR | add --from DATE --workdays N", cmdCalendar},
		{"jobs", "background jobs: jobs run (serve runs them itself)", cmdJobs},
		{"export", "export callbacks --org CODE [--format csv|xlsx]", cmdExport},
		{"report", "statistics tables: report stats --org CODE --period 2026-03|2026-Q1|2026 [--format json|csv|xlsx]", cmdReport},
		{"key", "personal-data key: key check | key rotate --new-key-file FILE", cmdKey},
		{"inspection", "on-site inspection package: inspection export --org CODE --from DATE --to DATE --out FILE.zip [--reveal-reason TEXT]", cmdInspection},
		{"misconduct", "agents' misconduct records: misconduct list --org CODE [--status S] [--reg-no NO] [--format csv|json] | confirm|reject --org CODE --id N --reason TEXT [--category C]", cmdMisconduct},
		{"rectification", "rectification notices: rectification send --org REG --company CODE --subject S --due D --body TEXT | list --org CODE [--status S]", cmdRectification},
		{"disclosure", "quarterly public disclosure: disclosure publish --org REG --period 2026-Q1 | erratum --org REG --period P --company CODE --note TEXT [--indicator ID --value X] | list --org REG | export --org REG --period P [--format csv|xlsx]", cmdDisclosure},
		{"spotcheck", "spot checks: spotcheck draw --org REG --period P [--companies A,B] [--rate 0.5%] [--min 1200] [--seed N] | export --org REG --id N [--format csv|xlsx] [--out FILE]", cmdSpotCheck},
		{"qa", "QA scoring of calls: " + qaUse, cmdQA},
		{"bench", "measure import and next-callback performance (see docs/performance.md)", cmdBench},
		{"version", "print the version", func(e *env, _ []string) error { fmt.Fprintln(e.stdout, "huifang", Version); return nil }},
	}
}

// Main runs huifang with the arguments after the program name and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(e, args[1:])
			if err == nil {
				return 0
			}
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			var ue usageError
			if errors.As(err, &ue) {
				fmt.Fprintln(stderr, "huifang "+c.name+":", ue.msg)
				return 2
			}
			fmt.Fprintln(stderr, "huifang "+c.name+":", message(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "huifang: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// message is what a user sees of an error: the safe message of an
// application error, or the error itself on the command line (the operator
// running it owns the machine).
func message(err error) string {
	var ae *huifang.Error
	if errors.As(err, &ae) {
		return ae.Text(i18n.ZH)
	}
	return err.Error()
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usage(w io.Writer) {
	fmt.Fprintln(w, "huifang — insurance customer callbacks and their supervision (客户回访)")
	fmt.Fprintln(w, "\nUsage: huifang COMMAND [flags]; huifang COMMAND --help for its flags.\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command that opens the database takes --db (HUIFANG_DB): sqlite:PATH (default sqlite:huifang.db) or postgres://...")
	fmt.Fprintln(w, "and --key-file (HUIFANG_KEY_FILE) or HUIFANG_KEY: the base64 key that encrypts phone and ID numbers.")
}

// config is what opens the database and the personal-data key.
type config struct {
	db      string
	keyFile string
}

// flags makes a flag set for a subcommand with the common flags; defaults come
// from the environment.
func flags(e *env, name, usageLine string, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("huifang "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: huifang %s\n\nFlags:\n", usageLine)
		fs.PrintDefaults()
	}
	if cfg != nil {
		fs.StringVar(&cfg.db, "db", envOr("HUIFANG_DB", "sqlite:huifang.db"), "database: sqlite:PATH or postgres://... (env HUIFANG_DB)")
		fs.StringVar(&cfg.keyFile, "key-file", os.Getenv("HUIFANG_KEY_FILE"), "file holding the base64 personal-data key (env HUIFANG_KEY_FILE; or the key itself in HUIFANG_KEY)")
	}
	return fs
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parse parses flags, before or after the arguments, and refuses stray
// arguments beyond want.
func parse(fs *flag.FlagSet, args []string, want int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != want {
		return nil, usageError{fmt.Sprintf("expected %d argument(s), got %d: %s", want, len(pos), strings.Join(pos, " "))}
	}
	return pos, nil
}

// key loads the personal-data key from the key file or HUIFANG_KEY.
func (c *config) key() (*pii.Box, error) {
	var raw []byte
	var err error
	switch {
	case c.keyFile != "":
		raw, err = pii.LoadKey(c.keyFile)
	case os.Getenv("HUIFANG_KEY") != "":
		raw, err = pii.ParseKey(os.Getenv("HUIFANG_KEY"))
	default:
		return nil, errors.New("no personal-data key: give --key-file FILE (or HUIFANG_KEY_FILE), or HUIFANG_KEY; make one with: head -c 32 /dev/urandom | base64 > huifang.key")
	}
	if err != nil {
		return nil, err
	}
	return pii.New(raw)
}

// open opens the database, checks that its schema is current, and refuses
// it while a key rotation is unfinished.
func (c *config) open(ctx context.Context) (*store.DB, error) {
	db, err := c.openAny(ctx)
	if err != nil {
		return nil, err
	}
	st, err := db.KeyState(ctx)
	if err == nil && st.Rotation != nil {
		err = app.ErrRotating
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openAny opens the database and checks that its schema is current.
func (c *config) openAny(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, c.db)
	if err != nil {
		return nil, err
	}
	if err := db.SchemaCurrent(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// withAdmin opens the database for a command that needs no personal-data key
// (organisations, users, tokens) and runs fn with a service over it.
func (c *config) withAdmin(ctx context.Context, fn func(*app.Service) error) error {
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(app.New(db, nil, nil))
}

// service opens everything a data command needs. The key is checked against
// the database's before anything else is read or written: this is the one
// place every command with a key goes through.
func (c *config) service(ctx context.Context, log *slog.Logger) (*app.Service, error) {
	box, err := c.key()
	if err != nil {
		return nil, err
	}
	db, err := c.open(ctx)
	if err != nil {
		return nil, err
	}
	svc := app.New(db, box, log)
	if err := svc.CheckKey(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return svc, nil
}

func cmdMigrate(e *env, args []string) error {
	var cfg config
	fs := flags(e, "migrate", "migrate [--db URL]", &cfg)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := store.Open(e.ctx, cfg.db)
	if err != nil {
		return err
	}
	defer db.Close()
	done, err := db.Migrate(e.ctx)
	if err != nil {
		return err
	}
	applied, _, err := db.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintf(e.stdout, "schema is up to date (version %d)\n", applied)
	} else {
		fmt.Fprintf(e.stdout, "applied migrations %v; schema is at version %d\n", done, applied)
	}
	return nil
}

// sub dispatches "NOUN VERB" commands such as "org add".
func sub(e *env, noun string, args []string, verbs map[string]func(*env, []string) error) error {
	if len(args) == 0 || verbs[args[0]] == nil {
		names := make([]string, 0, len(verbs))
		for k := range verbs {
			names = append(names, k)
		}
		sort.Strings(names)
		return usageError{fmt.Sprintf("usage: huifang %s %s ...", noun, strings.Join(names, "|"))}
	}
	return verbs[args[0]](e, args[1:])
}
