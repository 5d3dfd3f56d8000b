// Command staticgen precompresses the web server's static assets at build
// time: beside every compressible file of the directory it is given (CSS,
// JavaScript, SVG, JSON, text) it writes NAME.br (brotli, quality 11) and
// NAME.gz (gzip, best compression), both embedded with the originals. A
// compressed copy that saves less than a tenth is not written: sending it
// would cost a decode for nothing. Output is deterministic (no time stamp,
// no file name in the gzip header), so a rerun on the same files changes
// nothing and the committed copies can be checked by a test.
//
// Run by `go generate ./internal/web` after changing a file in static/.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
)

// Compressible lists the extensions worth compressing; images other than
// SVG and fonts are compressed already.
var Compressible = map[string]bool{".css": true, ".js": true, ".svg": true, ".json": true, ".txt": true, ".html": true}

func main() {
	dir := "static"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "staticgen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext == ".br" || ext == ".gz" {
			return nil
		}
		for _, enc := range []string{".br", ".gz"} {
			os.Remove(path + enc) // a file that stopped being worth it loses its copy
		}
		if !Compressible[strings.ToLower(ext)] {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		br, gz, err := compress(src)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for enc, out := range map[string][]byte{".br": br, ".gz": gz} {
			if len(out) > len(src)*9/10 {
				continue
			}
			if err := os.WriteFile(path+enc, out, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

func compress(src []byte) (br, gz []byte, err error) {
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, brotli.BestCompression)
	if _, err := w.Write(src); err != nil {
		return nil, nil, err
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	var g bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression)
	if _, err := zw.Write(src); err != nil {
		return nil, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), g.Bytes(), nil
}
