package missionfile

import (
	"os"
	"strings"
	"testing"

	"github.com/begira/begira/internal/portfolio"
)

func TestParseDemoMission(t *testing.T) {
	body, err := os.ReadFile("../../data/demo/mission.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if m.Slug != "gipuzkoa" || len(m.Schemes) != 9 {
		t.Fatalf("got slug %q with %d schemes, want gipuzkoa with 9", m.Slug, len(m.Schemes))
	}
	level := m.Scheme("level")
	if level == nil || !level.Ordered || len(level.Terms) != 5 || level.Terms[4].Code != "regulation" || level.Terms[4].Ordinal != 5 {
		t.Errorf("level scheme: %+v", level)
	}
	if !level.AppliesToKind(portfolio.KindSignal) {
		t.Errorf("level applies to %v, want project and signal", level.AppliesTo)
	}
	if m.Scheme("pillar").AppliesTo[0] != "project" || !m.Scheme("pillar").Multi() {
		t.Errorf("pillar: %+v", m.Scheme("pillar"))
	}
}

func TestParseRefusesBadDocuments(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"typo in key":  {"slug: x\ntitle: {en: X}\nschemes:\n  - code: a\n    label: {en: A}\n    cardinalty: multi\n    terms: [{code: t, label: {en: T}}]\n", "cardinalty"},
		"not yaml":     {"slug: [unclosed", "mission document"},
		"invalid slug": {"slug: Not A Slug\ntitle: {en: X}\n", "slug"},
		"applies list": {"slug: x\ntitle: {en: X}\nschemes:\n  - code: a\n    label: {en: A}\n    applies_to: [project, budget]\n    terms: [{code: t, label: {en: T}}]\n", "applies_to"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if portfolio.ErrorCode(err) != portfolio.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			all := portfolio.ErrorMessage(err) + strings.Join(portfolio.ErrorDetails(err), " ")
			if !strings.Contains(all, tc.want) {
				t.Errorf("error %q does not mention %q", all, tc.want)
			}
		})
	}
}

func TestAppliesToAcceptsOneWord(t *testing.T) {
	m, err := Parse([]byte("slug: x\ntitle: {en: X}\nschemes:\n  - code: a\n    label: {en: A}\n    applies_to: signal\n    terms: [{code: t, label: {en: T}}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Schemes[0].AppliesTo; len(got) != 1 || got[0] != "signal" {
		t.Errorf("applies_to = %v, want [signal]", got)
	}
}
