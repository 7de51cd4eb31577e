package web_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/demo"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
	"github.com/huifang/huifang/testworld"
	"github.com/huifang/huifang/web"
)

// demoServerWithRecordings serves the demo as of a moment, with recording
// storage, so that the demo's calls have their recordings.
func demoServerWithRecordings(t *testing.T, now time.Time) (string, *store.DB) {
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
	svc.Clock = testworld.NewClock(now)
	if svc.Blobs, err = blob.NewLocal(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Fill(ctx, db, svc, demo.Options{Policies: 1500}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(svc, web.Options{Log: lg}))
	t.Cleanup(srv.Close)
	return srv.URL, db
}

// TestBrowserFiguresAndDemo, on the demo as of Saturday 5 December 2026
// (a quarter and a month still running):
//   - the insurer's dashboard counts the callbacks due so far, says 截至
//     2026-12-05 with the full quarter's due count beside it, and the list
//     behind the due count has as many callbacks as the figure;
//   - the statistics table says the same and its wide table scrolls inside
//     its card while the page does not scroll sideways;
//   - the regulator's late and missing tables are one row per company;
//   - the English menu fits on one line at 1,440 px for every demo role;
//   - the demo's recordings play (the audio element loads its data) and an
//     agent's departure is in progress, held by orphan callbacks.
func TestBrowserFiguresAndDemo(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	base, db := demoServerWithRecordings(t, time.Date(2026, 12, 5, 3, 30, 0, 0, time.UTC)) // 11:30 in Beijing
	var errs pageErrors
	errs.listen(t, b)
	logout := func() {
		b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	}

	// The insurer's dashboard: the fourth quarter is running.
	demoLogin(t, b, base, "hta-manager")
	b.Do(t,
		chromedp.Navigate(base+"/dashboard?period=2026-Q4"),
		chromedp.WaitVisible(`#chart-channel[data-rendered]`),
	)
	if got := b.Text(t, "#dash-sofar"); got != "截至 2026-12-05" {
		t.Errorf("as-of: %q", got)
	}
	due, _ := strconv.Atoi(b.Text(t, "#count-due"))
	full := b.Text(t, "#count-duefull")
	var fullN int
	if _, err := fmt.Sscanf(full, "全期应回访 %d", &fullN); err != nil || due == 0 || fullN <= due {
		t.Errorf("due so far %d, full period %q", due, full)
	}
	den := eval[string](t, b, `document.querySelector('#headline a.fig[data-indicator="success_rate"]').dataset.den`)
	if den != strconv.Itoa(due) {
		t.Errorf("success rate over %s, %d due so far", den, due)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#table-channel small.duefull").length`); n == 0 {
		t.Error("no channel row shows its full period's due count")
	}
	b.Screenshot(t, "figures-running-dashboard")
	b.Do(t, chromedp.Navigate(base+"/dashboard?period=2026-Q4&lang=en"), chromedp.WaitVisible(`#chart-channel[data-rendered]`))
	if got := b.Text(t, "#dash-sofar"); got != "As of 2026-12-05" || !strings.Contains(b.Text(t, "#count-duefull"), "due over the full period") {
		t.Errorf("English as-of: %q", got)
	}
	b.Screenshot(t, "figures-running-dashboard-en")
	b.Do(t, chromedp.Navigate(base+"/dashboard?period=2026-Q4&lang=zh"), chromedp.WaitVisible(`#chart-channel[data-rendered]`))
	b.Do(t, chromedp.Click(chromedp.ID("count-due")), chromedp.WaitVisible(chromedp.ID("list-total")))
	if got := eval[string](t, b, `document.getElementById("list-total").dataset.total`); got != strconv.Itoa(due) {
		t.Errorf("the list behind %d due so far has %s", due, got)
	}
	if u := eval[string](t, b, `location.search`); !strings.Contains(u, "due_to=2026-12-05") {
		t.Errorf("list %s", u)
	}
	errs.check(t)

	// The statistics table of the running quarter, and its wide table.
	b.Do(t, chromedp.Navigate(base+"/stats?period=2026-Q4"), chromedp.WaitVisible(chromedp.ID("stats-sofar")))
	if got := b.Text(t, "#stats-sofar"); !strings.Contains(got, "截至 2026-12-05") || !strings.Contains(got, strconv.Itoa(fullN)) {
		t.Errorf("stats as-of: %q", got)
	}
	checkScrollsInCard(t, b, "#stats-heading")
	b.Screenshot(t, "figures-stats-table")
	eval[int](t, b, `document.querySelector(".card.flush .tablewrap").scrollLeft = 10000`)
	b.Screenshot(t, "figures-stats-table-scrolled")
	errs.check(t)

	// The departure in progress, for the insurer's administrator.
	logout()
	demoLogin(t, b, base, "hta-admin")
	org, err := db.FindOrgByCode(ctx, "HTAK")
	if err != nil {
		t.Fatal(err)
	}
	deps, err := db.ListDepartures(ctx, org.ID, huifang.DepartureLeaving)
	if err != nil || len(deps) == 0 {
		t.Fatalf("no departure in progress: %v", err)
	}
	b.Do(t, chromedp.Navigate(base+"/agents/"+deps[0].AgentCode), chromedp.WaitVisible(chromedp.ID("departure")))
	if got := eval[string](t, b, `document.getElementById("departure-status").className`); !strings.Contains(got, "departure-leaving") {
		t.Errorf("departure status %q", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#gate-closed").length`); n != 1 {
		t.Error("the departure's gate is not held by its orphan callbacks")
	}
	b.Screenshot(t, "figures-departure")
	// The company's own script: version 1 filed (superseded), version 2 active.
	b.Do(t, chromedp.Navigate(base+"/scripts"), chromedp.WaitVisible(`tr[data-status="active"]`))
	if got := eval[string](t, b, `[...document.querySelectorAll("tr[data-status]")].filter(r => r.textContent.includes("own-traditional-agency"))
		.map(r => r.dataset.status).sort().join(" ")`); got != "active filed" {
		t.Errorf("own script versions: %q", got)
	}
	b.Screenshot(t, "figures-scripts")
	errs.check(t)

	// A recording plays, for QA staff.
	logout()
	demoLogin(t, b, base, "hta-qa")
	var callbackID, recs int64
	err = db.ForEachCallback(ctx, org.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
		list, err := db.ListRecordings(ctx, org.ID, r.ID)
		if err != nil {
			return err
		}
		if len(list) > 0 {
			recs++
			if callbackID == 0 {
				callbackID = r.ID
			}
		}
		return nil
	})
	if err != nil || callbackID == 0 || recs < 3 {
		t.Fatalf("%d callbacks with recordings: %v", recs, err)
	}
	b.Do(t, chromedp.Navigate(fmt.Sprintf("%s/callbacks/%d", base, callbackID)), chromedp.WaitVisible(`.recording audio`))
	eval[bool](t, b, `(() => { const a = document.querySelector(".recording audio"); a.preload = "auto"; a.load(); return true })()`)
	var state int
	var duration float64
	for range 100 {
		state = eval[int](t, b, `document.querySelector(".recording audio").readyState`)
		if state >= 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	duration = eval[float64](t, b, `document.querySelector(".recording audio").duration`)
	if state < 2 || duration < 2 || duration > 10 {
		t.Errorf("the recording does not play: readyState %d, duration %.1f s", state, duration)
	}
	b.Screenshot(t, "figures-recording")
	errs.check(t)

	// The regulator's late and missing tables, a row per company.
	logout()
	demoLogin(t, b, base, "supervisor")
	b.Do(t, chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.ID("submissions")))
	rows := eval[[]string](t, b, `[...document.querySelectorAll("#subs-chase tbody tr[data-org]")].map(r => r.dataset.org)`)
	seen := map[string]bool{}
	for _, o := range rows {
		if seen[o] {
			t.Errorf("company %s has more than one row", o)
		}
		seen[o] = true
	}
	if len(rows) == 0 || eval[int](t, b, `document.querySelectorAll('#subs-chase [data-status="missing"]').length`) == 0 {
		t.Errorf("late and missing board: %v", rows)
	}
	b.Do(t, chromedp.ScrollIntoView(`#submissions`))
	b.Screenshot(t, "figures-late-missing")
	errs.check(t)

	// The English menu at 1,440 px: one line, no sideways scroll, for
	// every kind of demo user.
	b.Do(t, chromedp.EmulateViewport(1440, 900))
	for _, login := range []string{"supervisor", "reg-admin", "admin", "hta-admin", "hta-manager", "hta-op1", "hta-handler", "hta-qa", "hta-compliance"} {
		logout()
		demoLogin(t, b, base, login)
		for _, l := range []string{"zh", "en"} {
			b.Do(t, chromedp.Navigate(base+"/?lang="+l), chromedp.WaitVisible(`.mainnav`))
			fits := eval[string](t, b, `(() => { const n = document.querySelector(".mainnav"); const as = [...n.querySelectorAll("a")];
				const tops = new Set(as.map(a => a.getBoundingClientRect().top));
				const bar = document.querySelector(".topbar");
				return [n.scrollWidth <= n.clientWidth, tops.size === 1, bar.scrollWidth <= bar.clientWidth,
					document.documentElement.scrollWidth <= innerWidth, n.scrollWidth, n.clientWidth].join(" ") })()`)
			if !strings.HasPrefix(fits, "true true true true") {
				t.Errorf("%s (%s): the menu does not fit at 1440 px: %s", login, l, fits)
			}
		}
		if login == "supervisor" || login == "hta-manager" || login == "hta-admin" {
			b.Screenshot(t, "figures-nav-en-"+login)
		}
	}
	errs.check(t)
}

// checkScrollsInCard: the table under the heading is wider than its card
// and scrolls inside it; the page itself does not scroll sideways.
func checkScrollsInCard(t *testing.T, b *browsertest.Browser, heading string) {
	t.Helper()
	got := eval[string](t, b, `(() => { const card = document.querySelector("`+heading+`").closest(".card");
		const wrap = card.querySelector(".tablewrap"); if (!wrap) return "no tablewrap";
		const cs = getComputedStyle(wrap);
		return [wrap.scrollWidth > wrap.clientWidth, cs.overflowX, card.getBoundingClientRect().right <= innerWidth,
			document.documentElement.scrollWidth <= innerWidth].join(" ") })()`)
	if got != "true auto true true" {
		t.Errorf("wide table: %s (want: wider than its card, scrolling in it, the card and the page within the window)", got)
	}
}
