package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/begira/begira/internal/gen"
)

func TestGenProjectsToFile(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "projects.csv")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"gen", "--kind", "projects", "--rows", "100", "--seed", "5", "--out", out},
		&stdout, &stderr, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout should be empty when writing to a file: %q", stdout.String())
	}
	if !strings.HasPrefix(stderr.String(), "wrote 100 rows to "+out+" in ") || !strings.Contains(stderr.String(), " rows/s)") {
		t.Errorf("stderr: %q", stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(data, []byte("\n")); got != 101 {
		t.Errorf("%d lines, want 101", got)
	}
	if !bytes.HasPrefix(data, []byte(gen.ProjectsHeader+"\n")) {
		t.Errorf("header: %q", data[:bytes.IndexByte(data, '\n')])
	}
	var want bytes.Buffer
	if err := gen.Projects(&want, 100, 5); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want.Bytes()) {
		t.Error("the file differs from gen.Projects with the same rows and seed")
	}
	// stdout when --out is absent
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"gen", "--kind", "projects", "--rows", "100", "--seed", "5"},
		&stdout, &stderr, func(string) string { return "" }); code != 0 || !bytes.Equal(stdout.Bytes(), want.Bytes()) {
		t.Errorf("stdout: exit %d, %d bytes, stderr %q", code, stdout.Len(), stderr.String())
	}
}

func TestGenUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"gen"},
		{"gen", "--kind", "projects"},
		{"gen", "--rows", "10"},
		{"gen", "--kind", "signals", "--rows", "10"},
		{"gen", "--kind", "projects", "--rows", "x"},
		{"gen", "--kind", "projects", "--rows", "10", "extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr, func(string) string { return "" }); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
