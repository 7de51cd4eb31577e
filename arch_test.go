package huifang_test

import (
	"go/build"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The layers of docs/architecture.md, checked on the imports of the code
// (tests excluded): each rule names a package and what it may not reach,
// directly or through anything it imports.
const module = "github.com/huifang/huifang"

var layerRules = []struct {
	pkgs   []string // packages the rule is about
	banned []string // packages (of the module, or standard) they may not depend on; "=x": not import x themselves
	why    string
}{
	{[]string{"web", "api", "httpx"}, []string{"store", "database/sql"}, "the surfaces reach data only through app"},
	{[]string{"app"}, []string{"store", "web", "api", "database/sql", "=net/http"}, "app holds the use cases, free of storage and HTTP: it reaches storage through app.Store, and its adapters (sms, blob) keep their own HTTP"},
	{[]string{"store"}, []string{"app", "web", "api", "cli"}, "storage knows nothing of the layers above"},
	{[]string{"callback", "problem", "workday", "profile", "script", "indicator", "throttle", "risk", "orphan", "misconduct", "rectification", "spotcheck", "qa"}, []string{"store", "app", "web", "api", "database/sql", "net/http"}, "rule packages are plain Go: no I/O layer"},
	{[]string{"i18n"}, []string{""}, "the catalog imports only the standard library"},
}

// rootAllowed is all of the project the root package may import.
var rootAllowed = []string{"i18n"}

func TestLayers(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	deps := map[string][]string{} // package -> its imports (of the module and the standard library)
	var load func(path string)
	load = func(path string) {
		if _, ok := deps[path]; ok {
			return
		}
		deps[path] = nil
		if !strings.HasPrefix(path, module) {
			return // standard library: not followed
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
		p, err := build.Default.ImportDir(filepath.Join(dir, rel), 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) || !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				deps[path] = append(deps[path], imp)
				load(imp)
			}
		}
	}
	closure := func(path string) map[string]bool {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(p string) {
			for _, d := range deps[p] {
				if !seen[d] {
					seen[d] = true
					walk(d)
				}
			}
		}
		load(path)
		walk(path)
		return seen
	}
	full := func(p string) string {
		if p == "database/sql" || p == "net/http" {
			return p
		}
		return module + "/" + p
	}
	for _, r := range layerRules {
		for _, p := range r.pkgs {
			reach := closure(module + "/" + p)
			for _, b := range r.banned {
				if b == "" { // only the standard library
					for d := range reach {
						if strings.HasPrefix(d, module) {
							t.Errorf("%s imports %s: %s", p, d, r.why)
						}
					}
					continue
				}
				if direct, ok := strings.CutPrefix(b, "="); ok {
					if slices.Contains(deps[module+"/"+p], full(direct)) {
						t.Errorf("%s imports %s: %s", p, direct, r.why)
					}
					continue
				}
				if reach[full(b)] {
					t.Errorf("%s depends on %s: %s", p, b, r.why)
				}
			}
		}
	}
	load(module)
	var own []string
	for _, d := range deps[module] {
		if strings.HasPrefix(d, module+"/") {
			own = append(own, strings.TrimPrefix(d, module+"/"))
		}
	}
	sort.Strings(own)
	for _, o := range own {
		if !slices.Contains(rootAllowed, o) {
			t.Errorf("the root package imports %s: it holds the domain's types and imports nothing of the project but the catalog", o)
		}
	}
}
