// Package i18n holds the message catalog: every user-facing text of huifang,
// one embedded JSON file per language, keyed by message key.
//
// A key names a text, e.g. "nav.work" or "err.callback.not_held"; the text is
// a fmt format, so arguments are placed with %s, %d or, when a language needs
// another order, %[2]s. Simplified Chinese is the default language and the
// fallback for a key a language lacks (a test keeps the catalogs complete).
//
// i18n imports only the standard library, so every package may use it.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Lang is a language of the catalog.
type Lang string

// The languages: Simplified Chinese is the default.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Langs lists the catalog's languages, the default first.
var Langs = []Lang{ZH, EN}

//go:embed *.json
var files embed.FS

var catalogs = load()

func load() map[Lang]map[string]string {
	out := make(map[Lang]map[string]string, len(Langs))
	for _, l := range Langs {
		b, err := files.ReadFile(string(l) + ".json")
		if err != nil {
			panic("i18n: " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s.json: %v", l, err))
		}
		out[l] = m
	}
	return out
}

// Parse returns the language a code names ("zh", "zh-CN", "en-GB", ...).
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return ZH, false
}

// FromAcceptLanguage picks the catalog language an Accept-Language header
// prefers most; Chinese when it names none of ours.
func FromAcceptLanguage(h string) Lang {
	best, bestQ := ZH, -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// HTML returns the value of <html lang> for a language.
func (l Lang) HTML() string {
	if l == EN {
		return "en"
	}
	return "zh-CN"
}

// T renders key in language l with args. A key missing from l falls back to
// Chinese, and a key missing from both renders as the key itself, so a
// mistake shows on screen instead of an empty label.
func T(l Lang, key string, args ...any) string {
	s, ok := catalogs[l][key]
	if !ok {
		if s, ok = catalogs[ZH][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether language l has key.
func Has(l Lang, key string) bool {
	_, ok := catalogs[l][key]
	return ok
}

// Keys returns language l's keys, sorted.
func Keys(l Lang) []string {
	keys := make([]string, 0, len(catalogs[l]))
	for k := range catalogs[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
