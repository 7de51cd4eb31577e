package web_test

import (
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/demo"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
	"github.com/huifang/huifang/testworld"
	"github.com/huifang/huifang/web"
)

// pageErrors collects what the browser reports as errors: exceptions,
// console errors and CSP violations.
type pageErrors struct {
	mu   sync.Mutex
	msgs []string
}

func (p *pageErrors) listen(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	err := chromedp.Listen(b.Ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				for _, a := range e.Args {
					msg += string(a.Value) + " "
				}
			}
		case *log.EventEntryAdded:
			if strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
				break // the site has none
			}
			if e.Entry.Level == log.EntryLevelError || strings.Contains(e.Entry.Text, "Content Security Policy") {
				msg = e.Entry.Text + " " + e.Entry.URL
			}
		}
		if msg != "" {
			p.mu.Lock()
			p.msgs = append(p.msgs, msg)
			p.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (p *pageErrors) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.msgs {
		t.Errorf("browser: %s", m)
	}
	p.msgs = nil
}

// demoServer serves the demo's data (a regulator, five insurers, weeks of
// work) as of 12 March 2026.
func demoServer(t *testing.T) string {
	t.Helper()
	key, err := pii.ParseKey(pii.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	box, err := pii.New(key)
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db := storetest.Open(t, store.SQLite)
	svc := app.New(db, box, lg)
	svc.Clock = testworld.NewClock(time.Date(2026, 3, 12, 11, 30, 0, 0, time.UTC))
	if _, err := demo.Fill(ctx, db, svc, demo.Options{Policies: 1500}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(svc, web.Options{Log: lg}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// demoLogin signs in as a demo user.
func demoLogin(t *testing.T, b *browsertest.Browser, base, login string) {
	t.Helper()
	b.Do(t,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), demo.DefaultPassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("tally")),
	)
}

// canvasInk counts the painted pixels of a chart's canvas.
func canvasInk(t *testing.T, b *browsertest.Browser, id string) int {
	t.Helper()
	return eval[int](t, b, `(() => { const c = document.querySelector("#`+id+` canvas"); if (!c) return -1;
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let n = 0;
		for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })()`)
}

// TestBrowserDashboards: the regulator's dashboard draws its charts under
// the CSP, marks the companies below the targets in the ranking and in the
// chart, shows a figure's formula on hover and opens the callbacks behind a
// figure with the figure's counts; the insurer's dashboard draws its charts
// and drills from a branch down.
func TestBrowserDashboards(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	base := demoServer(t)
	var errs pageErrors
	errs.listen(t, b) // chromedp enables the log domain: CSP violations come as its entries

	demoLogin(t, b, base, "supervisor")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-dashboard")),
		chromedp.WaitVisible(`#chart-companies[data-rendered="2"]`),
		chromedp.WaitVisible(`#chart-trend-months[data-rendered]`),
		chromedp.WaitVisible(`#chart-trend-quarters[data-rendered]`),
	)
	for _, id := range []string{"chart-companies", "chart-trend-months", "chart-trend-quarters"} {
		if n := canvasInk(t, b, id); n < 2000 {
			t.Errorf("%s: %d painted pixels", id, n)
		}
	}
	companies := eval[int](t, b, `document.querySelectorAll("#ranking tbody tr[data-org]").length`)
	below := eval[int](t, b, `document.querySelectorAll("#ranking tr.below .fig.below").length`)
	if companies != 5 || below == 0 {
		t.Errorf("%d companies, %d figures below target", companies, below)
	}
	// The chart marks the same companies red.
	red := eval[int](t, b, `echarts.getInstanceByDom(document.getElementById("chart-companies")).getOption().series
		.flatMap(s => s.data).filter(d => d.label && d.label.show && d.itemStyle.borderColor === "#b42318").length`)
	if red == 0 {
		t.Error("no bar is marked below the target")
	}
	tip := eval[string](t, b, `document.querySelector('#ranking a.fig[data-indicator="success_rate"]').title`)
	if !strings.Contains(tip, "回访成功件数 ÷ 应回访件数") || !strings.Contains(tip, " ÷ ") {
		t.Errorf("hover title: %q", tip)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#submissions tbody tr").length`); n == 0 {
		t.Error("no late or missing statistics tables, nor the line that all came on time")
	}
	b.Screenshot(t, "dashboard-regulator")
	errs.check(t)

	// The trend switches to the resolution rate.
	b.Do(t, chromedp.SetValue(chromedp.ID("trend-rate"), "resolution_rate"))
	eval[bool](t, b, `document.getElementById("trend-rate").dispatchEvent(new Event("change"))`)
	if got := eval[string](t, b, `echarts.getInstanceByDom(document.getElementById("chart-trend-months")).getOption().series[0].name`); got == "" {
		t.Error("the trend lost its series")
	}

	// Click-through: the list of a company's due callbacks, of the figure's
	// denominator, with its numerator beside it.
	num := eval[string](t, b, `document.querySelector('#ranking a.fig[data-indicator="success_rate"]').dataset.num`)
	den := eval[string](t, b, `document.querySelector('#ranking a.fig[data-indicator="success_rate"]').dataset.den`)
	b.Do(t,
		chromedp.Click(`#ranking a.fig[data-indicator="success_rate"]`),
		chromedp.WaitVisible(chromedp.ID("list-total")),
	)
	if got := eval[string](t, b, `document.getElementById("list-total").dataset.total`); got != den {
		t.Errorf("list of %s callbacks behind a figure of %s", got, den)
	}
	if got := eval[string](t, b, `document.querySelector('#outcome-counts [data-outcome="successful"]').dataset.count`); got != num {
		t.Errorf("%s successful in the list, the figure says %s", got, num)
	}
	if n, _ := strconv.Atoi(den); n == 0 {
		t.Error("the first company has nothing due")
	}
	errs.check(t)

	// The insurer's dashboard.
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	demoLogin(t, b, base, "hta-manager")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-dashboard")),
		chromedp.WaitVisible(`#chart-channel[data-rendered]`),
		chromedp.WaitVisible(`#chart-design[data-rendered]`),
		chromedp.WaitVisible(`#chart-trend[data-rendered]`),
		chromedp.WaitVisible(`#chart-drill[data-rendered]`),
	)
	for _, id := range []string{"chart-channel", "chart-design", "chart-trend", "chart-drill"} {
		if n := canvasInk(t, b, id); n < 2000 {
			t.Errorf("%s: %d painted pixels", id, n)
		}
	}
	b.Screenshot(t, "dashboard-insurer")
	// Drill into the first branch: its rows are narrower, the filter shows.
	b.Do(t,
		chromedp.Click(`#table-drill a.drill-open`),
		chromedp.WaitVisible(chromedp.ID("drill-filters")),
		chromedp.WaitVisible(`#chart-drill[data-rendered]`),
	)
	b.Do(t,
		chromedp.Click(`#drill .dimtabs a[data-dim="seller"]`),
		chromedp.WaitVisible(`#drill .dimtabs a.active[data-dim="seller"]`),
		chromedp.WaitVisible(`#chart-drill[data-rendered]`),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#table-drill tbody tr[data-key]").length`); n == 0 {
		t.Error("no agent or outlet in the branch")
	}
	b.Screenshot(t, "dashboard-insurer-sellers")
	errs.check(t)
}
