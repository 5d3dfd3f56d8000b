// Package data embeds the demo mission: plain files an analyst could have written.
package data

//go:generate go run ../cmd/demogen -dir demo

import "embed"

// Demo holds data/demo: mission.yaml and the CSV files.
//
//go:embed demo/*.yaml demo/*.csv
var Demo embed.FS
