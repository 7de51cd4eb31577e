package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/store"
)

// The shape of a province-sized insurer: a head office, 6 provinces, 24
// cities and 72 units (103 branches), 2,000 agents and 300 bank outlets
// spread over the units.
const (
	worldProvinces = 6
	worldCities    = 4 // per province
	worldUnits     = 3 // per city
	worldAgents    = 2000
	worldOutlets   = 300
	// worldSpare ends the numbers of the policies whose callbacks the
	// world's callback-record file finishes: one in ten.
	worldSpare = "7"
	// WorldPassword is the password of every user of a world.
	WorldPassword = "bench-password"
)

// World is a province-sized insurer's database ready to serve: what a
// benchmark needs to reach it, and what building it measured. It is saved
// as JSON beside the database, so that a world built once with --keep is
// reused by later runs (--reuse).
type World struct {
	Engine   store.Engine
	DB       string // the database URL
	Key      string // the PII key, as HUIFANG_KEY takes it
	Dir      string
	Policies int
	Year     int          // the year the year-long requests ask for
	Today    huifang.Date // the day the world was built for
	// Users: the insurer's manager "mgr" and administrator "adm", the
	// regulator's supervisor "sup", operators "op1".."opN".
	Operators int
	Tokens    map[string]string // API tokens by login
	// The files imported, kept for re-imports.
	PolicyFile, RecordFile string
	RecordRows             int
	// What building measured: the fresh import of the policy file (into a
	// database holding only the reference data) and the callback-record
	// import of RecordRows rows; peak RSS of the importing process when it
	// ran as a child.
	ImportSeconds, RecordSeconds float64
	ImportPeakMiB, RecordPeakMiB float64
	BuildSeconds                 float64
	Built                        time.Time
}

// WorldOptions say which world to build and where.
type WorldOptions struct {
	Policies  int
	Operators int
	// Keep is the directory the world stays in (the SQLite database, its
	// files, world-<engine>-<n>.json); on PostgreSQL its schema is kept.
	// Empty: the world lives in the Env's scratch directory and is dropped
	// by the cleanup BuildWorld returns.
	Keep string
	// Reuse loads a world kept before in Keep with the same engine and size
	// instead of building one.
	Reuse bool
}

func worldFile(dir string, eng store.Engine, n int) string {
	return filepath.Join(dir, fmt.Sprintf("world-%s-%d.json", eng, n))
}

// BuildWorld builds (or, with Reuse, loads) a world of o.Policies policies:
// the regulator REG with its supervisor, the insurer BENCH with its 103
// branches, agents, outlets and products imported from files, its policies
// written to a file and imported through the real import path (the
// huifang binary as a child when e.Binary is set), their callbacks settled
// over the year before today, and a callback-record file of a tenth as many
// rows (at most 100,000) imported the same way. The cleanup drops a world
// that is not kept.
func BuildWorld(ctx context.Context, e Env, o WorldOptions) (*World, func(), error) {
	if o.Policies <= 0 {
		return nil, nil, errors.New("a world needs policies")
	}
	if o.Operators <= 0 {
		o.Operators = 100
	}
	dir := e.Dir
	if o.Keep != "" {
		dir = o.Keep
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, err
		}
	}
	e.Dir = dir
	if o.Reuse && o.Keep != "" {
		b, err := os.ReadFile(worldFile(dir, e.Engine, o.Policies))
		if err == nil {
			var w World
			if err := json.Unmarshal(b, &w); err != nil {
				return nil, nil, fmt.Errorf("world file: %w", err)
			}
			if w.Operators >= o.Operators {
				e.logf("%s: reusing the world of %d policies built %s", e.Engine, w.Policies, w.Built.Format(time.DateTime))
				return &w, func() {}, nil
			}
			e.logf("%s: the kept world has %d operators, %d wanted: building it again", e.Engine, w.Operators, o.Operators)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, nil, err
		}
	}
	start := time.Now()
	keyText := pii.NewKey()
	key, _ := pii.ParseKey(keyText)
	name := fmt.Sprintf("world_%d", o.Policies)
	dbURL, drop, err := e.fresh(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	cleanup := drop
	if o.Keep != "" {
		cleanup = func() {}
	}
	fail := func(err error) (*World, func(), error) {
		drop()
		return nil, nil, err
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fail(err)
	}
	box, err := pii.New(key)
	if err != nil {
		return fail(err)
	}
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	if err := svc.LoadCalendars(ctx); err != nil {
		return fail(err)
	}
	today := huifang.DateOf(time.Now())
	w := &World{Engine: e.Engine, DB: dbURL, Key: keyText, Dir: dir, Policies: o.Policies, Year: today.Time().Year(), Today: today,
		Operators: o.Operators, Tokens: map[string]string{}}
	cli := app.CLI()
	// The demonstration profile lets operators call at any hour, so that the
	// load test runs whatever the time of day.
	if _, err := svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: "REG", Name: "某保监局", Profile: profile.Demo}); err != nil {
		return fail(err)
	}
	if _, err := svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: "BENCH", Name: "基准人寿", RegulatorCode: "REG", ServicePhone: "95500"}); err != nil {
		return fail(err)
	}
	for _, f := range []struct {
		kind importer.Kind
		body string
	}{{importer.KindBranches, worldBranches()}, {importer.KindProducts, Fixture.Products}, {importer.KindAgents, worldAgentsCSV()}, {importer.KindOutlets, worldOutletsCSV()}} {
		p := filepath.Join(dir, "world-"+string(f.kind)+".csv")
		if err := os.WriteFile(p, []byte(f.body), 0o600); err != nil {
			return fail(err)
		}
		if _, err := svc.ImportFile(ctx, cli, "BENCH", f.kind, p, filepath.Base(p), nil); err != nil {
			return fail(fmt.Errorf("world %s: %w", f.kind, err))
		}
	}
	users := []app.UserInput{
		{OrgCode: "BENCH", Login: "mgr", Name: "经理", Role: huifang.RoleManager},
		{OrgCode: "BENCH", Login: "adm", Name: "管理员", Role: huifang.RoleInsurerAdmin},
		{OrgCode: "REG", Login: "sup", Name: "监管员", Role: huifang.RoleSupervisor},
	}
	for i := 1; i <= o.Operators; i++ {
		users = append(users, app.UserInput{OrgCode: "BENCH", Login: fmt.Sprint("op", i), Name: fmt.Sprint("坐席", i), Role: huifang.RoleOperator})
	}
	for _, u := range users {
		u.Password = WorldPassword
		if _, err := svc.CreateUser(ctx, cli, u); err != nil {
			return fail(fmt.Errorf("user %s: %w", u.Login, err))
		}
		t, err := svc.CreateToken(ctx, cli, app.TokenInput{OrgCode: u.OrgCode, Login: u.Login})
		if err != nil {
			return fail(fmt.Errorf("token of %s: %w", u.Login, err))
		}
		w.Tokens[u.Login] = t
	}
	if _, err := svc.AssignCompanies(ctx, cli, "REG", "sup", []string{"BENCH"}); err != nil {
		return fail(err)
	}

	w.PolicyFile = filepath.Join(dir, fmt.Sprintf("world-policies-%d.csv", o.Policies))
	e.logf("%s: writing %d policies to %s", e.Engine, o.Policies, w.PolicyFile)
	if err := writeWorldPolicies(w.PolicyFile, "W", o.Policies, today); err != nil {
		return fail(err)
	}
	e.logf("%s: importing %d policies", e.Engine, o.Policies)
	res, err := e.importFile(ctx, svc, dbURL, keyText, importer.KindPolicies, w.PolicyFile)
	if err != nil {
		return fail(fmt.Errorf("policy import: %w", err))
	}
	w.ImportSeconds, w.ImportPeakMiB = res.seconds, res.peakMiB
	e.logf("%s: imported in %.1fs; settling the callbacks of the year", e.Engine, w.ImportSeconds)
	org, err := db.FindOrgByCode(ctx, "BENCH")
	if err != nil {
		return fail(err)
	}
	if err := db.Bench().SettleWorld(ctx, org.ID, today, worldSpare); err != nil {
		return fail(err)
	}
	w.RecordFile = filepath.Join(dir, fmt.Sprintf("world-callbacks-%d.csv", o.Policies))
	if w.RecordRows, err = writeWorldRecords(w.RecordFile, o.Policies, today); err != nil {
		return fail(err)
	}
	e.logf("%s: importing %d callback records", e.Engine, w.RecordRows)
	res, err = e.importFile(ctx, svc, dbURL, keyText, importer.KindCallbacks, w.RecordFile)
	if err != nil {
		return fail(fmt.Errorf("callback-record import: %w", err))
	}
	w.RecordSeconds, w.RecordPeakMiB = res.seconds, res.peakMiB
	w.BuildSeconds = time.Since(start).Seconds()
	w.Built = time.Now()
	e.logf("%s: world built in %.0fs (policy import %.1fs, %d callback records %.1fs)", e.Engine, w.BuildSeconds, w.ImportSeconds, w.RecordRows, w.RecordSeconds)
	if o.Keep != "" {
		b, _ := json.MarshalIndent(w, "", "  ")
		if err := os.WriteFile(worldFile(dir, e.Engine, o.Policies), b, 0o600); err != nil {
			return fail(err)
		}
	}
	return w, cleanup, nil
}

type importRun struct {
	seconds, peakMiB float64
	out              string
}

// importFile imports a file into BENCH as a user does from the command
// line: `huifang import KIND --org BENCH --db URL FILE` as a child (its wall
// time and peak RSS), or in this process when there is no binary (tests).
func (e Env) importFile(ctx context.Context, svc *app.Service, dbURL, keyText string, kind importer.Kind, path string) (importRun, error) {
	var r importRun
	start := time.Now()
	if e.Binary == "" {
		if svc == nil {
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				return r, err
			}
			defer db.Close()
			key, _ := pii.ParseKey(keyText)
			box, err := pii.New(key)
			if err != nil {
				return r, err
			}
			svc = app.New(db, box, slog.New(slog.DiscardHandler))
			if err := svc.LoadCalendars(ctx); err != nil {
				return r, err
			}
		}
		res, err := svc.ImportFile(ctx, app.CLI(), "BENCH", kind, path, filepath.Base(path), nil)
		r.seconds = time.Since(start).Seconds()
		if err != nil && res != nil && res.Report != nil {
			return r, fmt.Errorf("%w\n%s", err, firstLines(res.Report.String(), 10))
		}
		return r, err
	}
	cmd := exec.CommandContext(ctx, e.Binary, "import", string(kind), "--org", "BENCH", "--db", dbURL, path)
	cmd.Env = append(os.Environ(), "HUIFANG_KEY="+keyText, "HUIFANG_KEY_FILE=")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return r, err
	}
	peak := make(chan int64)
	go func() { peak <- watchPeak(cmd.Process.Pid) }()
	err := cmd.Wait()
	r.seconds = time.Since(start).Seconds()
	r.peakMiB = float64(<-peak) / 1024
	r.out = strings.TrimSpace(out.String())
	if err != nil {
		return r, fmt.Errorf("huifang import %s: %w\n%s", kind, err, firstLines(r.out, 10))
	}
	e.logf("  %s", firstLines(r.out, 3))
	return r, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// worldUnit is the code of the u-th unit (0 to 71): 86 PP CC UU.
func worldUnit(u int) string {
	p, c, k := u/(worldCities*worldUnits), (u/worldUnits)%worldCities, u%worldUnits
	return fmt.Sprintf("86%02d%02d%02d", p+1, c+1, k+1)
}

const worldUnitCount = worldProvinces * worldCities * worldUnits

func worldBranches() string {
	var b strings.Builder
	b.WriteString("机构代码,机构名称,上级机构代码\n86,总公司,\n")
	for p := 1; p <= worldProvinces; p++ {
		fmt.Fprintf(&b, "86%02d,第%d省分公司,86\n", p, p)
		for c := 1; c <= worldCities; c++ {
			fmt.Fprintf(&b, "86%02d%02d,第%d省第%d市分公司,86%02d\n", p, c, p, c, p)
			for k := 1; k <= worldUnits; k++ {
				fmt.Fprintf(&b, "86%02d%02d%02d,第%d省第%d市第%d营业部,86%02d%02d\n", p, c, k, p, c, k, p, c)
			}
		}
	}
	return b.String()
}

func worldAgent(j int) string  { return fmt.Sprintf("A%04d", j+1) }
func worldOutlet(j int) string { return fmt.Sprintf("B%03d", j+1) }

func worldAgentsCSV() string {
	var b strings.Builder
	b.WriteString("业务员代码,姓名,手机号,机构代码,执业证号,状态\n")
	for j := 0; j < worldAgents; j++ {
		r := rand.New(rand.NewPCG(uint64(j), 11))
		name := string([]rune{surnames[r.IntN(len(surnames))], given[r.IntN(len(given))], given[r.IntN(len(given))]})
		fmt.Fprintf(&b, "%s,%s,139%08d,%s,0002%07d,在职\n", worldAgent(j), name, j+1, worldUnit(j%worldUnitCount), j+1)
	}
	return b.String()
}

func worldOutletsCSV() string {
	var b strings.Builder
	b.WriteString("网点代码,网点名称,所属银行,机构代码\n")
	banks := []string{"工商银行", "农业银行", "中国银行", "建设银行", "邮储银行"}
	for j := 0; j < worldOutlets; j++ {
		bank := banks[j%len(banks)]
		fmt.Fprintf(&b, "%s,%s第%d支行,%s,%s\n", worldOutlet(j), bank, j+1, bank, worldUnit(j%worldUnitCount))
	}
	return b.String()
}

// worldRow is the i-th policy of a world: sold by one of the agents (three
// in four) or at one of the outlets, in the seller's unit, its receipt
// signed on one of the 365 days before today.
func worldRow(prefix string, i int, today huifang.Date) (Row, string) {
	row := MakeRow(i, today)
	r := rand.New(rand.NewPCG(uint64(i), 13))
	row.No = fmt.Sprintf("%s%09d", prefix, i)
	row.Receipt = today.AddDays(-1 - r.IntN(365))
	row.Applied, row.Issued = row.Receipt.AddDays(-10), row.Receipt.AddDays(-5)
	var unit string
	if i%4 == 1 {
		j := r.IntN(worldOutlets)
		row.Channel, row.Agent, row.Outlet, unit = "银保", "", worldOutlet(j), worldUnit(j%worldUnitCount)
	} else {
		j := r.IntN(worldAgents)
		row.Channel, row.Agent, row.Outlet, unit = "个险", worldAgent(j), "", worldUnit(j%worldUnitCount)
	}
	return row, unit
}

// writeWorldPolicies writes policies 1..n of a world, numbered prefix+i.
func writeWorldPolicies(path, prefix string, n int, today huifang.Date) error {
	return writeWorldPolicyRange(path, prefix, 1, n, today)
}

func writeWorldPolicyRange(path, prefix string, from, to int, today huifang.Date) error {
	return writePolicyRows(path, from, to, func(i int) (Row, string) { return worldRow(prefix, i, today) })
}

// writeWorldRecords writes the callback-record file of a world: the
// policies whose number ends in worldSpare and whose receipt is at least 3
// days old, at most n/10 and 100,000 rows, reported called two days after
// the receipt; one in ten completed with a mis-selling problem.
func writeWorldRecords(path string, n int, today huifang.Date) (int, error) {
	limit := min(n/10, 100000)
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	io.WriteString(w, "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果\n")
	rows := 0
	for i := 1; i <= n && rows < limit; i++ {
		if strconv.Itoa(i%10) != worldSpare {
			continue
		}
		r, _ := worldRow("W", i, today)
		if r.Receipt.After(today.AddDays(-3)) {
			continue
		}
		day := r.Receipt.AddDays(2)
		if i%100 == 17 {
			fmt.Fprintf(w, "%s,电话,%s 10:30,完成但有问题,销售误导,%s,,\n", r.No, day, day)
		} else {
			fmt.Fprintf(w, "%s,电话,%s 10:30,成功,,,,\n", r.No, day)
		}
		rows++
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return rows, f.Close()
}
