package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/demo"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/store"
)

// demoDB is where the demo lives unless --db or HUIFANG_DB say otherwise;
// not the default huifang.db, which may hold real data.
const demoDB = "sqlite:huifang-demo.db"

// demoKeyName is the demo's personal-data key file, next to its database.
const demoKeyName = "huifang-demo.key"

// demoRecordingsName is the directory of the demo's recordings, beside its
// database unless HUIFANG_RECORDINGS_DIR or the S3 settings say otherwise.
const demoRecordingsName = "huifang-demo-recordings"

func cmdDemo(e *env, args []string) error {
	var cfg config
	var addr string
	var policies int
	var noServe bool
	fs := flags(e, "demo", "demo [--addr 127.0.0.1:8080] [--db URL] [--policies N] [--no-serve]", &cfg)
	fs.StringVar(&addr, "addr", envOr("HUIFANG_ADDR", DefaultAddr), "address to listen on; :8080 for every interface (env HUIFANG_ADDR)")
	fs.IntVar(&policies, "policies", 3000, "how many policies to make up")
	fs.BoolVar(&noServe, "no-serve", false, "create the demo database and print the logins, then exit")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if !flagGiven(fs, "db") && os.Getenv("HUIFANG_DB") == "" {
		cfg.db = demoDB
	}
	if policies < 1 || policies > 100_000 {
		return usageError{"--policies must be between 1 and 100000"}
	}
	if cfg.keyFile != "" {
		fmt.Fprintf(e.stderr, "note: the demo makes its own personal-data key (%s); --key-file / HUIFANG_KEY_FILE is not used\n", demoKeyName)
	}

	start := time.Now()
	fmt.Fprintf(e.stdout, "Creating a fresh demo database in %s ...\n", shownDB(cfg.db))
	db, err := freshDemoDB(e.ctx, cfg.db)
	if err != nil {
		return err
	}
	defer db.Close()
	keyPath, box, err := demoKey(cfg.db)
	if err != nil {
		return err
	}
	svc := app.New(db, box, slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err := svc.CheckKey(e.ctx); err != nil { // keys the fresh database
		return err
	}
	// The demo's calls have recordings: where HUIFANG_RECORDINGS_DIR or
	// the S3 settings say, else in a directory beside the demo database.
	recDir := ""
	if _, s3, _ := blob.S3ConfigFromEnv(os.Getenv); !s3 && os.Getenv("HUIFANG_RECORDINGS_DIR") == "" {
		dir := "."
		if path, ok := strings.CutPrefix(cfg.db, "sqlite:"); ok {
			dir = filepath.Dir(path)
		}
		if recDir, err = filepath.Abs(filepath.Join(dir, demoRecordingsName)); err != nil {
			return err
		}
		svc.Blobs, err = blob.NewLocal(recDir)
	} else {
		svc.Blobs, err = recordingStore()
	}
	if err != nil {
		return fmt.Errorf("recording storage: %w", err)
	}
	logins, err := demo.Fill(e.ctx, db, svc, demo.Options{Policies: policies})
	if err != nil {
		return err
	}
	if err := printDemoSummary(e.ctx, e.stdout, db, svc, time.Since(start)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nPersonal-data key: %s\n", keyPath)
	if recDir != "" {
		fmt.Fprintf(e.stdout, "Recordings: %s\n", recDir)
		fmt.Fprintf(e.stdout, "To serve this database again later:\n  HUIFANG_KEY_FILE=%s HUIFANG_RECORDINGS_DIR=%s huifang serve --db %s\n\n", keyPath, recDir, shownDB(cfg.db))
	} else {
		fmt.Fprintf(e.stdout, "To serve this database again later:\n  HUIFANG_KEY_FILE=%s huifang serve --db %s\n\n", keyPath, shownDB(cfg.db))
	}
	printLogins(e.stdout, logins)
	if noServe {
		return nil
	}
	fmt.Fprintln(e.stdout)
	svc.SMS = sms.Outbox{Store: db} // electronic callbacks' messages, for insurer administrators to read
	return serve(e, svc, serveOptions{addr: addr}, func(listening string) {
		svc.PublicURL = browserURL(listening)
		fmt.Fprintf(e.stdout, "Open %s in a browser and log in with one of the logins above; Ctrl-C stops.\n", browserURL(listening))
	})
}

// flagGiven reports whether a flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}

// shownDB is a database URL without its password.
func shownDB(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		return u.Redacted()
	}
	return db
}

// freshDemoDB empties the database and migrates it. It refuses a database
// holding organisations when the demo regulator is not among them: that is
// someone's real data, and a mistyped --db must not erase it.
func freshDemoDB(ctx context.Context, dbURL string) (*store.DB, error) {
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		if err := checkDemoFile(ctx, dbURL, path); err != nil {
			return nil, err
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("remove the old demo database: %w", err)
			}
		}
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			return nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	err = checkDemo(ctx, db, shownDB(dbURL))
	if err == nil {
		err = db.Reset(ctx)
	}
	if err == nil {
		_, err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkDemoFile lets the demo replace a missing or empty file, or an
// earlier demo database.
func checkDemoFile(ctx context.Context, dbURL, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if st.Size() == 0 {
		return nil
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return notDemo(path)
	}
	defer db.Close()
	if _, err := db.ListOrgs(ctx, 0); err != nil {
		return notDemo(path)
	}
	return checkDemo(ctx, db, path)
}

// checkDemo passes a database without organisations (or without tables),
// or one the demo made.
func checkDemo(ctx context.Context, db *store.DB, shown string) error {
	orgs, err := db.ListOrgs(ctx, 0)
	if err != nil {
		return nil // no huifang tables: nothing of ours to lose
	}
	for _, o := range orgs {
		if o.Code == demo.RegulatorCode {
			return nil
		}
	}
	if len(orgs) > 0 {
		return notDemo(shown)
	}
	return nil
}

func notDemo(shown string) error {
	return huifang.Errorf(huifang.ECONFLICT, "%s exists and is not a huifang demo database: the demo would erase it. Choose another --db (or remove it yourself)", shown)
}

// demoKey makes a new personal-data key and saves it next to the database
// (in the working directory for PostgreSQL).
func demoKey(dbURL string) (string, *pii.Box, error) {
	dir := "."
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		dir = filepath.Dir(path)
	}
	keyPath, err := filepath.Abs(filepath.Join(dir, demoKeyName))
	if err != nil {
		return "", nil, err
	}
	key := pii.NewKey()
	if err := os.WriteFile(keyPath, []byte(key+"\n"), 0o600); err != nil {
		return "", nil, fmt.Errorf("save the demo key: %w", err)
	}
	raw, err := pii.ParseKey(key)
	if err != nil {
		return "", nil, err
	}
	box, err := pii.New(raw)
	return keyPath, box, err
}

// printDemoSummary says what the demo holds.
func printDemoSummary(ctx context.Context, w io.Writer, db *store.DB, svc *app.Service, took time.Duration) error {
	orgs, err := db.ListOrgs(ctx, 0)
	if err != nil {
		return err
	}
	var t huifang.CallbackTally
	insurers, policies, problems := 0, 0, 0
	today := huifang.DateOf(svc.Clock.Now())
	for _, o := range orgs {
		if o.Kind != huifang.KindInsurer {
			continue
		}
		insurers++
		n, err := db.CountPolicies(ctx, o.ID)
		if err != nil {
			return err
		}
		policies += n
		x, err := db.TallyCallbacks(ctx, o.ID, today)
		if err != nil {
			return err
		}
		ps, err := db.ListProblemCases(ctx, o.ID, huifang.ProblemFilter{Limit: 5000})
		if err != nil {
			return err
		}
		problems += len(ps)
		t.Open += x.Open
		t.Scheduled += x.Scheduled
		t.Electronic += x.Electronic
		t.Successful += x.Successful
		t.Problems += x.Problems
		t.NotCompleted += x.NotCompleted
		t.Late += x.Late
		t.Overdue += x.Overdue
	}
	done := t.Successful + t.Problems + t.NotCompleted
	fmt.Fprintf(w, "Made in %s: %d insurers, %d policies, %d callbacks:\n", took.Round(100*time.Millisecond), insurers, policies, done+t.Open+t.Scheduled+t.Electronic)
	fmt.Fprintf(w, "  %d done (%d successful, %d with problems, %d not completed; %d late), %d problem cases\n",
		done, t.Successful, t.Problems, t.NotCompleted, t.Late, problems)
	fmt.Fprintf(w, "  %d open (%d overdue), %d scheduled\n", t.Open, t.Overdue, t.Scheduled)
	return nil
}

// printLogins prints the demo users as a table aligned for a terminal,
// where a Chinese character takes two columns.
func printLogins(w io.Writer, l *demo.Logins) {
	rows := [][]string{{"机构代码", "机构名称", "登录名", "角色", "密码"}}
	for _, u := range l.Users {
		rows = append(rows, []string{u.OrgCode, u.OrgName, u.Login, string(u.Role) + " " + i18n.T(i18n.ZH, "role."+string(u.Role)), u.Password})
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for n, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
		if n == 0 {
			total := 0
			for _, wd := range widths {
				total += wd + 2
			}
			fmt.Fprintln(w, strings.Repeat("-", total-2))
		}
	}
}

// displayWidth counts East Asian wide characters (CJK, full-width forms) as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 && r <= 0xFFEF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// browserURL turns a listening address into one a browser on this machine opens.
func browserURL(listening string) string {
	host, port, err := net.SplitHostPort(listening)
	if err != nil {
		return "http://" + listening + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
