package store

import (
	"context"
	"testing"
)

// TestHeavyGate: WaitHeavy returns at once while no import step runs, waits
// while one does (here: gives up with its context), and returns when the
// last one ends; a done func called twice counts once.
func TestHeavyGate(t *testing.T) {
	st, err := Open(context.Background(), Memory, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.WaitHeavy(cancelled); err != nil {
		t.Fatalf("idle gate: %v", err)
	}
	a, b := st.Heavy(), st.Heavy()
	if err := st.WaitHeavy(cancelled); err == nil {
		t.Fatal("WaitHeavy returned while two heavy steps run")
	}
	waited := make(chan error)
	go func() { waited <- st.WaitHeavy(context.Background()) }()
	a()
	a() // twice: still one step left
	if err := st.WaitHeavy(cancelled); err == nil {
		t.Fatal("WaitHeavy returned while one heavy step runs")
	}
	b()
	if err := <-waited; err != nil {
		t.Fatalf("the waiting reader: %v", err)
	}
	if err := st.WaitHeavy(cancelled); err != nil {
		t.Fatalf("after the steps: %v", err)
	}
}

// TestIsOutOfMemory: DuckDB's own error when a query needs more than the
// memory limit is recognised, and other errors are not.
func TestIsOutOfMemory(t *testing.T) {
	st, err := Open(context.Background(), Memory, Options{MemoryLimit: "8MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	err = st.DB().QueryRow(`SELECT count(DISTINCT x) FROM (SELECT md5(range::VARCHAR) AS x FROM range(3000000))`).Scan(&n)
	if !IsOutOfMemory(err) {
		t.Fatalf("a query past an 8 MB limit gave %v, want DuckDB's out-of-memory error", err)
	}
	if IsOutOfMemory(st.DB().QueryRow(`SELECT nope`).Scan(&n)) {
		t.Error("a binder error taken for out of memory")
	}
}
