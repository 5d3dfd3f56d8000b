package snapshot

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// fingerprint returns, for every table holding snapshot id's data, its row
// count and a digest of its rows in a canonical order.
func fingerprint(t *testing.T, st *store.Store, id int64) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	tables := map[string]string{
		"snapshot":         fmt.Sprintf(`SELECT * FROM main.snapshot WHERE id = %d`, id),
		"snapshot_metric":  fmt.Sprintf(`SELECT * FROM main.snapshot_metric WHERE snapshot_id = %d`, id),
		"snapshot_project": fmt.Sprintf(`SELECT * FROM main.snapshot_project WHERE snapshot_id = %d`, id),
		"snapshot_org":     fmt.Sprintf(`SELECT * FROM main.snapshot_org WHERE snapshot_id = %d`, id),
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE schema_name = ?`, fmt.Sprintf("snap_%d", id))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables["snap."+name] = fmt.Sprintf(`SELECT * FROM snap_%d.%s`, id, name)
	}
	rows.Close()
	if len(tables) != 4+11 {
		t.Fatalf("snapshot %d: got tables %v, want 4 + the 11 frozen ones", id, tables)
	}
	for name, q := range tables {
		var n int64
		var digest string
		err := st.DB().QueryRowContext(ctx, `SELECT count(*), coalesce(md5(string_agg(r::VARCHAR, chr(10) ORDER BY r::VARCHAR)), '')
			FROM (`+q+`) r`).Scan(&n, &digest)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = fmt.Sprintf("%d rows, md5 %s", n, digest)
	}
	return out
}

// TestSnapshotNeverChanges: imports, decisions and later snapshots after a
// snapshot leave every row of it, and of its frozen schema, as it was.
func TestSnapshotNeverChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustFixture(t, takenAt)
	f.mustPortfolio(t)
	sn := f.mustTake(t, "t", "frozen", takenAt)
	before := fingerprint(t, f.st, sn.ID)
	if before["snap.project"][:6] != "4 rows" || before["snapshot_project"][:6] != "4 rows" {
		t.Fatalf("fingerprint: got %v", before)
	}

	for i, imp := range later[:3] {
		f.clock.set(takenAt.Add(time.Duration(i+1) * time.Hour))
		f.mustImport(t, "t", imp.kind, imp.mode, imp.body)
	}
	if _, err := f.svc.Decisions().Create(ctx, portfolio.Decision{SnapshotID: sn.ID, Scope: "project", Ref: "P1", Type: "keep", Rationale: "ok"}); err != nil {
		t.Fatal(err)
	}
	f.mustTake(t, "t", "next", takenAt.Add(5*time.Hour))
	// A rollback restores archived rows: still nothing of the snapshot moves.
	batches, err := f.ing.Batches(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ing.Rollback(ctx, batches[0].ID); err != nil {
		t.Fatal(err)
	}

	after := fingerprint(t, f.st, sn.ID)
	for name, was := range before {
		if after[name] != was {
			t.Errorf("%s changed: was %s, now %s", name, was, after[name])
		}
	}
}

// writeToSnapshot matches SQL that would change a snapshot's rows or its
// frozen schema.
var writeToSnapshot = regexp.MustCompile(`(?is)\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?|ALTER\s+TABLE|DROP\s+TABLE(\s+IF\s+EXISTS)?|` +
	`INSERT\s+OR\s+REPLACE\s+INTO|CREATE\s+OR\s+REPLACE\s+TABLE)\s+(main\.)?(snapshot(_metric|_project|_org)?\b|snap_)|` +
	`\bDROP\s+SCHEMA\s+(IF\s+EXISTS\s+)?snap_`)

// changeSnapshot matches SQL that would change a snapshot's rows without
// removing the whole snapshot.
var changeSnapshot = regexp.MustCompile(`(?is)\b(UPDATE|ALTER\s+TABLE|INSERT\s+OR\s+REPLACE\s+INTO|CREATE\s+OR\s+REPLACE\s+TABLE)\s+(main\.)?(snapshot(_metric|_project|_org)?\b|snap_)`)

// TestNoCodeRewritesSnapshots reads every Go and SQL file of the module:
// none may update, delete, alter or drop a snapshot's rows or schema.
func TestNoCodeRewritesSnapshots(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || (!strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".sql")) || strings.HasSuffix(path, "immutable_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		pattern := writeToSnapshot
		if filepath.ToSlash(path) == "../../internal/store/snapshot_delete.go" {
			// The one place a whole snapshot goes (issue 17): it may delete
			// and drop, never change.
			pattern = changeSnapshot
		}
		if m := pattern.Find(b); m != nil {
			t.Errorf("%s writes to a snapshot: %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked %d files: is the module root right?", checked)
	}
	for _, bad := range []string{"UPDATE snapshot SET label = 'x'", "delete from snapshot_metric", "DROP SCHEMA snap_3 CASCADE", "ALTER TABLE snap_1.project ADD x INT"} {
		if !writeToSnapshot.MatchString(bad) {
			t.Errorf("the pattern misses %q", bad)
		}
	}
}

// TestNoMethodChangesASnapshot pins the exported API: the services only
// take, read and delete whole snapshots (decisions change, snapshots do
// not), and the store's only snapshot writers are TakeSnapshot and
// DeleteSnapshot. A new method must be added
// here knowingly.
func TestNoMethodChangesASnapshot(t *testing.T) {
	t.Parallel()
	methods := func(v any, filter func(string) bool) []string {
		var out []string
		tp := reflect.TypeOf(v)
		for i := 0; i < tp.NumMethod(); i++ {
			if name := tp.Method(i).Name; filter(name) {
				out = append(out, name)
			}
		}
		sort.Strings(out)
		return out
	}
	all := func(string) bool { return true }
	if got, want := methods(&Service{}, all), []string{"AsOf", "Compute", "Decisions", "Delete", "Diff", "DiffLive", "Digest", "DigestWeek", "Get", "List", "Metrics", "Projects", "SignalWeeks", "Take"}; !slices.Equal(got, want) {
		t.Errorf("Service methods: got %v, want %v", got, want)
	}
	if got, want := methods(&Decisions{}, all), []string{"Create", "Get", "List", "OnSnapshot", "UpdateStatus"}; !slices.Equal(got, want) {
		t.Errorf("Decisions methods: got %v, want %v", got, want)
	}
	snap := func(name string) bool { return strings.Contains(name, "Snapshot") }
	if got, want := methods(&store.Store{}, snap), []string{"DeleteSnapshot", "Snapshot", "SnapshotMetrics", "SnapshotNewEntrants", "SnapshotOrgs", "SnapshotProjects", "Snapshots", "TakeSnapshot"}; !slices.Equal(got, want) {
		t.Errorf("store.Store snapshot methods: got %v, want %v", got, want)
	}
}
