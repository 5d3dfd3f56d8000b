package ingest

import (
	"context"
	"testing"

	"github.com/begira/begira/internal/store"
)

// TestTrimmedMatchesTrim: the staging view's shortcut gives what
// trim() gives (NULL for nothing left), for cells with and without Unicode spaces,
// control characters and multi-byte characters at either end.
func TestTrimmedMatchesTrim(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, s := range []string{"", " ", "a", "abc", " a", "a ", "  a b  ", "\ta\t", "a\n", "~", "~x", "é", "café", "éa",
		"a\u00a0", "\u00a0a", "a\u3000", "\u2003a\u2003", "a\u200b", "\u0301a", "a\u0301", "x\u00a0y", "€12", "12€", "\x7f", "a\x7f"} {
		var want, got *string
		err := st.DB().QueryRow(`SELECT nullif(trim(x), ''), `+trimmed("x")+` FROM (SELECT ?::VARCHAR AS x)`, s).Scan(&want, &got)
		if err != nil {
			t.Fatal(err)
		}
		if (want == nil) != (got == nil) || (want != nil && *want != *got) {
			t.Errorf("%q: trimmed gives %v, trim gives %v", s, deref(got), deref(want))
		}
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
