package missionfile

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/begira/begira/internal/portfolio"
)

const boundariesHead = "slug: x\ntitle: {en: X}\nschemes:\n  - code: a\n    label: {en: A}\n    terms: [{code: t, label: {en: T}}]\n"

// A mission elsewhere carries its own boundaries inline, in YAML or JSON
// form, and they come out as the GeoJSON text the map is sent.
func TestBoundariesInline(t *testing.T) {
	doc := boundariesHead + `boundaries:
  code_property: ine
  geojson:
    type: FeatureCollection
    features:
      - type: Feature
        properties: {ine: "31201", name: Tudela}
        geometry: {type: Polygon, coordinates: [[[-1.6, 42.0], [-1.5, 42.0], [-1.5, 42.1], [-1.6, 42.0]]]}
`
	m, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct{ Properties map[string]string }
	}
	if err := json.Unmarshal(m.Boundaries.GeoJSON, &fc); err != nil || fc.Type != "FeatureCollection" || fc.Features[0].Properties["ine"] != "31201" {
		t.Fatalf("geojson kept as %s (%v)", m.Boundaries.GeoJSON, err)
	}
	// The stored document (JSON) reads back the same boundaries.
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back portfolio.Mission
	if err := json.Unmarshal(b, &back); err != nil || string(back.Boundaries.GeoJSON) != string(m.Boundaries.GeoJSON) || back.Boundaries.CodeProperty != "ine" {
		t.Fatalf("round trip: %+v (%v)", back.Boundaries, err)
	}
	m, err = Parse([]byte(boundariesHead + "boundaries: {builtin: gipuzkoa}\n"))
	if err != nil || m.Boundaries.Builtin != "gipuzkoa" || m.Boundaries.CodeProperty != "code" {
		t.Fatalf("builtin: %+v (%v)", m.Boundaries, err)
	}
}

func TestBoundariesRefused(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"unknown builtin":  {"boundaries: {builtin: navarra}\n", `boundaries.builtin: "navarra" is not a built-in map`},
		"both":             {"boundaries: {builtin: gipuzkoa, geojson: {type: FeatureCollection, features: []}}\n", "builtin or geojson, not both"},
		"not a collection": {"boundaries: {geojson: {type: Feature}}\n", "not a GeoJSON FeatureCollection"},
		"no features":      {"boundaries: {geojson: {type: FeatureCollection, features: []}}\n", "has no features"},
		"point":            {"boundaries: {geojson: {type: FeatureCollection, features: [{type: Feature, properties: {code: '20069'}, geometry: {type: Point, coordinates: [1, 2]}}]}}\n", "features[0]: the geometry must be a Polygon or a MultiPolygon"},
		"no code":          {"boundaries: {code_property: ine, geojson: {type: FeatureCollection, features: [{type: Feature, properties: {code: '20069'}, geometry: {type: Polygon, coordinates: [[[1, 2], [2, 2], [1, 2]]]}}]}}\n", `features[0]: no property "ine"`},
		"unknown key":      {"boundaries: {file: x.geojson}\n", "file"},
	} {
		_, err := Parse([]byte(boundariesHead + tc.body))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		msg := err.Error()
		var pe *portfolio.Error
		if e, ok := err.(*portfolio.Error); ok {
			pe = e
			msg += " " + strings.Join(pe.Details, "; ")
		}
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: error %q, want it to say %q", name, msg, tc.want)
		}
	}
}
