package web

import (
	"context"
	"errors"
	"testing"

	"github.com/begira/begira/internal/store"
)

// TestRetryRead: a read that ran out of memory while an import stages or
// commits waits for that step to end and is made again, at most
// readRetries times; other failures are not retried.
func TestRetryRead(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	oom := errors.New("store: scoped query: Out of Memory Error: could not allocate block of size 256.0 KiB (1.0 GiB/1.0 GiB used)")
	done := st.Heavy()
	again := make(chan bool)
	go func() { again <- retryRead(context.Background(), st, oom, 0) }()
	done() // the import's step ends: the reader goes again
	if !<-again {
		t.Error("a read out of memory was not retried after the import's step")
	}
	if retryRead(context.Background(), st, oom, readRetries) {
		t.Errorf("retried a %d-th time", readRetries+1)
	}
	if retryRead(context.Background(), st, errors.New("store: scoped query: Binder Error"), 0) {
		t.Error("retried a read that did not run out of memory")
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	defer st.Heavy()()
	if retryRead(cancelled, st, oom, 0) {
		t.Error("retried for a reader that has gone")
	}
}
