package web_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/begira/begira/internal/web"
)

// TestDoubleCommitIsAConflict: the same commit sent four times at once
// (a double-click, a retry) commits once; the others answer 409, none 500.
// Before the fix the racing commits met DuckDB's write conflict: 500.
func TestDoubleCommitIsAConflict(t *testing.T) {
	t.Parallel()
	app, st := newImportApp(t, web.Options{})
	var csv strings.Builder
	csv.WriteString("ext_ref,title,pillars,level,status\n")
	for i := range 20000 {
		fmt.Fprintf(&csv, "P-%d,Project %d,green,local,active\n", i, i)
	}
	status, body := upload(t, app, map[string]string{"kind": "projects"}, "p.csv", csv.String())
	mustStatus(t, status, http.StatusCreated, body)
	id := decode[struct{ ID int64 }](t, body).ID
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Go(func() {
			statuses[i], _ = send(t, app, http.MethodPost, fmt.Sprintf("/api/v1/imports/%d/commit", id), "", nil)
		})
	}
	wg.Wait()
	sort.Ints(statuses)
	if fmt.Sprint(statuses) != "[200 409 409 409]" {
		t.Errorf("statuses %v, want one 200 and three 409", statuses)
	}
	if n := countProjects(t, st); n != 20000 {
		t.Errorf("%d projects, want 20000", n)
	}
}
