package i18n

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	d := time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, got, want string }{
		{"es number", Number("es", 12345.5, 1), "12.345,5"},
		// CLDR's minimumGroupingDigits: Spanish leaves four digits ungrouped
		// (as the charts' Intl.NumberFormat does), Basque and English do not.
		{"es four digits", Number("es", 1580, 0), "1580"},
		{"es four digits negative", Number("es", -1580.25, 2), "-1580,25"},
		{"es million", Number("es", 1234567, 0), "1.234.567"},
		{"eu four digits", Number("eu", 1580, 0), "1.580"},
		{"en four digits", Number("en", 1580, 0), "1,580"},
		{"es three digits", Number("es", 999, 0), "999"},
		{"en number", Number("en", 1234567.25, 2), "1,234,567.25"},
		{"negative", Number("en", -1234, 0), "-1,234"},
		{"es euros", EUR("es", 1234), "1234\u00a0€"},
		{"es big euros", EUR("es", 81478800), "81.478.800\u00a0€"},
		{"eu euros", EUR("eu", 1234), "1.234\u00a0€"},
		{"en euros", EUR("en", 1234), "€1,234"},
		{"es compact", EURCompact("es", 367_323_200), "367,3\u00a0M€"},
		{"en compact", EURCompact("en", 367_323_200), "€367.3M"},
		{"eu percent", Percent("eu", 0.5, 0), "%\u00a050"},
		{"es percent", Percent("es", 0.125, 1), "12,5\u00a0%"},
		{"en percent", Percent("en", 0.5, 0), "50%"},
		{"eu date", Date("eu", d), "2026/03/07"},
		{"es date", Date("es", d), "07/03/2026"},
		{"en date", Date("en", d), "7 Mar 2026"},
		{"es month", Month("es", d), "03/2026"},
		{"eu month", Month("eu", d), "2026/03"},
		{"en month", Month("en", d), "Mar 2026"},
		{"eu time", DateTime("eu", time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), madrid), "2026/11/01 00:30 CET"},
		{"es time", DateTime("es", time.Date(2026, 7, 1, 12, 5, 0, 0, time.UTC), madrid), "01/07/2026 14:05 CEST"},
		{"en time", DateTime("en", time.Date(2026, 7, 1, 12, 5, 0, 0, time.UTC), madrid), "1 Jul 2026, 14:05 CEST"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"eu-ES,eu;q=0.9,es;q=0.8", "eu"},
		{"fr-FR,es;q=0.5,en;q=0.7", "en"},
		{"fr", ""},
		{"", ""},
	} {
		if got := Negotiate(tc.header); got != tc.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestTFallsBack(t *testing.T) {
	// Every catalogue is complete, so drop a Basque string for the test.
	const key = "panel.drill"
	saved, ok := catalogue["eu"][key]
	delete(catalogue["eu"], key)
	if ok {
		t.Cleanup(func() { catalogue["eu"][key] = saved })
	}
	if got := T("eu", key); got != catalogue["en"][key] {
		t.Errorf("missing Basque string: got %q, want the English one", got)
	}
	if got := T("es", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: got %q, want the key", got)
	}
	// Every Spanish and Basque key must exist in English (no orphans).
	for _, lang := range []string{"es", "eu"} {
		for k := range catalogue[lang] {
			if _, ok := catalogue["en"][k]; !ok {
				t.Errorf("%s has key %q that English lacks", lang, k)
			}
		}
	}
}

// printfVerb matches a fmt verb; Begira's own %total, %ok, %rejected and %n
// placeholders (replaced in JavaScript) are told apart in printfVerbs.
var printfVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// customPlaceholder matches the placeholders imports.js replaces by name.
var customPlaceholder = regexp.MustCompile(`%(total|ok|rejected|n|values|scheme|format|line|min|max|suggestion|column|count|lines|examples)\b`)

// printfVerbs returns the fmt verbs of msg in order, without the custom
// placeholders.
func printfVerbs(msg string) []string {
	return printfVerb.FindAllString(customPlaceholder.ReplaceAllString(msg, ""), -1)
}

func TestEveryLanguageIsComplete(t *testing.T) {
	keys := make([]string, 0, len(catalogue["en"]))
	for k := range catalogue["en"] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, lang := range []string{"es", "eu"} {
		for _, k := range keys {
			msg, ok := catalogue[lang][k]
			if !ok {
				t.Errorf("%s lacks %q (English: %q)", lang, k, catalogue["en"][k])
				continue
			}
			if strings.HasPrefix(k, "metric.") {
				continue // metric labels and definitions are text, never formats ("50 % a")
			}
			if want, got := printfVerbs(catalogue["en"][k]), printfVerbs(msg); !slices.Equal(got, want) {
				t.Errorf("%s %q has verbs %q, English has %q", lang, k, got, want)
			}
			if want, got := customPlaceholder.FindAllString(catalogue["en"][k], -1), customPlaceholder.FindAllString(msg, -1); !slices.Equal(got, want) {
				t.Errorf("%s %q has placeholders %q, English has %q", lang, k, got, want)
			}
		}
	}
}

func TestPrintfVerbs(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want []string
	}{
		{"%total rows: %ok ok, %rejected rejected.", nil},
		{"Committed: %n rows imported.", nil},
		{"%d of %d cells (%s × %s)", []string{"%d", "%d", "%s", "%s"}},
		{"%-5.2f and %q, 100%%", []string{"%-5.2f", "%q", "%%"}},
	} {
		if got := printfVerbs(tc.msg); !slices.Equal(got, tc.want) {
			t.Errorf("printfVerbs(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

// TestLocaleFilesAgree reads the data files themselves (without the keys
// that Go files merge in): every key of every language is in the others,
// so a translator who adds a key to one file is told where it is missing.
func TestLocaleFilesAgree(t *testing.T) {
	files := load()
	for _, a := range Languages {
		for _, b := range Languages {
			if a == b {
				continue
			}
			for k := range files[a] {
				if _, ok := files[b][k]; !ok {
					t.Errorf("locales/%s.json has %q, locales/%s.json lacks it", a, k, b)
				}
			}
		}
		for k, v := range files[a] {
			if strings.TrimSpace(v) == "" {
				t.Errorf("locales/%s.json: %q is empty", a, k)
			}
		}
	}
	if len(files["en"]) < 500 {
		t.Errorf("locales/en.json has %d keys; the catalogue has more than 500", len(files["en"]))
	}
}

// TestMergeAddsGoKeys: a Go map merged in init() (another branch's new
// strings, until they move to the data files) reaches T.
func TestMergeAddsGoKeys(t *testing.T) {
	Merge(map[string]map[string]string{"eu": {"test.merged": "Kaixo %s"}, "en": {"test.merged": "Hello %s"}})
	t.Cleanup(func() { delete(catalogue["eu"], "test.merged"); delete(catalogue["en"], "test.merged") })
	if got := T("eu", "test.merged", "Miren"); got != "Kaixo Miren" {
		t.Errorf("merged key: got %q", got)
	}
}
