package metrics

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestEngineCacheIsBoundedInBytes: results of a large portfolio are tens of
// megabytes each; the cache drops the least recently used ones past
// maxBytes, whatever their number. Before, only the count (512) was
// bounded: 200 distinct scopes of a large mission held gigabytes.
func TestEngineCacheIsBoundedInBytes(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: testNow}
	en := NewEngine(nil, clock.Now, nil)
	big := &Result{}
	for i := range 4000 {
		big.Values = append(big.Values, Value{Code: "C1", Dims: map[string]string{"org": fmt.Sprint("organisation ", i)}})
	}
	size := resultBytes(big)
	if size < 400_000 || maxBytes/size >= maxEntries {
		t.Fatalf("a 4,000-value result is estimated at %d bytes: the bytes would not bind before the count", size)
	}
	ctx := context.Background()
	compute := func(context.Context) (*Result, error) { return big, nil }
	last := 4*maxBytes/size - 1
	for i := range last + 1 {
		clock.Add(time.Second)
		if _, err := en.cache.Get(ctx, "m", fmt.Sprint(i), compute); err != nil {
			t.Fatal(err)
		}
		if _, bytes := en.cache.Len(); bytes > maxBytes {
			t.Fatalf("after %d results the cache holds %d bytes", i+1, bytes)
		}
	}
	if n, bytes := en.cache.Len(); n != maxBytes/size || bytes != n*size {
		t.Errorf("%d results held in %d bytes, want %d of %d bytes", n, bytes, maxBytes/size, size)
	}
	recomputed := false
	again := func(context.Context) (*Result, error) { recomputed = true; return big, nil }
	if en.cache.Get(ctx, "m", fmt.Sprint(last), again); recomputed {
		t.Error("the newest result was evicted")
	}
	if en.cache.Get(ctx, "m", "0", again); !recomputed {
		t.Error("the oldest result was kept")
	}
}
