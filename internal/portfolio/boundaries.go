package portfolio

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Boundaries say which municipality boundaries a mission's territory map
// draws. With neither field the server's choice applies (its --geojson
// file, else the built-in Gipuzkoa map).
//
//	boundaries:
//	  builtin: gipuzkoa        # a map built into Begira, or "none" for the bubble map
//	  geojson: {type: FeatureCollection, features: [...]}   # or the mission's own
//	  code_property: code      # the feature property holding the INE code
type Boundaries struct {
	Builtin      string  `yaml:"builtin,omitempty" json:"builtin,omitempty"`
	GeoJSON      GeoJSON `yaml:"geojson,omitempty" json:"geojson,omitempty"`
	CodeProperty string  `yaml:"code_property,omitempty" json:"code_property,omitempty"`
}

// Built-in boundaries a mission document may name.
const (
	BoundariesGipuzkoa = "gipuzkoa"
	BoundariesNone     = "none" // no boundaries: municipalities drawn as bubbles
)

// BuiltinBoundaries lists the names boundaries.builtin accepts.
var BuiltinBoundaries = []string{BoundariesGipuzkoa, BoundariesNone}

// GeoJSON is a GeoJSON document kept as its JSON text: a mission document
// written in YAML or JSON carries it inline, and the server sends it as is.
type GeoJSON json.RawMessage

// UnmarshalYAML reads the inline document (any YAML or JSON) as JSON text.
func (g *GeoJSON) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("boundaries.geojson: %w", err)
	}
	*g = b
	return nil
}

// MarshalJSON and UnmarshalJSON keep the text as it is.
func (g GeoJSON) MarshalJSON() ([]byte, error) {
	if len(g) == 0 {
		return []byte("null"), nil
	}
	return g, nil
}

func (g *GeoJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*g = nil
		return nil
	}
	*g = append((*g)[:0], b...)
	return nil
}

// validate checks the boundaries a document names: a known built-in map,
// or a FeatureCollection whose every feature is a (multi)polygon with its
// code property; never both.
func (b *Boundaries) validate(add func(string, ...any)) {
	if b == nil {
		return
	}
	if b.Builtin != "" && len(b.GeoJSON) > 0 {
		add("boundaries: give builtin or geojson, not both")
	}
	if b.Builtin != "" && !slices.Contains(BuiltinBoundaries, b.Builtin) {
		add("boundaries.builtin: %q is not a built-in map (one of %v)", b.Builtin, BuiltinBoundaries)
	}
	if b.CodeProperty == "" {
		b.CodeProperty = "code"
	}
	if len(b.GeoJSON) == 0 {
		return
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b.GeoJSON, &fc); err != nil || fc.Type != "FeatureCollection" {
		add("boundaries.geojson: not a GeoJSON FeatureCollection (its type must be \"FeatureCollection\")")
		return
	}
	if len(fc.Features) == 0 {
		add("boundaries.geojson: the FeatureCollection has no features")
	}
	reported := 0
	for i, f := range fc.Features {
		if reported == 5 {
			add("boundaries.geojson: more features with problems not listed")
			break
		}
		where := fmt.Sprintf("boundaries.geojson.features[%d]", i)
		code, _ := f.Properties[b.CodeProperty].(string)
		switch {
		case f.Geometry == nil || (f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon"):
			add("%s: the geometry must be a Polygon or a MultiPolygon", where)
		case len(f.Geometry.Coordinates) == 0:
			add("%s: the geometry has no coordinates", where)
		case code == "":
			add("%s: no property %q (code_property) holding the municipality's INE code as text", where, b.CodeProperty)
		default:
			continue
		}
		reported++
	}
}
