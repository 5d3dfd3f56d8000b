package web_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/begira/begira/internal/dashboard"
)

var (
	overTimeTable = regexp.MustCompile(`(?s)<figure class="panel" id="panel-over_time".*?<tbody>(.*?)</tbody>`)
	tableRow      = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	tableCell     = regexp.MustCompile(`(?s)<td data-raw="([^"]*)">(?:<a href="([^"]*)">)?`)
)

// TestSignalsOverTimeByKeyboard: the signals-over-time chart's table
// opens, by keyboard, what a click on the chart opens: each figure (a
// point: a challenge in a month) its month's approved signals, each row
// the challenge's signals of all the chart's months, and the lists hold
// as many signals as the table says.
func TestSignalsOverTimeByKeyboard(t *testing.T) {
	app := newTestApp(t)
	body := string(mustGet(t, app, "/m/gipuzkoa/d/signals?lang=eu"))
	m := overTimeTable.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no signals-over-time table")
	}
	rows, nonZero := 0, 0
	for _, r := range tableRow.FindAllStringSubmatch(m[1], -1) {
		cells := tableCell.FindAllStringSubmatch(r[1], -1)
		if len(cells) < 3 {
			t.Fatalf("row %q has %d cells", r[1], len(cells))
		}
		rows++
		total, rowList := 0.0, 0.0
		for j, c := range cells {
			link := html.UnescapeString(c[2])
			if link == "" || !strings.Contains(link, "/m/gipuzkoa/signals?") || !strings.Contains(link, "observed_from=") ||
				!strings.Contains(link, "lang=eu") || !strings.Contains(link, "challenge=") {
				t.Errorf("row %d cell %d (%s): link %q, want its signals list", rows, j, c[1], link)
				continue
			}
			got := listFigure(t, app, link, dashboard.MeasureSignals)
			if j == 0 {
				rowList = got
				continue
			}
			want, _ := strconv.ParseFloat(c[1], 64)
			if got != want {
				t.Errorf("row %d cell %d shows %v signals, its link lists %v", rows, j, want, got)
			}
			if want > 0 {
				nonZero++
			}
			total += want
		}
		if rowList != total {
			t.Errorf("row %d: its link lists %v signals, its months add up to %v", rows, rowList, total)
		}
	}
	if rows == 0 || nonZero == 0 {
		t.Errorf("%d rows, %d non-zero figures: nothing compared", rows, nonZero)
	}
}
