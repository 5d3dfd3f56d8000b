package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

func mustSource(tb testing.TB, st *store.Store, mission, slug string) *portfolio.Source {
	tb.Helper()
	src, err := st.Source(context.Background(), mission, slug)
	if err != nil {
		tb.Fatalf("source %s: %v", slug, err)
	}
	return src
}

func TestSourceUpsertAndPulls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	m := MustApply(t, st, testMission())
	doc := portfolio.SourceDoc{Slug: "feed", Name: "Open data feed", Kind: "projects", URL: "https://example.org/p.csv",
		Mode: "upsert", Schedule: "0 6 * * *", Mapping: map[string]string{"Ref": "ext_ref"}}
	if err := st.UpsertSource(ctx, m.Slug, doc); err != nil {
		t.Fatal(err)
	}
	src := mustSource(t, st, m.Slug, "feed")
	if src.Name != "Open data feed" || src.Kind != "other" || src.PullKind != "projects" || src.PullMode != "upsert" ||
		src.URL != doc.URL || src.Schedule != "0 6 * * *" || src.Mapping["Ref"] != "ext_ref" || src.LastPulledAt != nil {
		t.Fatalf("registered source: %+v", src)
	}

	at := time.Date(2026, 3, 28, 6, 0, 0, 0, time.UTC)
	err := st.RecordPull(ctx, m.Slug, "feed", portfolio.PullRecord{At: at, Status: portfolio.PullOK, BatchID: 4,
		Validators: true, ETag: `"v1"`, LastModified: "Sat, 28 Mar 2026 05:00:00 GMT", SHA256: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	// A failure records its error but keeps the validators of the last
	// good pull, so the next pull fetches the file again.
	err = st.RecordPull(ctx, m.Slug, "feed", portfolio.PullRecord{At: at.Add(time.Hour), Status: portfolio.PullFailed, Error: "HTTP 500"})
	if err != nil {
		t.Fatal(err)
	}
	src = mustSource(t, st, m.Slug, "feed")
	if src.ETag != `"v1"` || src.LastModified == "" || src.LastSHA256 != "abc" || src.LastBatchID != 4 ||
		src.LastStatus != portfolio.PullFailed || src.LastError != "HTTP 500" || !src.LastPulledAt.Equal(at.Add(time.Hour)) {
		t.Errorf("after a failed pull: %+v", src)
	}

	// A document without a mapping keeps the saved one; a new URL forgets
	// the validators of the old.
	doc.Mapping, doc.URL = nil, "https://example.org/v2.csv"
	if err := st.UpsertSource(ctx, m.Slug, doc); err != nil {
		t.Fatal(err)
	}
	src = mustSource(t, st, m.Slug, "feed")
	if src.Mapping["Ref"] != "ext_ref" || src.ETag != "" || src.LastSHA256 != "" || src.URL != doc.URL {
		t.Errorf("after a URL change: %+v", src)
	}

	if _, err := st.Source(ctx, m.Slug, "nope"); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("unknown source: got %v, want ENOTFOUND", err)
	}
	if err := st.RecordPull(ctx, m.Slug, "nope", portfolio.PullRecord{At: at, Status: portfolio.PullOK}); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("record a pull of an unknown source: got %v, want ENOTFOUND", err)
	}
	if err := st.UpsertSource(ctx, "ghost", doc); portfolio.ErrorCode(err) != portfolio.ENOTFOUND {
		t.Errorf("source of an unknown mission: got %v, want ENOTFOUND", err)
	}
}

func TestSyncSourcesStopsPullingUndeclaredSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustOpen(t)
	m := testMission()
	m.Sources = []portfolio.SourceDoc{
		{Slug: "a", Kind: "projects", URL: "https://example.org/a.csv", Schedule: "@daily"},
		{Slug: "b", Kind: "signals", URL: "https://example.org/b.json"},
	}
	MustApply(t, st, m)
	if err := st.SyncSources(ctx, m); err != nil {
		t.Fatal(err)
	}
	srcs, err := st.Sources(ctx, m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].Slug != "a" || srcs[0].Schedule != "@daily" || srcs[1].PullKind != "signals" {
		t.Fatalf("sources: %+v, want a and b", srcs)
	}
	m.Sources = m.Sources[1:]
	if err := st.SyncSources(ctx, m); err != nil {
		t.Fatal(err)
	}
	srcs, _ = st.Sources(ctx, m.Slug)
	if len(srcs) != 2 || srcs[0].URL != "" || srcs[0].Schedule != "" || srcs[1].URL == "" {
		t.Errorf("after dropping a from the document: %+v, want a kept but no longer pulled", srcs)
	}
}
