package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/store"
)

// TestDeleteSnapshot: an admin removes a whole snapshot — its figures,
// frozen tables and decisions — once confirmed, audited with what went;
// its guest links stop working; the other snapshots are untouched. Before
// there was no way to remove a snapshot at all.
func TestDeleteSnapshot(t *testing.T) {
	t.Parallel()
	app, st := newSnapshotApp(t)
	keep := mustTakeSnapshot(t, app, "gipuzkoa", "kept")
	gone := mustTakeSnapshot(t, app, "gipuzkoa", "to delete")
	ctx := context.Background()
	status, body := send(t, app, http.MethodPost, fmt.Sprintf("/api/v1/snapshots/%d/decisions", gone), "application/json",
		[]byte(`{"scope":"mission","type":"keep","rationale":"Keep it"}`))
	mustStatus(t, status, http.StatusCreated, body)
	if err := st.CreateGuestLink(portfolio.WithActor(ctx, "test"), &portfolio.GuestLink{Mission: "gipuzkoa", SnapshotID: gone, CreatedBy: "test",
		ExpiresAt: time.Now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := st.DB().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	keptMetrics := count(`SELECT count(*) FROM snapshot_metric WHERE snapshot_id = ?`, keep)
	runScenarios(t, app, []scenario{
		{name: "without confirmation", method: http.MethodDelete, url: fmt.Sprintf("/api/v1/snapshots/%d", gone), wantStatus: 400,
			check: wantAPIError(portfolio.EINVALID, "confirm=yes")},
		{name: "the page offers it to admins", url: "/m/gipuzkoa/snapshots", wantStatus: 200,
			wantContains: []string{fmt.Sprintf(`action="/m/gipuzkoa/snapshots/%d/delete"`, gone), `name="confirm" value="yes" required`}},
		{name: "delete", method: http.MethodDelete, url: fmt.Sprintf("/api/v1/snapshots/%d?confirm=yes", gone), wantStatus: 200,
			wantContains: []string{`"label":"to delete"`}},
		{name: "gone", url: fmt.Sprintf("/api/v1/snapshots/%d", gone), wantStatus: 404},
		{name: "its dashboards are gone", url: fmt.Sprintf("/m/gipuzkoa?snapshot=%d", gone), wantStatus: 404},
		{name: "again", method: http.MethodDelete, url: fmt.Sprintf("/api/v1/snapshots/%d?confirm=yes", gone), wantStatus: 404},
		{name: "the other stays", url: fmt.Sprintf("/api/v1/snapshots/%d", keep), wantStatus: 200},
	})
	for table, col := range map[string]string{"snapshot_metric": "snapshot_id", "snapshot_project": "snapshot_id", "snapshot_org": "snapshot_id", "decision": "snapshot_id"} {
		if n := count(fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = ?`, table, col), gone); n != 0 {
			t.Errorf("%s keeps %d rows of the deleted snapshot", table, n)
		}
	}
	if n := count(`SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ?`, fmt.Sprintf("snap_%d", gone)); n != 0 {
		t.Error("the frozen schema is still there")
	}
	if n := count(`SELECT count(*) FROM snapshot_metric WHERE snapshot_id = ?`, keep); n != keptMetrics || n == 0 {
		t.Errorf("the kept snapshot has %d figures, had %d", n, keptMetrics)
	}
	if n := count(`SELECT count(*) FROM guest_link WHERE snapshot_id = ? AND revoked_at IS NULL`, gone); n != 0 {
		t.Errorf("%d guest links of the deleted snapshot still live", n)
	}
	es, _ := st.AuditLog(ctx, store.AuditFilter{Action: "snapshot.delete"})
	if len(es) != 1 || es[0].Target != fmt.Sprintf("snapshot:%d", gone) || !strings.Contains(es[0].Before, `"decisions":1`) {
		t.Errorf("audit %+v, want one snapshot.delete with its decision counted", es)
	}
}
