// Package data embeds the demo mission and the boundaries Begira ships:
// plain files an analyst could have written.
package data

//go:generate go run ../cmd/demogen -dir demo

import "embed"

// Demo holds data/demo: mission.yaml and the CSV files.
//
//go:embed demo/*.yaml demo/*.csv
var Demo embed.FS

// Geo holds data/geo: the municipality boundaries built into Begira (see
// data/geo/README.md for their source and licence).
//
//go:embed geo/*.geojson
var Geo embed.FS

// GipuzkoaBoundaries is the file of the built-in map "gipuzkoa".
const GipuzkoaBoundaries = "geo/gipuzkoa-municipalities.geojson"
