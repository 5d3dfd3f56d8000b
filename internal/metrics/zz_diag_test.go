package metrics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/begira/begira/internal/gen"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

func TestZZDiag(t *testing.T) {
	if os.Getenv("DIAG") == "" { t.Skip() }
	var sizes [][3]int
	fmt.Sscanf(os.Getenv("DIAG"), "%d", new(int))
	switch os.Getenv("DIAG") {
	case "small": sizes = [][3]int{{10000, 2000, 100000}, {30000, 6000, 300000}}
	default: sizes = [][3]int{{100000, 20000, 1000000}}
	}
	for _, sz := range sizes {
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "d.duckdb"), store.Options{Threads: 2, MemoryLimit: "1GB"})
		if err != nil { t.Fatal(err) }
		t0 := time.Now()
		m, err := gen.LoadPortfolio(ctx, st, sz[0], sz[1], sz[2], 1)
		if err != nil { t.Fatal(err) }
		fmt.Printf("== %v load %v\n", sz, time.Since(t0))
		for _, code := range Codes() {
			e, _ := NewEnv(st, m, portfolio.Scope{}, Params{}, benchNow)
			c, cancel := context.WithTimeout(ctx, 90*time.Second)
			t0 := time.Now()
			r, err := Compute(c, e, []string{code})
			cancel()
			n := 0
			if r != nil { n = len(r.Values) }
			fmt.Printf("%s %8.1f ms values=%d err=%v\n", code, float64(time.Since(t0).Microseconds())/1000, n, err)
		}
		st.Close()
	}
}
