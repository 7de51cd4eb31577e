package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/problem"
	"github.com/huifang/huifang/script"
)

var (
	// templateKey is a key literal given to the t function of a template:
	// {{t "nav.work"}}, (t "case.act" .N), {{T "x"}}.
	templateKey = regexp.MustCompile(`[{(\s|]-?\s*[tT]\s+"([^"]+)"`)
	// goKey is a key literal given to a translator or to i18n.T, i18n.Has:
	// rq.T.T("key", ...), t.T("key"), i18n.T(l, "key").
	goKey = regexp.MustCompile(`(?:\.T\(|i18n\.(?:T|Has)\([^,()]+,\s*)"([^"]+)"\s*[,)]`)
)

// TestCatalogHasUsedKeys: every key the templates and the Go code of web,
// app and api name as a literal is in the catalog, and so is every key built
// at run time from a domain value.
func TestCatalogHasUsedKeys(t *testing.T) {
	used := map[string][]string{} // key -> where
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = append(used[m[1]], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{".", "../app", "../api"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = append(used[m[1]], f)
			}
		}
	}
	if len(used) < 500 {
		t.Fatalf("found only %d keys in use: the patterns no longer match the code", len(used))
	}

	// Keys built at run time, from every value of the domain's lists.
	add := func(key string) { used[key] = append(used[key], "domain value") }
	for _, v := range huifang.DesignTypes {
		add(v.Key())
	}
	for _, v := range huifang.Channels {
		add(v.Key())
	}
	for _, v := range huifang.PayModes {
		add(v.Key())
	}
	for _, v := range []huifang.AgentStatus{huifang.AgentActive, huifang.AgentLeft} {
		add(v.Key())
	}
	for _, v := range huifang.CallbackMethods {
		add(v.Key())
	}
	for _, v := range huifang.ProblemTypes {
		add(v.Key())
	}
	for _, v := range huifang.ProblemStatuses {
		add(v.Key())
	}
	for _, v := range huifang.CloseCodes {
		add(v.Key())
	}
	for _, v := range huifang.CallbackStatuses {
		add(v.Key())
	}
	for _, v := range []huifang.CallbackResult{"", huifang.ResultSuccessful, huifang.ResultProblems, huifang.ResultNotCompleted} {
		add(v.Key())
	}
	for _, v := range huifang.AttemptOutcomes {
		add(v.Key())
	}
	for _, v := range []huifang.CallbackKind{huifang.KindNewBusiness, huifang.KindPreUnderwriting, huifang.KindRecallback} {
		add(v.Key())
	}
	for _, v := range []callback.Slot{callback.SlotMorning, callback.SlotAfternoon, callback.SlotEvening} {
		add(v.Key())
	}
	for _, v := range []indicator.PeriodKind{indicator.Month, indicator.Quarter, indicator.Year} {
		add(indicator.Period{Kind: v, Year: 2026, N: 1}.Key())
	}
	for _, v := range indicator.Indicators {
		add(v.NameKey())
		add(v.FormulaKey())
	}
	for _, v := range importer.Kinds {
		add(v.Key())
	}
	for _, v := range script.Items {
		add(v.Key())
	}
	for _, v := range problem.ActionKinds {
		add(problem.ActionKey(v))
	}
	for _, v := range huifang.RiskSigns {
		add(v.Key())
	}

	for key, where := range used {
		for _, l := range i18n.Langs {
			if !i18n.Has(l, key) {
				t.Errorf("%s: key %q is not in the %s catalog", where[0], key, l)
			}
		}
	}
}
