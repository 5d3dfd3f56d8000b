package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/begira/begira/internal/gen"
)

// genCmd writes a large, deterministic portfolio file for benchmarks and
// load tests. Exit codes: 0 written, 2 usage or I/O errors.
func genCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const use = "usage: begira gen --kind projects --rows N [--seed S] [--out FILE|-]"
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "what to generate: projects")
	rows := fs.Int("rows", -1, "number of data rows")
	seed := fs.Uint64("seed", 1, "seed; the same seed and rows give byte-identical output")
	out := fs.String("out", "-", "output file, or - for stdout")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 || *kind == "" || *rows < 0 {
		fmt.Fprintln(stderr, use)
		return 2
	}
	if *kind != "projects" {
		fmt.Fprintf(stderr, "begira gen: --kind %q: only projects can be generated\n", *kind)
		return 2
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintln(stderr, "begira gen:", err)
		return 2
	}
	start := time.Now()
	name := "stdout"
	if *out == "" || *out == "-" {
		if err := gen.Projects(stdout, *rows, *seed); err != nil {
			fmt.Fprintln(stderr, "begira gen:", err)
			return 2
		}
	} else {
		name = *out
		if err := writeAtomically(*out, func(w io.Writer) error { return gen.Projects(w, *rows, *seed) }); err != nil {
			fmt.Fprintln(stderr, "begira gen:", err)
			return 2
		}
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stderr, "wrote %d rows to %s in %.2fs (%.0f rows/s)\n", *rows, name, secs, float64(*rows)/max(secs, 1e-9))
	return 0
}

// writeAtomically writes path through a temporary file in the same directory and
// renames it into place, so an interrupted run leaves no half-written file.
func writeAtomically(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}
