package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/begira/begira/internal/dashboard"
)

// TestOrganisationNodesOpenTheirPage: in the organisation network the page
// can switch to, every node carries a mark that opens the organisation's
// page, and those pages exist in the page's scope, as of its snapshot too.
func TestOrganisationNodesOpenTheirPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	for _, q := range []string{"", "?snapshot=1"} {
		body := string(mustGet(t, app, "/m/gipuzkoa/d/network"+q))
		orgs := 0
		for _, m := range panelDrill.FindAllStringSubmatch(body, -1) {
			var d dashboard.Drill
			if err := json.Unmarshal([]byte(m[4]), &d); err != nil {
				t.Fatal(err)
			}
			for key, mk := range d.Marks {
				if !strings.HasPrefix(key, "org:") {
					continue
				}
				if orgs++; orgs <= 3 {
					mustGet(t, app, "/api/v1/missions/gipuzkoa/"+mk.Path+q)
				}
				if !strings.Contains(body, `"drill":"`+key+`"`) {
					t.Errorf("network%s: mark %s is on no node of the organisation network", q, key)
				}
			}
		}
		if orgs < 50 {
			t.Errorf("network%s: %d organisation marks, want one per node drawn", q, orgs)
		}
	}
}
