package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestThrottleDelaysGrowAndReset(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottle(2, time.Second, 8*time.Second, func() time.Time { return at })
	var got []time.Duration
	for range 7 {
		th.Fail("k")
		got = append(got, th.Wait("k"))
	}
	if want := fmt.Sprint([]time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}); fmt.Sprint(got) != want {
		t.Errorf("waits %v, want %v", got, want)
	}
	if w := th.Wait("other"); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	th.Reset("k")
	if w := th.Wait("k"); w != 0 {
		t.Errorf("after reset: %v", w)
	}
}

// TestThrottleIsBounded: a flood of one-off keys does not grow the map past
// maxKeys, and the keys being throttled hardest survive the sweep.
func TestThrottleIsBounded(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottle(2, time.Second, time.Minute, func() time.Time { return at })
	for range 10 {
		th.Fail("hard")
	}
	for i := range 3 * maxKeys {
		th.Fail(fmt.Sprint("k", i))
	}
	if n := len(th.keys); n > maxKeys {
		t.Errorf("%d keys kept, want at most %d", n, maxKeys)
	}
	if th.Wait("hard") == 0 {
		t.Error("the throttled key was forgotten")
	}
}
