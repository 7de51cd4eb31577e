package i18n

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"testing"
)

// verbs matches the fmt verbs of a text, so two languages can be compared.
var verbs = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestCatalogsAgree: every key is in every language, with the same number of
// arguments, and no text is empty.
func TestCatalogsAgree(t *testing.T) {
	for _, l := range Langs {
		for _, k := range Keys(l) {
			for _, o := range Langs {
				if !Has(o, k) {
					t.Errorf("%s has %q but %s does not", l, k, o)
				}
			}
			if catalogs[l][k] == "" {
				t.Errorf("%s %q is empty", l, k)
			}
		}
	}
	for _, k := range Keys(ZH) {
		zh, en := argCount(catalogs[ZH][k]), argCount(catalogs[EN][k])
		if zh != en {
			t.Errorf("%q takes %d arguments in zh but %d in en", k, zh, en)
		}
	}
}

func argCount(s string) int {
	n := 0
	for _, v := range verbs.FindAllString(s, -1) {
		if v != "%%" {
			n++
		}
	}
	return n
}

func TestFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]Lang{
		"":                         ZH,
		"en":                       EN,
		"en-US,en;q=0.9":           EN,
		"zh-CN,zh;q=0.9,en;q=0.8":  ZH,
		"fr-FR, en;q=0.5":          EN,
		"de":                       ZH,
		"en;q=0.3, zh-TW;q=0.8":    ZH,
		"garbage;;q=x, EN-gb;q=.7": EN,
	} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestTFallsBack(t *testing.T) {
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key renders %q", got)
	}
	if got := T(EN, "app.name"); got != "huifang" {
		t.Errorf("app.name in English renders %q", got)
	}
}

var update = flag.Bool("update", false, "rewrite the catalog files in their canonical form")

// TestCatalogFormatted keeps each catalog file sorted by key, one key a line,
// so that changes merge line by line. Run with -update to rewrite them.
func TestCatalogFormatted(t *testing.T) {
	for _, l := range Langs {
		name := string(l) + ".json"
		have, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := canonical(catalogs[l])
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(have, want) {
			continue
		}
		if *update {
			if err := os.WriteFile(name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not in canonical form: run go test ./i18n -run TestCatalogFormatted -update", name)
	}
}

func canonical(m map[string]string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(m) // maps encode with sorted keys
	return b.Bytes(), err
}
