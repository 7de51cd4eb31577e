package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
)

// CallbackImportFigures compare the callback-record import with the policy
// import on one engine, both run in this process on the same database.
type CallbackImportFigures struct {
	Engine          store.Engine
	Rows            int
	Cases           int     // problem cases the callback file opened
	PolicySeconds   float64 // importing the N policies
	CallbackSeconds float64 // importing N callback records against them
	ReloadSeconds   float64 // importing the same callback file again (all unchanged)
}

// PolicyRate and CallbackRate are rows per second; Ratio is callback ÷ policy.
func (f CallbackImportFigures) PolicyRate() float64   { return float64(f.Rows) / f.PolicySeconds }
func (f CallbackImportFigures) CallbackRate() float64 { return float64(f.Rows) / f.CallbackSeconds }
func (f CallbackImportFigures) Ratio() float64        { return f.CallbackRate() / f.PolicyRate() }

// CallbackImport imports n synthetic policies, then a callback-record file
// finishing each policy's new-business callback (one row in ten with a
// problem case, half of those resolved), then the same file again, and
// times each import.
func CallbackImport(ctx context.Context, e Env, n int) (CallbackImportFigures, error) {
	fig := CallbackImportFigures{Engine: e.Engine, Rows: n}
	today := huifang.DateOf(time.Now())
	policies := filepath.Join(e.Dir, fmt.Sprintf("policies-%d.csv", n))
	if _, err := os.Stat(policies); err != nil {
		e.logf("writing %d policies to %s", n, policies)
		if err := WritePolicies(policies, n, today); err != nil {
			return fig, err
		}
	}
	callbacks := filepath.Join(e.Dir, fmt.Sprintf("callbacks-%d.csv", n))
	cases, err := WriteCallbacks(callbacks, n, today)
	if err != nil {
		return fig, err
	}
	fig.Cases = cases
	key, _ := pii.ParseKey(pii.NewKey())
	svc, _, _, _, cleanup, err := e.setup(ctx, "cbimport", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	run := func(kind importer.Kind, path string) (float64, *app.ImportResult, error) {
		start := time.Now()
		res, err := svc.ImportFile(ctx, app.CLI(), "BENCH", kind, path, filepath.Base(path), nil)
		return time.Since(start).Seconds(), res, err
	}
	e.logf("%s: importing %d policies", e.Engine, n)
	if fig.PolicySeconds, _, err = run(importer.KindPolicies, policies); err != nil {
		return fig, fmt.Errorf("import policies: %w", err)
	}
	e.logf("%s: importing %d callback records", e.Engine, n)
	var res *app.ImportResult
	if fig.CallbackSeconds, res, err = run(importer.KindCallbacks, callbacks); err != nil {
		return fig, fmt.Errorf("import callbacks: %w", err)
	}
	if res.Counts.Updated != n || res.Cases != cases {
		return fig, fmt.Errorf("callback import finished %d callbacks and opened %d cases, want %d and %d", res.Counts.Updated, res.Cases, n, cases)
	}
	e.logf("%s: importing the same %d callback records again", e.Engine, n)
	if fig.ReloadSeconds, res, err = run(importer.KindCallbacks, callbacks); err != nil {
		return fig, fmt.Errorf("import callbacks again: %w", err)
	}
	if res.Counts.Unchanged != n {
		return fig, fmt.Errorf("callback re-import left %d unchanged, want %d", res.Counts.Unchanged, n)
	}
	return fig, nil
}

// WriteCallbacks writes a callback-record file for the first n synthetic
// policies (MakeRow), all finished today; every tenth row reports a problem
// case opened today, every twentieth one resolved today. It returns how
// many cases the file opens.
func WriteCallbacks(path string, n int, today huifang.Date) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	io.WriteString(w, "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果\n")
	d := today.String()
	cases := 0
	for i := 1; i <= n; i++ {
		no := MakeRow(i, today).No
		switch {
		case i%20 == 0:
			fmt.Fprintf(w, "%s,电话,%s 00:00,完成但有问题,客户抱怨及投诉,%s,%s,处理成功\n", no, d, d, d)
			cases++
		case i%10 == 0:
			fmt.Fprintf(w, "%s,电话,%s 00:00,完成但有问题,销售误导,%s,,\n", no, d, d)
			cases++
		default:
			fmt.Fprintf(w, "%s,电话,%s 00:00,成功,,,,\n", no, d)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return cases, f.Close()
}
