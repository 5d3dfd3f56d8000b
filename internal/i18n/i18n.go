// Package i18n holds Begira's message catalogues (English, Spanish, Basque)
// and formats numbers, money, percentages and dates the way each language
// writes them by CLDR: es "12.345,5 €" and "1580 €", eu "1.580 €", "% 50"
// and "2026/03/07".
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Languages Begira speaks, the default first.
var Languages = []string{"en", "es", "eu"}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Negotiate picks a language from an Accept-Language header, or "" when none
// of ours is acceptable.
func Negotiate(header string) string {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// locales holds one file per language, locales/<lang>.json: a flat object
// of key → message. Translators edit these files without touching Go; a
// message may carry fmt verbs (%s, %d) in the order the English one has.
//
//go:embed locales/*.json
var locales embed.FS

// catalogue is every message by language then key. It is loaded from
// locales before any init() runs, so a file of the package may still merge
// a Go map of extra keys into it in its init() (see Merge).
var catalogue = load()

// load reads the embedded locale files; a malformed file is a build
// mistake that the package tests catch, so it panics.
func load() map[string]map[string]string {
	out := make(map[string]map[string]string, len(Languages))
	for _, lang := range Languages {
		b, err := locales.ReadFile("locales/" + lang + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", lang, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: locales/%s.json: %v", lang, err))
		}
		out[lang] = m
	}
	return out
}

// Merge adds extra messages (language → key → message) to the catalogue;
// a file holding a Go map of new keys calls it from its init(). The data
// files are the catalogue's home: such maps are moved into them.
func Merge(extra map[string]map[string]string) {
	for lang, m := range extra {
		if catalogue[lang] == nil {
			catalogue[lang] = map[string]string{}
		}
		for k, v := range m {
			catalogue[lang][k] = v
		}
	}
}

// Has reports whether key is in the English catalogue.
func Has(key string) bool {
	_, ok := catalogue["en"][key]
	return ok
}

// Keys lists the English catalogue's keys that start with one of
// prefixes, sorted.
func Keys(prefixes ...string) []string {
	var out []string
	for k := range catalogue["en"] {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				out = append(out, k)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// Enum names a fixed value of kind (project_status, signal_status,
// source_type, signal_type, sentiment, size_class, import_status,
// import_kind, import_mode) in lang; a value without a name is shown as it
// is. Pages show values through Enum, CSV and the API keep the codes.
func Enum(lang, kind, value string) string {
	key := "enum." + kind + "." + value
	if !Has(key) {
		return value
	}
	return T(lang, key)
}

// T returns the message key in lang, formatted with args; English when the
// language lacks it, and the key itself when no catalogue has it (so a
// missing string is visible, never blank).
func T(lang, key string, args ...any) string {
	msg, ok := catalogue[lang][key]
	if !ok {
		if msg, ok = catalogue["en"][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// separators returns the decimal and grouping separators of lang.
func separators(lang string) (dec, group string) {
	if lang == "es" || lang == "eu" {
		return ",", "."
	}
	return ".", ","
}

// minimumGroupingDigits is CLDR's rule of when a language starts grouping
// digits: Spanish writes 1580 and 15.800 (2: a group separator only with
// at least two digits before it), English 1,580 and Basque 1.580 (1). The
// charts' Intl.NumberFormat follows CLDR, so the server does too and every
// screen writes a number the same way.
func minimumGroupingDigits(lang string) int {
	if lang == "es" {
		return 2
	}
	return 1
}

// Number formats x with the given number of decimals in lang's style.
func Number(lang string, x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	dec, group := separators(lang)
	s := strconv.FormatFloat(math.Abs(x), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if x < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	grouped := len(intPart) >= 4+minimumGroupingDigits(lang)-1
	for i, r := range intPart {
		if grouped && i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// Int formats a whole number.
func Int(lang string, n int64) string { return Number(lang, float64(n), 0) }

// EUR formats an amount of euros without cents: en "€1,234", es "1234 €"
// and "12.345 €", eu "1.234 €".
func EUR(lang string, x float64) string {
	if lang == "es" || lang == "eu" {
		return Number(lang, x, 0) + "\u00a0€"
	}
	return "€" + Number(lang, x, 0)
}

// EURCompact formats large amounts in millions or thousands: en "€367.3M",
// es/eu "367,3 M€".
func EURCompact(lang string, x float64) string {
	unit, div := "", 1.0
	switch {
	case math.Abs(x) >= 1e6:
		unit, div = "M", 1e6
	case math.Abs(x) >= 1e4:
		unit, div = "k", 1e3
	}
	if unit == "" {
		return EUR(lang, x)
	}
	n := Number(lang, x/div, 1)
	if lang == "es" || lang == "eu" {
		return n + "\u00a0" + unit + "€"
	}
	return "€" + n + unit
}

// Percent formats a share (0.5 → 50 %): en "50%", es "50 %", eu "% 50".
func Percent(lang string, share float64, decimals int) string {
	n := Number(lang, share*100, decimals)
	switch lang {
	case "es":
		return n + "\u00a0%"
	case "eu":
		return "%\u00a0" + n
	}
	return n + "%"
}

// DateTime formats an instant in loc, to the minute, with the zone's
// abbreviation: en "7 Mar 2026, 14:05 CET", es "07/03/2026 14:05 CET",
// eu "2026/03/07 14:05 CET".
func DateTime(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	sep := " "
	if lang != "es" && lang != "eu" {
		sep = ", "
	}
	return Date(lang, t) + sep + t.Format("15:04 MST")
}

// Date formats a calendar date: en "7 Mar 2026", es "07/03/2026",
// eu "2026/03/07".
func Date(lang string, t time.Time) string {
	switch lang {
	case "es":
		return t.Format("02/01/2006")
	case "eu":
		return t.Format("2006/01/02")
	}
	return t.Format("2 Jan 2006")
}

// Month formats a calendar month as the charts' axes write it: en
// "Mar 2026", es "03/2026", eu "2026/03".
func Month(lang string, t time.Time) string {
	switch lang {
	case "es":
		return t.Format("01/2006")
	case "eu":
		return t.Format("2006/01")
	}
	return t.Format("Jan 2006")
}
