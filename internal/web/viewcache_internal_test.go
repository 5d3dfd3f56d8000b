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
	t.Parallel()
	c := newViewCache()
	page := func(n int) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) { return make([]byte, n), nil }
	}
	for i := range 200 {
		if _, err := c.get(context.Background(), "m", fmt.Sprint(i), page(1<<20)); err != nil {
			t.Fatal(err)
		}
		if _, bytes := c.pages.Len(); bytes > maxViewBytes {
			t.Fatalf("after %d pages the cache holds %d bytes", i+1, bytes)
		}
	}
	n, bytes := c.pages.Len()
	if n == 0 || bytes != n<<20 {
		t.Errorf("%d entries of 1 MB counted as %d bytes", n, bytes)
	}
	v, err := c.get(context.Background(), "m", "huge", page(maxViewBytes/4))
	if err != nil || len(v) != maxViewBytes/4 {
		t.Fatalf("huge page: %d bytes, %v", len(v), err)
	}
	if after, _ := c.pages.Len(); after != n {
		t.Errorf("a page of a quarter of the budget was kept: %d entries, then %d", n, after)
	}
}
