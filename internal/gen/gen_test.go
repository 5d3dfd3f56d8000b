package gen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/begira/begira/internal/missionfile"
)

const wantHeader = "ext_ref,title,summary,pillars,challenges,levers,level,stage,status,facet,horizon,budget_total_eur,public_funding_eur,funding_instrument,start_date,end_date,lead_org,lead_org_type,partners,municipality_code,lat,lon,intent,updated_at"

func generate(t testing.TB, rows int, seed uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Projects(&b, rows, seed); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func records(t testing.TB, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 24
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestGenProjectsHeader(t *testing.T) {
	data := generate(t, 3, 1)
	line, _, _ := strings.Cut(string(data), "\n")
	if line != wantHeader {
		t.Fatalf("header:\n got %s\nwant %s", line, wantHeader)
	}
	if ProjectsHeader != wantHeader {
		t.Fatal("ProjectsHeader differs from the canonical header")
	}
	if got := generate(t, 0, 1); string(got) != wantHeader+"\n" {
		t.Fatalf("0 rows: got %q", got)
	}
}

func TestGenProjectsRowCount(t *testing.T) {
	for _, n := range []int{1, 7, 1000} {
		data := generate(t, n, 42)
		if got := bytes.Count(data, []byte("\n")); got != n+1 {
			t.Errorf("%d rows: %d lines", n, got)
		}
		if got := len(records(t, data)); got != n+1 {
			t.Errorf("%d rows: %d CSV records", n, got)
		}
	}
	if err := Projects(io.Discard, -1, 1); err == nil {
		t.Error("negative rows: no error")
	}
}

func TestGenProjectsDeterministic(t *testing.T) {
	a := generate(t, 5000, 7)
	b := generate(t, 5000, 7)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if c := generate(t, 5000, 8); bytes.Equal(a, c) {
		t.Fatal("different seeds, same bytes")
	}
	// A prefix of a longer file is the shorter file: rows do not depend on the count.
	if d := generate(t, 6000, 7); !bytes.HasPrefix(d, a) {
		t.Fatal("5000 rows are not a prefix of 6000 rows with the same seed")
	}
}

func TestGenProjectsExtRefsUnique(t *testing.T) {
	recs := records(t, generate(t, 10000, 3))
	seen := map[string]bool{}
	for i, rec := range recs[1:] {
		if want := fmt.Sprintf("GEN-%07d", i+1); rec[0] != want {
			t.Fatalf("row %d: ext_ref %q, want %q", i+1, rec[0], want)
		}
		if seen[rec[0]] {
			t.Fatalf("duplicate ext_ref %s", rec[0])
		}
		seen[rec[0]] = true
	}
}

// TestProjectsValues checks every cell of 10,000 rows against the demo
// mission's taxonomy and the import's rules.
func TestGenProjectsValues(t *testing.T) {
	doc, err := os.ReadFile("../../data/demo/mission.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := missionfile.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	terms := func(scheme string) map[string]bool {
		s := m.Scheme(scheme)
		if s == nil {
			t.Fatalf("mission has no scheme %s", scheme)
		}
		set := map[string]bool{}
		for _, term := range s.Terms {
			set[term.Code] = true
		}
		return set
	}
	munis := map[string]bool{}
	mf, err := os.ReadFile("../../data/demo/municipalities.csv")
	if err != nil {
		t.Fatal(err)
	}
	mrecs := records2(t, mf)
	for _, r := range mrecs[1:] {
		munis[r[0]] = true
	}
	if len(munis) != 88 || len(municipalities) != 88 {
		t.Fatalf("%d municipalities in the CSV, %d in gen", len(munis), len(municipalities))
	}
	for _, mu := range municipalities {
		if !munis[mu.code] {
			t.Errorf("gen municipality %s is not in municipalities.csv", mu.code)
		}
	}
	col := map[string]int{}
	for i, h := range strings.Split(wantHeader, ",") {
		col[h] = i
	}
	multi := map[string]string{"pillars": "pillar", "challenges": "challenge", "levers": "lever"}
	single := map[string]string{"level": "level", "stage": "stage", "facet": "facet", "horizon": "horizon", "lead_org_type": "actor_type"}
	statuses := []string{"planned", "active", "paused", "completed", "stopped"}
	seenCodes := map[string]map[string]bool{}
	leadType := map[string]string{}
	recs := records(t, generate(t, 10000, 11))
	for _, rec := range recs[1:] {
		cell := func(name string) string { return rec[col[name]] }
		fail := func(format string, a ...any) {
			t.Helper()
			t.Fatalf("%s: %s", rec[0], fmt.Sprintf(format, a...))
		}
		for field, scheme := range multi {
			set := terms(scheme)
			parts := strings.Split(cell(field), "|")
			if cell(field) == "" || len(parts) > 3 {
				fail("%s %q: want 1–3 codes", field, cell(field))
			}
			for _, p := range parts {
				if !set[p] || p == "water" {
					fail("%s: %q is not a usable %s term", field, p, scheme)
				}
				if seenCodes[field] == nil {
					seenCodes[field] = map[string]bool{}
				}
				seenCodes[field][p] = true
			}
			if len(slices.Compact(slices.Sorted(slices.Values(parts)))) != len(parts) {
				fail("%s %q: duplicate codes", field, cell(field))
			}
		}
		for field, scheme := range single {
			if !terms(scheme)[cell(field)] {
				fail("%s: %q is not a %s term", field, cell(field), scheme)
			}
		}
		if !slices.Contains(statuses, cell("status")) {
			fail("status %q", cell("status"))
		}
		for _, f := range []string{"title", "summary"} {
			if n := utf8.RuneCountInString(cell(f)); n < minText || n > maxText {
				fail("%s has %d characters: %q", f, n, cell(f))
			}
		}
		if !munis[cell("municipality_code")] {
			fail("municipality_code %q", cell("municipality_code"))
		}
		if b := cell("budget_total_eur"); b != "" {
			budget, err := strconv.ParseFloat(b, 64)
			if err != nil || budget <= 0 || strings.Contains(b, ",") {
				fail("budget %q", b)
			}
			if p := cell("public_funding_eur"); p != "" {
				pub, err := strconv.ParseFloat(p, 64)
				if err != nil || pub < 0 || pub > budget {
					fail("public funding %q of budget %q", p, b)
				}
			}
		} else if cell("public_funding_eur") != "" {
			fail("public funding without a budget")
		}
		start, err := time.Parse(time.DateOnly, cell("start_date"))
		if err != nil {
			fail("start_date %q", cell("start_date"))
		}
		if e := cell("end_date"); e != "" {
			end, err := time.Parse(time.DateOnly, e)
			if err != nil || end.Before(start) {
				fail("end_date %q (start %s)", e, cell("start_date"))
			}
		}
		if _, err := time.Parse(time.DateOnly, cell("updated_at")); err != nil {
			fail("updated_at %q", cell("updated_at"))
		}
		if (cell("lat") == "") != (cell("lon") == "") {
			fail("lat %q lon %q", cell("lat"), cell("lon"))
		}
		if cell("lat") != "" {
			lat, err1 := strconv.ParseFloat(cell("lat"), 64)
			lon, err2 := strconv.ParseFloat(cell("lon"), 64)
			if err1 != nil || err2 != nil || lat < 42.9 || lat > 43.4 || lon < -2.6 || lon > -1.7 {
				fail("lat %q lon %q outside Gipuzkoa", cell("lat"), cell("lon"))
			}
		}
		lead := cell("lead_org")
		if lead == "" {
			fail("no lead_org")
		}
		if prev, ok := leadType[lead]; ok && prev != cell("lead_org_type") {
			fail("lead %q is %s here and %s elsewhere", lead, cell("lead_org_type"), prev)
		}
		leadType[lead] = cell("lead_org_type")
		if p := cell("partners"); p != "" {
			parts := strings.Split(p, "|")
			if len(parts) > 4 || slices.Contains(parts, lead) || len(slices.Compact(slices.Sorted(slices.Values(parts)))) != len(parts) {
				fail("partners %q (lead %q)", p, lead)
			}
		}
	}
	// Every code of every scheme shows up in 10,000 rows, except water.
	for field, scheme := range multi {
		want := len(m.Scheme(scheme).Terms)
		if scheme == "challenge" {
			want--
		}
		if len(seenCodes[field]) != want {
			t.Errorf("%s: %d distinct codes used, want %d", field, len(seenCodes[field]), want)
		}
	}
}

func records2(t *testing.T, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestGenOrgPool(t *testing.T) {
	p := pool()
	if len(p.names) != OrgPoolSize {
		t.Fatalf("pool has %d organisations, want %d", len(p.names), OrgPoolSize)
	}
	keys := map[string]bool{}
	for i, n := range p.names {
		if strings.ContainsAny(n, ",;|\"\n") || n != strings.TrimSpace(n) || !utf8.ValidString(n) {
			t.Fatalf("organisation name %q cannot be a plain CSV cell or list item", n)
		}
		k := nameKey(n)
		if keys[k] {
			t.Fatalf("organisation %q duplicates another by name key", n)
		}
		keys[k] = true
		if int(p.types[i]) >= len(actorTypes) {
			t.Fatalf("organisation %q has no actor type", n)
		}
	}
	for ty, ids := range p.byType {
		if len(ids) != poolQuota[ty] {
			t.Errorf("%s: %d organisations, want %d", actorTypes[ty], len(ids), poolQuota[ty])
		}
	}
}

func TestGenGenitive(t *testing.T) {
	for in, want := range map[string]string{"Eibar": "Eibarko", "Irun": "Irungo", "Zarautz": "Zarauzko", "Donostia": "Donostiako", "Zizurkil": "Zizurkilgo"} {
		if got := genitive(in); got != want {
			t.Errorf("genitive(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkGenProjects(b *testing.B) {
	const rows = 100000
	pool()
	b.ReportAllocs()
	var bytesOut int64
	for b.Loop() {
		cw := &countWriter{}
		if err := Projects(cw, rows, 1); err != nil {
			b.Fatal(err)
		}
		bytesOut = cw.n
	}
	b.SetBytes(bytesOut)
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func TestGenClip(t *testing.T) {
	long := []byte(strings.Repeat("Eraikinen birgaitze energetikoa, ", 10))
	got := clip(slices.Clone(long), maxText)
	if n := utf8.RuneCount(got); n > maxText || n < maxText-30 {
		t.Fatalf("clip: %d characters: %q", n, got)
	}
	if !strings.HasSuffix(string(got), "energetikoa…") {
		t.Fatalf("clip does not cut at a word: %q", got)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after == 0 {
		return 0, io.ErrShortWrite
	}
	f.after--
	return len(p), nil
}

func TestGenProjectsWriteError(t *testing.T) {
	if err := Projects(&failWriter{after: 1}, 50000, 1); err != io.ErrShortWrite {
		t.Fatalf("got %v, want the writer's error", err)
	}
}
