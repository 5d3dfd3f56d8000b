// Command demogen writes the demo mission's CSV files (municipalities,
// organisations, projects and signals; the same bytes at every run) and
// prints the story they tell, with a check of each part of it. It exits 1
// when a check fails.
//
// `go generate ./data` (or `make demo-data`) runs it into data/demo:
//
//	go run ./cmd/demogen -dir data/demo
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/begira/begira/internal/gen"
)

func main() {
	dir := flag.String("dir", "data/demo", "directory to write the CSV files into")
	flag.Parse()
	if err := gen.WriteDemo(*dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demogen:", err)
		os.Exit(1)
	}
}
