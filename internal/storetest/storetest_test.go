package storetest_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/begira/begira/internal/store"
	"github.com/begira/begira/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// A template is filled once however many copies are opened, and each copy
// is a database of its own: a write to one is not seen by the others nor by
// later copies.
func TestCopiesAreTheirOwn(t *testing.T) {
	var fills atomic.Int32
	tmpl := storetest.New(func(ctx context.Context, st *store.Store) error {
		fills.Add(1)
		_, err := st.DB().ExecContext(ctx, `CREATE TABLE probe (n INTEGER); INSERT INTO probe VALUES (1)`)
		return err
	})
	count := func(st *store.Store) int {
		var n int
		if err := st.DB().QueryRow(`SELECT count(*) FROM probe`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	a := tmpl.Open(t, store.Options{})
	if _, err := a.DB().Exec(`INSERT INTO probe VALUES (2), (3)`); err != nil {
		t.Fatal(err)
	}
	b := tmpl.Open(t, store.Options{})
	kept, err := tmpl.OpenKept(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	if got := []int{count(a), count(b), count(kept)}; got[0] != 3 || got[1] != 1 || got[2] != 1 {
		t.Errorf("rows in the copies = %v, want [3 1 1]", got)
	}
	if n := fills.Load(); n != 1 {
		t.Errorf("template filled %d times, want once", n)
	}
}

// A set hands out one template per key.
func TestSetKeys(t *testing.T) {
	var s storetest.Set
	fill := func(context.Context, *store.Store) error { return nil }
	if s.Get("a", fill) != s.Get("a", fill) || s.Get("a", fill) == s.Get("b", fill) {
		t.Error("Set.Get: want one template per key")
	}
}
