package web

import (
	"context"
	"fmt"
	"testing"
)

// TestViewCacheIsBoundedInBytes: pages of 1 MB each never hold more than
// maxViewBytes; a page too large to keep is served and not kept. Before
// the fix only the count (256) was bounded: 200 large pages took the
// server from 0.9 GB to 13 GB.
func TestViewCacheIsBoundedInBytes(t *testing.T) {
	c := newViewCache()
	page := func(n int) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) { return make([]byte, n), nil }
	}
	for i := range 200 {
		if _, err := c.get(context.Background(), "m", fmt.Sprint(i), page(1<<20)); err != nil {
			t.Fatal(err)
		}
		if c.bytes > maxViewBytes {
			t.Fatalf("after %d pages the cache holds %d bytes", i+1, c.bytes)
		}
	}
	sum := 0
	for _, e := range c.entries {
		sum += len(e.page)
	}
	if sum != c.bytes || len(c.entries) == 0 {
		t.Errorf("bytes %d, entries sum %d (%d entries)", c.bytes, sum, len(c.entries))
	}
	v, err := c.get(context.Background(), "m", "huge", page(maxViewBytes/4))
	if err != nil || len(v) != maxViewBytes/4 {
		t.Fatalf("huge page: %d bytes, %v", len(v), err)
	}
	if _, ok := c.entries["huge"]; ok {
		t.Error("a page of a quarter of the budget was kept")
	}
}
