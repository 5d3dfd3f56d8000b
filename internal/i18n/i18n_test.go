package i18n

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	d := time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ name, got, want string }{
		{"es number", Number("es", 1234.5, 1), "1.234,5"},
		{"en number", Number("en", 1234567.25, 2), "1,234,567.25"},
		{"negative", Number("en", -1234, 0), "-1,234"},
		{"es euros", EUR("es", 1234), "1.234\u00a0€"},
		{"en euros", EUR("en", 1234), "€1,234"},
		{"es compact", EURCompact("es", 367_323_200), "367,3\u00a0M€"},
		{"en compact", EURCompact("en", 367_323_200), "€367.3M"},
		{"eu percent", Percent("eu", 0.5, 0), "%\u00a050"},
		{"es percent", Percent("es", 0.125, 1), "12,5\u00a0%"},
		{"en percent", Percent("en", 0.5, 0), "50%"},
		{"eu date", Date("eu", d), "2026/03/07"},
		{"es date", Date("es", d), "07/03/2026"},
		{"en date", Date("en", d), "7 Mar 2026"},
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
	if got := T("eu", "panel.drill"); got != catalogue["en"]["panel.drill"] {
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
