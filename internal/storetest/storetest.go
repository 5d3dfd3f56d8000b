// Package storetest gives each test a database of its own, copied from a
// template built once per test binary. Building a template runs the import
// pipeline (seconds on a loaded machine); copying its file takes
// milliseconds, so tests that need a loaded portfolio each get a copy they
// may change instead of sharing one store or importing again.
//
// A test binary that uses templates runs its tests through Main, which
// removes the templates' directory when they end:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
// The package knows only the store: what a template holds (the demo, a
// hand-built mission) is the fill function its caller gives.
package storetest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/begira/begira/internal/store"
)

// dir holds this test binary's templates and kept copies.
var dir struct {
	once sync.Once
	path string
	err  error
}

func templatesDir() (string, error) {
	dir.once.Do(func() { dir.path, dir.err = os.MkdirTemp("", "begira-test-") })
	return dir.path, dir.err
}

// Main runs the tests, calls after (what else the binary must close once
// every test has run: the shared Chromium, say), removes the templates and
// exits with the tests' code.
func Main(m *testing.M, after ...func()) {
	code := m.Run()
	for _, f := range after {
		f()
	}
	if dir.path != "" {
		os.RemoveAll(dir.path)
	}
	os.Exit(code)
}

// Template is a database file filled once, the first time a test asks for
// a copy of it.
type Template struct {
	fill func(ctx context.Context, st *store.Store) error
	once sync.Once
	path string
	err  error
}

// New returns a template that fill writes into a new store.
func New(fill func(ctx context.Context, st *store.Store) error) *Template {
	return &Template{fill: fill}
}

// build writes the template the first time it is asked for.
func (t *Template) build() (string, error) {
	t.once.Do(func() {
		d, err := templatesDir()
		if err != nil {
			t.err = err
			return
		}
		f, err := os.CreateTemp(d, "template-*.duckdb")
		if err != nil {
			t.err = err
			return
		}
		f.Close()
		os.Remove(f.Name()) // the store creates the file itself
		t.path, t.err = f.Name(), write(f.Name(), t.fill)
	})
	return t.path, t.err
}

func write(path string, fill func(ctx context.Context, st *store.Store) error) (err error) {
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
	return fill(ctx, st)
}

// CopyTo writes a copy of the template at path, which must not exist.
func (t *Template) CopyTo(tb testing.TB, path string) {
	tb.Helper()
	if err := t.copyTo(path); err != nil {
		tb.Fatalf("template: %v", err)
	}
}

func (t *Template) copyTo(path string) error {
	from, err := t.build()
	if err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// Open opens a store over a copy of the template of the test's own,
// closed when the test ends.
func (t *Template) Open(tb testing.TB, opt store.Options) *store.Store {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "copy.duckdb")
	t.CopyTo(tb, path)
	st, err := store.Open(context.Background(), path, opt)
	if err != nil {
		tb.Fatalf("open copy: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// OpenKept opens a store over a copy that outlives the test that asks for
// it: for a store the whole test binary shares. Main removes the file; the
// store is never closed, as the binary ends with it.
func (t *Template) OpenKept(opt store.Options) (*store.Store, error) {
	d, err := templatesDir()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(d, "kept-*.duckdb")
	if err != nil {
		return nil, err
	}
	f.Close()
	os.Remove(f.Name())
	if err := t.copyTo(f.Name()); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	return store.Open(context.Background(), f.Name(), opt)
}

// Set is a family of templates by key: one per distinct content a test
// binary asks for (a mission document and its files, hashed).
type Set struct {
	mu    sync.Mutex
	byKey map[string]*Template
}

// Get returns the template of key, made with fill the first time.
func (s *Set) Get(key string, fill func(ctx context.Context, st *store.Store) error) *Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.byKey = map[string]*Template{}
	}
	t, ok := s.byKey[key]
	if !ok {
		t = New(fill)
		s.byKey[key] = t
	}
	return t
}
