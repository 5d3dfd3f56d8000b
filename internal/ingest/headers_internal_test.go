package ingest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/internal/i18n"
)

// Every header in testdata/headers/natural.tsv, written the way analysts
// write column titles rather than the way the aliases are listed, maps to
// its field.
func TestNaturalHeaders(t *testing.T) {
	t.Parallel()
	if n := naturalHeaders(t, "natural.tsv"); n < 90 {
		t.Fatalf("only %d headers read", n)
	}
}

// A second list, written by someone else (testdata/headers/
// natural_offices.tsv): most of its headers were silently unmapped, and
// their values dropped.
func TestNaturalHeadersOfOtherOffices(t *testing.T) {
	t.Parallel()
	if n := naturalHeaders(t, "natural_offices.tsv"); n < 60 {
		t.Fatalf("only %d headers read", n)
	}
}

// The names the wizard and the pages give every field, in English,
// Spanish and Basque, map to that field: an analyst who copies them into a
// template ("Organización líder", "Noiz behatua") saw those columns
// dropped.
func TestFieldNamesShownAreHeaders(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{KindProjects, KindOrganisations, KindSignals} {
		for _, f := range Fields(kind) {
			for _, lang := range []string{"en", "es", "eu"} {
				h := i18n.T(lang, "field."+f.Name)
				if cols, _ := mapHeaders(kind, []string{h}, nil); cols[0].Field != f.Name {
					t.Errorf("%s %s: %q maps to %q, want %q", kind, lang, h, cols[0].Field, f.Name)
				}
			}
		}
	}
}

// naturalHeaders checks every header of the list in testdata/headers/name
// and returns how many it read.
func naturalHeaders(t *testing.T, name string) int {
	f, err := os.Open(filepath.Join("testdata", "headers", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			t.Fatalf("bad line %q", line)
		}
		kind, header, want := parts[0], parts[1], parts[2]
		cols, _ := mapHeaders(kind, []string{header}, nil)
		if cols[0].Field != want {
			t.Errorf("%s: %q maps to %q, want %q", kind, header, cols[0].Field, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// An exact field name wins over an alias of the same field, wherever it
// stands; the other column is left unmapped, with a warning.
func TestExactFieldNameWinsOverAlias(t *testing.T) {
	t.Parallel()
	cols, warnings := mapHeaders(KindProjects, []string{"ext_ref", "title", "Presupuesto", "budget_total_eur"}, nil)
	if cols[2].Field != "" || cols[3].Field != "budget_total_eur" {
		t.Errorf("columns %+v: want budget_total_eur taken by its exact name", cols)
	}
	if len(warnings) != 1 || warnings[0].Code != WarnHeaderTwice || warnings[0].Column != "Presupuesto" {
		t.Errorf("warnings %+v: want one header_same_field naming Presupuesto", warnings)
	}
}

// A bilingual header naming a field another column already takes is
// ignored with one warning, as any second header of a field.
func TestBilingualHeaderTwice(t *testing.T) {
	t.Parallel()
	cols, warnings := mapHeaders(KindProjects, []string{"Referencia", "Presupuesto", "Aurrekontua / Presupuesto (€)"}, nil)
	if cols[1].Field != "budget_total_eur" || cols[2].Field != "" || len(warnings) != 1 || warnings[0].Code != WarnHeaderTwice {
		t.Errorf("columns %+v, warnings %+v", cols, warnings)
	}
}
