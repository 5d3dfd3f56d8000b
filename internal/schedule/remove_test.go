package schedule

import (
	"context"
	"testing"
	"time"
)

func TestRemoveMission(t *testing.T) {
	t.Parallel()
	s := New(RealClock{}, nil, nil)
	noop := func(context.Context) (string, error) { return "", nil }
	for _, m := range []string{"a", "b"} {
		if err := s.Add("snapshot", m, "@every 1h", time.UTC, noop); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.RemoveMission("a"); n != 1 {
		t.Fatalf("removed %d, want 1", n)
	}
	entries := s.Entries()
	if len(entries) != 1 || entries[0].Mission != "b" {
		t.Fatalf("entries %+v, want only mission b", entries)
	}
	// The job can be planned again after removal.
	if err := s.Add("snapshot", "a", "@every 2h", time.UTC, noop); err != nil {
		t.Errorf("re-adding after removal: %v", err)
	}
}
