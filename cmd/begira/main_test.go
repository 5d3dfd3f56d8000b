package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/begira/begira/internal/browsertest"
	"github.com/begira/begira/internal/demo"
	"github.com/begira/begira/internal/ingest"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
)

// demoDB is the demo mission loaded as `begira serve --demo` loads it, once
// per test binary: startDemo gives every test a copy, which `serve --demo`
// finds loaded, as after a restart.
var demoDB = storetest.New(func(ctx context.Context, st *store.Store) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return demo.Load(portfolio.WithActor(ctx, "demo"), st, ingest.New(st, time.Now), log)
})

// TestMain removes the demo template and closes the one Chromium the
// browser tests share (see browsertest.New) once every test has run.
func TestMain(m *testing.M) { storetest.Main(m, browsertest.Close) }
