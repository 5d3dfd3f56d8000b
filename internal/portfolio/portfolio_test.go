package portfolio

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func validMission() *Mission {
	return &Mission{Slug: "m", Title: Labels{EN: "M"}, Schemes: []Scheme{
		{Code: "level", Label: Labels{EN: "Level"}, Ordered: true, Terms: []Term{
			{Code: "community", Label: Labels{EN: "Community", ES: "Comunidad"}}, {Code: "regulation", Label: Labels{EN: "Regulation"}},
		}},
	}}
}

func TestMissionValidate(t *testing.T) {
	m := validMission()
	if err := m.Validate(); err != nil {
		t.Fatalf("valid mission: %v", err)
	}
	// Defaults are filled in.
	if m.Timezone != "Europe/Madrid" || m.Schemes[0].Cardinality != "single" || m.Schemes[0].AppliesTo[0] != KindProject {
		t.Errorf("defaults: timezone %q cardinality %q applies_to %v", m.Timezone, m.Schemes[0].Cardinality, m.Schemes[0].AppliesTo)
	}
	if m.Schemes[0].Terms[1].Ordinal != 2 {
		t.Errorf("ordinal of an ordered scheme's second term: got %d, want 2", m.Schemes[0].Terms[1].Ordinal)
	}
	for name, tc := range map[string]struct {
		edit func(*Mission)
		want string
	}{
		"bad slug":       {func(m *Mission) { m.Slug = "Bad Slug" }, "slug"},
		"no title":       {func(m *Mission) { m.Title.EN = "" }, "title.en"},
		"bad timezone":   {func(m *Mission) { m.Timezone = "Mars/Olympus" }, "time zone"},
		"dup scheme":     {func(m *Mission) { m.Schemes = append(m.Schemes, m.Schemes[0]) }, "duplicate scheme"},
		"dup term":       {func(m *Mission) { m.Schemes[0].Terms[1].Code = "community" }, "duplicate term"},
		"bad cardinal":   {func(m *Mission) { m.Schemes[0].Cardinality = "many" }, "cardinality"},
		"bad applies_to": {func(m *Mission) { m.Schemes[0].AppliesTo = AppliesTo{"budget"} }, "applies_to"},
		"no terms":       {func(m *Mission) { m.Schemes[0].Terms = nil }, "at least one term"},
		"bad parent":     {func(m *Mission) { m.Schemes[0].Terms[0].Parent = "nope" }, "parent"},
	} {
		t.Run(name, func(t *testing.T) {
			m := validMission()
			tc.edit(m)
			err := m.Validate()
			if ErrorCode(err) != EINVALID || !strings.Contains(strings.Join(ErrorDetails(err), "\n"), tc.want) {
				t.Errorf("got %v (details %q), want EINVALID mentioning %q", err, ErrorDetails(err), tc.want)
			}
		})
	}
}

func TestLabelsFallBackToEnglish(t *testing.T) {
	l := Labels{EN: "Community", ES: "Comunidad"}
	if l.In("es") != "Comunidad" || l.In("eu") != "Community" || l.In("fr") != "Community" {
		t.Errorf("got es %q eu %q fr %q", l.In("es"), l.In("eu"), l.In("fr"))
	}
}

func TestParseScope(t *testing.T) {
	q, _ := url.ParseQuery("level=community,startup&level=community&pillar=adaptation&status=active&from=2025-01-01&to=2026-01-01")
	s, err := ParseScope(q)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Levels, ",") != "community,startup" || s.Pillars[0] != "adaptation" || s.Statuses[0] != "active" {
		t.Errorf("scope %+v", s)
	}
	if s.From.Format(time.DateOnly) != "2025-01-01" || s.To.Format(time.DateOnly) != "2026-01-01" {
		t.Errorf("dates %v %v", s.From, s.To)
	}
	// Query is the inverse of ParseScope.
	again, err := ParseScope(s.Query())
	if err != nil || fmt.Sprint(again) != fmt.Sprint(s) {
		t.Errorf("round trip: got %+v, want %+v (%v)", again, s, err)
	}
	for _, bad := range []string{"status=bogus", "from=07/03/2026", "to=tomorrow"} {
		q, _ := url.ParseQuery(bad)
		if _, err := ParseScope(q); ErrorCode(err) != EINVALID {
			t.Errorf("%s: got %v, want EINVALID", bad, err)
		}
	}
	if !(Scope{}).IsZero() {
		t.Error("empty scope is not zero")
	}
}

func TestErrors(t *testing.T) {
	wrapped := fmt.Errorf("store: x: %w", Errorf(ENOTFOUND, "mission %q not found", "x"))
	if ErrorCode(wrapped) != ENOTFOUND || ErrorMessage(wrapped) != `mission "x" not found` {
		t.Errorf("wrapped domain error: code %q message %q", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	internal := errors.New("duckdb: disk I/O error at /secret")
	if ErrorCode(internal) != EINTERNAL || ErrorMessage(internal) != "Internal error." {
		t.Errorf("internal error leaks: code %q message %q", ErrorCode(internal), ErrorMessage(internal))
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error has a code or message")
	}
}

func TestDateJSON(t *testing.T) {
	d := Date{time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)}
	b, _ := json.Marshal(d)
	if string(b) != `"2026-03-07"` {
		t.Errorf("marshal: %s", b)
	}
	var back Date
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d.Time) {
		t.Errorf("unmarshal: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"07/03/2026"`), &back); err == nil {
		t.Error("a non-ISO date was accepted")
	}
}
