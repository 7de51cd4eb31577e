package web_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/script"
)

// browserLogin signs in through the login form and waits for the overview.
func browserLogin(t *testing.T, b *browsertest.Browser, f *fixture, login string) {
	t.Helper()
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("tally")),
	)
}

// location is the path of the tab's page.
func location(t *testing.T, b *browsertest.Browser) string {
	t.Helper()
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func eval[T any](t *testing.T, b *browsertest.Browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestBrowserOperatorCallback: an operator takes a callback, does not reach
// the customer, takes it again in the afternoon, reaches them, answers every
// item with the keyboard and finishes it.
func TestBrowserOperatorCallback(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.loadPolicies(t, "A",
		policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P20260002", "U01", "银保", "李四", "2026-03-03", "13800000002", 2),
		policyLine("P20260003", "L20", "个险", "王五", "2026-03-04", "13800000003", 3))
	browserLogin(t, b, f, "op1")

	b.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("take-next")),
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("attempt")),
	)
	first := location(t, b)
	if !strings.HasPrefix(first, "/work/") {
		t.Fatalf("took a callback at %s", first)
	}
	if got := b.Text(t, "#policy-no"); got != "P20260001" { // earliest deadline first
		t.Fatalf("first callback is %s", got)
	}
	b.Screenshot(t, "workbench")

	// No answer: the callback goes back to the pool until the afternoon.
	b.Do(t,
		chromedp.Click(chromedp.ID("outcome-no-answer")),
		chromedp.SendKeys(chromedp.ID("note"), "响铃无人接"),
		chromedp.Click(chromedp.ID("record-attempt")),
		chromedp.WaitVisible(chromedp.ID("work-notice")),
	)
	if n := b.Text(t, "#work-notice"); !strings.Contains(n, "无人接听") || !strings.Contains(n, "2026-03-05 12:00") {
		t.Fatalf("notice after no answer: %q", n)
	}
	f.clk.Set(at(5, 12, 30))
	b.Do(t,
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("attempt")),
	)
	if again := location(t, b); again != first {
		t.Fatalf("in the afternoon took %s, want %s again", again, first)
	}
	if got := b.Text(t, "#attempts tbody"); !strings.Contains(got, "无人接听") {
		t.Fatalf("attempts: %q", got)
	}

	// Answered: the script's questions come up with the first one focused.
	b.Do(t,
		chromedp.Click(chromedp.ID("outcome-answered")),
		chromedp.Click(chromedp.ID("record-attempt")),
		chromedp.WaitVisible(chromedp.ID("answered")),
	)
	sc := script.Lookup("life-traditional-agency")
	if got := b.Text(t, "#script-ref"); !strings.Contains(got, "life-traditional-agency v1") {
		t.Fatalf("script shown: %q", got)
	}
	if strings.Contains(b.Text(t, "#items"), "【未知") {
		t.Fatalf("a variable is not filled:\n%s", b.Text(t, "#items"))
	}
	start := time.Now()
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.activeElement.name === "a.identity"`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the first question is not focused: %v", err)
	}
	t.Logf("first question focused after %v", time.Since(start))
	// Keys answer and move on, question after question: the key of the
	// answer a customer who bought knowingly gives (1 for yes to what they
	// confirm, 2 for no to misleading promises and complaints).
	start = time.Now()
	keys := answerKeys(t, sc, sc.Passing())
	for _, k := range keys {
		b.Do(t, chromedp.KeyEvent(k))
	}
	t.Logf("answered %d questions in %v", len(keys), time.Since(start))
	if got := eval[string](t, b, `[...document.querySelectorAll("#items input[value=no]:checked")].map(i => i.name).join(",")`); got != "a.misleading,a.complaint" {
		t.Fatalf("answered no: %s", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#items input:checked").length`); n != len(keys) {
		t.Fatalf("%d of %d questions answered by keyboard", n, len(keys))
	}
	if !eval[bool](t, b, `document.activeElement.id === "finish"`) {
		t.Fatal("focus did not reach the finish button")
	}
	b.Screenshot(t, "workbench-answered")

	b.Do(t,
		chromedp.Click(chromedp.ID("finish")),
		chromedp.WaitVisible(chromedp.ID("result")),
	)
	if got := b.Text(t, "#result-label"); got != "回访成功" {
		t.Fatalf("result %q", got)
	}
	b.Screenshot(t, "workbench-result")

	id, _ := strconv.ParseInt(strings.TrimPrefix(first, "/work/"), 10, 64)
	c, err := f.db.FindCallback(ctx, f.orgA.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != huifang.StatusDone || c.Result != huifang.ResultSuccessful || c.Attempts != 2 || c.FinishedBy != f.op.ID {
		t.Fatalf("callback in the database: %+v", c)
	}

	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("tally")),
	)
	if got := b.Text(t, `[data-key="overview.successful"] .num`); got != "1" {
		t.Fatalf("overview counts %s successful", got)
	}
	b.Screenshot(t, "overview")

	// A callback finished with problems fills the lists.
	wk, err := f.svc.Next(ctx, f.op)
	if err != nil {
		t.Fatal(err)
	}
	answers := wk.Script.Script.Passing()
	answers["not-deposit"], answers["misleading"] = "unclear", "yes"
	if _, err := f.svc.Finish(ctx, f.op, wk.Callback.ID, app.FinishInput{Answers: answers}); err != nil {
		t.Fatal(err)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-callbacks")),
		chromedp.WaitVisible(chromedp.ID("callback-list")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#callback-list tbody tr").length`); n != 3 {
		t.Fatalf("%d callbacks listed", n)
	}
	b.Screenshot(t, "callbacks")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-problems")),
		chromedp.WaitVisible(chromedp.ID("problem-list")),
	)
	if got := b.Text(t, "#problem-list tbody"); !strings.Contains(got, "销售误导") || !strings.Contains(got, "客户不清楚保险权益") {
		t.Fatalf("problem cases:\n%s", got)
	}
	b.Screenshot(t, "problems")
	// The same callback in English, through the switch in the header.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/callbacks/"+strconv.FormatInt(wk.Callback.ID, 10)),
		chromedp.WaitVisible(chromedp.ID("lang-en")),
		chromedp.Click(chromedp.ID("lang-en")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #result-problems`)),
	)
	if got := b.Text(t, "#result-label"); got != "With problems" {
		t.Fatalf("English result %q", got)
	}
	b.Screenshot(t, "callback-en")
}

// TestBrowserImport: an administrator uploads policies with two bad rows,
// reads the report, fixes the file and imports it.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	const rows = 3000 // enough for the progress bar to move
	var good strings.Builder
	good.WriteString(policyHead)
	for i := 1; i <= rows; i++ {
		receipt := fmt.Sprintf("2026-03-%02d", 1+i%4)
		good.WriteString(policyLine(fmt.Sprintf("P%08d", i), "L20", "个险", "张三", receipt, fmt.Sprintf("139%08d", i), i))
	}
	lines := strings.SplitAfter(good.String(), "\n")
	// Lines 3 and 5 of the file: a product nobody loaded, a broken ID number.
	bad := append([]string{}, lines[:6]...)
	bad[2] = strings.Replace(bad[2], ",L20,", ",NOPE,", 1)
	cells := strings.Split(bad[4], ",")
	cells[7] = cells[7][:17] + map[bool]string{true: "0", false: "1"}[cells[7][17] != '0']
	bad[4] = strings.Join(cells, ",")
	badPath := f.writeFile(t, "保单-有误.csv", strings.Join(bad, ""))
	goodPath := f.writeFile(t, "保单.csv", good.String())

	browserLogin(t, b, f, "adm")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-import")),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.Click(chromedp.ID("kind-policies")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{badPath}),
		chromedp.Click(chromedp.ID("import-submit")),
		chromedp.WaitVisible(chromedp.ID("report")),
	)
	report := b.Text(t, "#report tbody")
	if n := eval[int](t, b, `document.querySelectorAll("#report tbody tr").length`); n != 2 {
		t.Fatalf("%d report rows, want 2:\n%s", n, report)
	}
	if got := eval[string](t, b, `[...document.querySelectorAll("#report tbody tr td:first-child")].map(td => td.textContent).join(",")`); got != "3,5" {
		t.Fatalf("report rows %s, want 3,5:\n%s", got, report)
	}
	if !strings.Contains(report, "NOPE") || !strings.Contains(b.Text(t, "#job-error"), "2 行") {
		t.Fatalf("report:\n%s\n%s", report, b.Text(t, "#job-error"))
	}
	b.Screenshot(t, "import-report")
	if n, _ := f.db.CountPolicies(ctx, f.orgA.ID); n != 0 {
		t.Fatalf("a bad file wrote %d policies", n)
	}

	b.Do(t,
		chromedp.Click(chromedp.ID("import-again")),
		chromedp.WaitVisible(chromedp.ID("import-form")),
	)
	if !eval[bool](t, b, `document.getElementById("kind-policies").checked`) {
		t.Fatal("the kind was not kept for the second try")
	}
	b.Do(t,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{goodPath}),
		chromedp.Click(chromedp.ID("import-submit")),
		chromedp.WaitVisible(chromedp.ID("job")),
	)
	b.Screenshot(t, "import-progress")
	b.Do(t, chromedp.WaitVisible(chromedp.ID("job-done")))
	if !eval[bool](t, b, `(p => p.max > 1 && p.value === p.max)(document.getElementById("job-progress"))`) {
		t.Fatal("the progress bar is not full")
	}
	if got := b.Text(t, "#sum-created"); got != strconv.Itoa(rows) {
		t.Fatalf("summary: %s created", got)
	}
	if got := b.Text(t, "#sum-callbacks"); got != strconv.Itoa(rows) {
		t.Fatalf("summary: %s callbacks", got)
	}
	b.Screenshot(t, "import-done")
	if n, _ := f.db.CountPolicies(ctx, f.orgA.ID); n != rows {
		t.Fatalf("%d policies in the database", n)
	}
}

// answerKeys are the number keys that give the answers, question by
// question along the script's path.
func answerKeys(t *testing.T, sc *script.Script, answers map[string]string) []string {
	t.Helper()
	res, err := sc.Evaluate(answers)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, id := range res.Asked {
		st := sc.Step(id)
		if !st.Question() {
			continue
		}
		options := st.Choices
		if st.Answer == script.AnswerYesNo {
			options = []string{script.Yes, script.No, script.Unclear}
		}
		i := slices.Index(options, answers[id])
		if i < 0 {
			t.Fatalf("step %s: answer %q is not offered", id, answers[id])
		}
		keys = append(keys, strconv.Itoa(i+1))
	}
	return keys
}

// TestBrowserDepositBelief: on a bancassurance universal-life policy the
// customer believes they put money in a deposit. The operator runs the
// script by keyboard; a first "no" to "are you the policyholder?" shows the
// call must end without revealing anything, corrected when the customer
// says yes after all; the finished call opens a problem case of the type the
// profile gives that answer (customer unclear about rights, DOMAIN.md §5).
func TestBrowserDepositBelief(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.loadPolicies(t, "A", policyLine("P20260002", "U01", "银保", "李四", "2026-03-03", "13800000002", 2))
	browserLogin(t, b, f, "op1")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("take-next")),
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("attempt")),
		chromedp.Click(chromedp.ID("outcome-answered")),
		chromedp.Click(chromedp.ID("record-attempt")),
		chromedp.WaitVisible(chromedp.ID("answered")),
	)
	if got := b.Text(t, "#script-ref"); !strings.Contains(got, "universal-bank v1") {
		t.Fatalf("script shown: %q", got)
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.activeElement.name === "a.identity"`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the first question is not focused: %v", err)
	}
	// "No, I am not": the rest of the script disappears and the call ends.
	b.Do(t, chromedp.KeyEvent("2"))
	visible := `[...document.querySelectorAll("#items li.question")].filter(li => !li.classList.contains("skipped")).length`
	if n := eval[int](t, b, visible); n != 1 {
		t.Fatalf("after 'not the policyholder' %d questions still shown", n)
	}
	if !eval[bool](t, b, `!document.getElementById("end-not-policyholder").hidden`) || b.Text(t, "#finish") != "记录：非投保人接听" {
		t.Fatalf("end of call not shown; button %q", b.Text(t, "#finish"))
	}
	b.Screenshot(t, "script-not-policyholder")
	// "Sorry, yes, it is me": back to the whole script, answered by keys.
	b.Do(t, chromedp.Focus(chromedp.CSS(`input[name="a.identity"][value="yes"]`)), chromedp.KeyEvent("1"))
	if n := eval[int](t, b, visible); n < 12 || b.Text(t, "#finish") != "完成回访" {
		t.Fatalf("after 'yes' %d questions shown, button %q", n, b.Text(t, "#finish"))
	}
	sc := script.Lookup("universal-bank")
	answers := sc.Passing()
	answers["not-deposit"] = script.No // "I thought it was a deposit"
	keys := answerKeys(t, sc, answers)
	for _, k := range keys[1:] {
		b.Do(t, chromedp.KeyEvent(k))
	}
	if got := eval[string](t, b, `document.querySelector('input[name="a.not-deposit"]:checked').value`); got != "no" {
		t.Fatalf("deposit question answered %q", got)
	}
	b.Screenshot(t, "script-deposit")
	b.Do(t,
		chromedp.Click(chromedp.ID("finish")),
		chromedp.WaitVisible(chromedp.ID("result")),
	)
	if got := b.Text(t, "#result-label"); got != "完成但有问题" {
		t.Fatalf("result %q", got)
	}
	if got := b.Text(t, "#result-problems"); !strings.Contains(got, "客户不清楚保险权益") || !strings.Contains(got, "保险而非存款") {
		t.Fatalf("problem cases: %q", got)
	}
	b.Screenshot(t, "script-deposit-result")
	ps, err := f.svc.ListProblemCases(ctx, f.op, huifang.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Type != huifang.ProblemUnclearRights || ps[0].PolicyNo != "P20260002" {
		t.Fatalf("problem cases: %+v", ps)
	}
}
