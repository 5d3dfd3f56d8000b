package metrics

import (
	"fmt"
	"testing"
	"time"
)

// TestEngineCacheIsBoundedInBytes: results of a large portfolio are tens of
// megabytes each; the cache drops the least recently used ones past
// maxBytes, whatever their number, and never one being computed. Before,
// only the count (512) was bounded: 200 distinct scopes of a large mission
// held gigabytes.
func TestEngineCacheIsBoundedInBytes(t *testing.T) {
	en := NewEngine(nil, time.Now, nil)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	big := &Result{}
	for i := range 1000 {
		big.Values = append(big.Values, Value{Code: "C1", Dims: map[string]string{"org": fmt.Sprint("organisation ", i)}})
	}
	size := resultBytes(big)
	if size < 100_000 {
		t.Fatalf("a 1,000-value result is estimated at %d bytes", size)
	}
	en.mu.Lock()
	en.entries["running"] = &entry{running: true, used: at, size: 0}
	for i := range 4 * maxBytes / size {
		en.entries[fmt.Sprint(i)] = &entry{res: big, size: size, used: at.Add(time.Duration(i) * time.Second)}
		en.bytes += size
		en.evict()
		if en.bytes > maxBytes {
			t.Fatalf("after %d results the cache holds %d bytes", i+1, en.bytes)
		}
	}
	_, stillThere := en.entries["running"]
	_, newest := en.entries[fmt.Sprint(4*maxBytes/size-1)]
	_, oldest := en.entries["0"]
	en.mu.Unlock()
	if !stillThere || !newest || oldest {
		t.Errorf("running kept %v, newest kept %v, oldest kept %v", stillThere, newest, oldest)
	}
}
