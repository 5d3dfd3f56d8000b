package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/browsertest"
	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// demoDB is a database file with the demo mission loaded as `begira serve
// --demo` loads it, built once per test binary in a directory TestMain
// removes. Loading the demo through the import pipeline takes seconds on a
// loaded machine, copying the file milliseconds: startDemo gives every
// test a copy, which `serve --demo` finds loaded, as after a restart.
var demoDB struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the demo template and closes the one Chromium the
// browser tests share (see browsertest.New) once every test has run.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "begira-cmd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	demoDB.dir = dir
	code := m.Run()
	browsertest.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildDemoDB loads the demo into a new database at path, as newServer does.
func buildDemoDB(path string) (err error) {
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer func() {
		// Closing checkpoints: the copies need nothing but the file.
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return demo.Load(portfolio.WithActor(ctx, "demo"), st, ingest.New(st, time.Now), log)
}

// copyDemoDB writes a copy of the demo template at path.
func copyDemoDB(t *testing.T, path string) {
	t.Helper()
	demoDB.once.Do(func() {
		demoDB.path = filepath.Join(demoDB.dir, "demo.duckdb")
		demoDB.err = buildDemoDB(demoDB.path)
	})
	if demoDB.err != nil {
		t.Fatalf("demo template: %v", demoDB.err)
	}
	src, err := os.Open(demoDB.path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
