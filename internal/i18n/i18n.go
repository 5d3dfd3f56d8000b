// Package i18n holds Begira's message catalogues (English, Spanish, Basque)
// and formats numbers, money, percentages and dates the way each language
// writes them: es "1.234,5 €", eu "% 50" and "2026/03/07".
package i18n

import (
	"fmt"
	"math"
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
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
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

// EUR formats an amount of euros without cents: en "€1,234", es/eu "1.234 €".
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
