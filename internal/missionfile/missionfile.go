// Package missionfile reads mission documents: the YAML (or JSON, which is
// YAML too) that declares a mission and its taxonomies (docs/DOMAIN.md).
package missionfile

import (
	"github.com/goccy/go-yaml"

	"github.com/begira/begira/internal/portfolio"
)

// Parse decodes and validates a mission document. Unknown keys are errors so
// that a typo such as "cardinalty" is not silently ignored.
func Parse(doc []byte) (*portfolio.Mission, error) {
	if err := check(doc); err != nil {
		return nil, err
	}
	var m portfolio.Mission
	if err := yaml.UnmarshalWithOptions(doc, &m, yaml.DisallowUnknownField()); err != nil {
		return nil, decodeError(err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}
