package web

import (
	"net/http"

	"github.com/huifang/huifang/i18n"
)

// lang is a language of the user interface: a language of the catalog.
type lang = i18n.Lang

// Languages: Simplified Chinese is the default.
const (
	langZH = i18n.ZH
	langEN = i18n.EN
)

var langs = i18n.Langs

const langCookie = "lang"

// langOf picks the language of a request: ?lang= wins (and is remembered in
// a cookie by the caller), then the cookie, then Chinese.
func langOf(r *http.Request) (l lang, fromQuery bool) {
	if q := lang(r.URL.Query().Get("lang")); q == langZH || q == langEN {
		return q, true
	}
	if c, err := r.Cookie(langCookie); err == nil && (lang(c.Value) == langZH || lang(c.Value) == langEN) {
		return lang(c.Value), false
	}
	return langZH, false
}

// translator renders the strings of one language from the catalog.
type translator struct{ l lang }

// T gives the string for key, formatted with args when there are any. A
// missing key shows as ⟦key⟧, which tests look for.
func (t translator) T(key string, args ...any) string {
	if !i18n.Has(t.l, key) {
		return "⟦" + key + "⟧"
	}
	return i18n.T(t.l, key, args...)
}

func tr(l lang) translator { return translator{l} }
