//go:build ignore

// Command convert writes data/geo/gipuzkoa-municipalities.geojson, the
// boundaries Begira draws its territory map with, from the iametza TopoJSON
// (github.com/iametza/zero-zabor-gipuzkoako-birziklapen-tasa-2014, file
// topoJSON/udalerriak-gipuzkoa.json, CC BY-SA 4.0; see data/geo/README.md).
//
// Run from the repository root with the TopoJSON's path:
//
//	go run ./data/geo/convert.go PATH/udalerriak-gipuzkoa.json
//
// Each shared arc is simplified once (Douglas-Peucker, tolerance below) and
// then assembled into its polygons, so neighbouring municipalities keep the
// very same border and no gap opens between them. Coordinates are rounded
// to 4 decimals (about 10 m), and only the properties Begira reads are kept:
// code (INE), name (Basque) and comarca (Eustat comarca code).
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
)

const tolerance = 0.0007 // degrees, about 60 m: invisible at the size a dashboard draws a province

type topology struct {
	Transform struct{ Scale, Translate [2]float64 }
	Objects   map[string]struct {
		Geometries []struct {
			Type       string
			Arcs       json.RawMessage
			Properties map[string]string
		}
	}
	Arcs [][][2]float64
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./data/geo/convert.go udalerriak-gipuzkoa.json")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	check(err)
	var t topology
	check(json.Unmarshal(b, &t))
	// Decode (delta, quantized) and simplify every arc once.
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		pts := make([][2]float64, len(a))
		for j, d := range a {
			x += d[0]
			y += d[1]
			pts[j] = [2]float64{round(x*t.Transform.Scale[0] + t.Transform.Translate[0]), round(y*t.Transform.Scale[1] + t.Transform.Translate[1])}
		}
		arcs[i] = simplify(pts)
	}
	ring := func(ids []int) [][2]float64 {
		var out [][2]float64
		for _, id := range ids {
			var a [][2]float64
			if id < 0 {
				a = reversed(arcs[^id])
			} else {
				a = arcs[id]
			}
			if len(out) > 0 {
				a = a[1:] // the first point repeats the previous arc's last
			}
			out = append(out, a...)
		}
		return out
	}
	var features []map[string]any
	for _, g := range t.Objects["udalerriak-gipuzkoa"].Geometries {
		var coords any
		switch g.Type {
		case "Polygon":
			var rs [][]int
			check(json.Unmarshal(g.Arcs, &rs))
			var poly [][][2]float64
			for _, r := range rs {
				poly = append(poly, ring(r))
			}
			coords = poly
		case "MultiPolygon":
			var ps [][][]int
			check(json.Unmarshal(g.Arcs, &ps))
			var multi [][][][2]float64
			for _, p := range ps {
				var poly [][][2]float64
				for _, r := range p {
					poly = append(poly, ring(r))
				}
				multi = append(multi, poly)
			}
			coords = multi
		default:
			check(fmt.Errorf("geometry type %s", g.Type))
		}
		features = append(features, map[string]any{
			"type":       "Feature",
			"properties": map[string]string{"code": g.Properties["ud_kodea"], "name": g.Properties["iz_euskal"], "comarca": g.Properties["es_kod"]},
			"geometry":   map[string]any{"type": g.Type, "coordinates": coords},
		})
	}
	out, err := json.Marshal(map[string]any{
		"type":        "FeatureCollection",
		"attribution": "Boundaries: iametza / Gaindegia (euskalgeo.net), CC BY-SA 4.0",
		"features":    features,
	})
	check(err)
	check(os.WriteFile("data/geo/gipuzkoa-municipalities.geojson", append(out, '\n'), 0o644))
	fmt.Printf("%d features, %d bytes\n", len(features), len(out)+1)
}

func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func reversed(a [][2]float64) [][2]float64 {
	out := make([][2]float64, len(a))
	for i, p := range a {
		out[len(a)-1-i] = p
	}
	return out
}

// simplify is Douglas-Peucker keeping both ends (where arcs meet).
func simplify(pts [][2]float64) [][2]float64 {
	if len(pts) <= 2 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var walk func(i, j int)
	walk = func(i, j int) {
		far, at := 0.0, -1
		for k := i + 1; k < j; k++ {
			if d := distance(pts[k], pts[i], pts[j]); d > far {
				far, at = d, k
			}
		}
		if at >= 0 && far > tolerance {
			keep[at] = true
			walk(i, at)
			walk(at, j)
		}
	}
	walk(0, len(pts)-1)
	// A closed arc (an island's whole ring) needs at least 4 points.
	if pts[0] == pts[len(pts)-1] {
		n := 0
		for _, k := range keep {
			if k {
				n++
			}
		}
		for k := 1; n < 4 && k < len(pts)-1; k++ {
			if !keep[k] {
				keep[k] = true
				n++
			}
		}
	}
	var out [][2]float64
	for k, p := range pts {
		if keep[k] {
			out = append(out, p)
		}
	}
	return out
}

// distance from p to the segment a-b.
func distance(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	if dx == 0 && dy == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/(dx*dx+dy*dy)))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
