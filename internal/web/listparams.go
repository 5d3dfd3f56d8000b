package web

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/portfolio"
)

// The project, signal and organisation lists, on the pages and in the API,
// read the same parameters besides the scope: q (search), sort=FIELD or
// sort=-FIELD, limit and offset, and format=csv|xlsx, which answers every
// row of the filtered list as a file instead of a page of it.

// parsePage reads limit and offset, the search q and the order sort;
// format=csv|xlsx asks for every row. Malformed values are EINVALID.
func parsePage(c *fiber.Ctx) (portfolio.Page, error) {
	pg := portfolio.Page{Search: c.Query("q"), Sort: c.Query("sort")}
	if len(pg.Search) > 200 {
		return pg, portfolio.Errorf(portfolio.EINVALID, "q is %d bytes long, at most 200", len(pg.Search))
	}
	format, err := exportFormat(c)
	if err != nil {
		return pg, err
	}
	pg.All = format != ""
	for _, f := range []struct {
		name string
		dst  *int
	}{{"limit", &pg.Limit}, {"offset", &pg.Offset}} {
		if v := c.Query(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return pg, portfolio.Errorf(portfolio.EINVALID, "%s=%q must be a non-negative whole number", f.name, v)
			}
			*f.dst = n
		}
	}
	return pg, nil
}

// fracParam reads ?frac=A[,B]: the schemes of a fractional chart whose
// counting a list repeats.
func fracParam(c *fiber.Ctx) ([]string, error) {
	var out []string
	for _, v := range strings.Split(c.Query("frac"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	if len(out) > 2 {
		return nil, portfolio.Errorf(portfolio.EINVALID, "frac=%q names more than two schemes", c.Query("frac"))
	}
	return out, nil
}

// signalFilter reads ?challenge=water (any signal scheme), level_observed,
// signal_status and answered (yes or no: linked to a project or to none).
func signalFilter(c *fiber.Ctx, m *portfolio.Mission, sc portfolio.Scope) (portfolio.SignalFilter, error) {
	f := portfolio.SignalFilter{Scope: sc, Level: c.Query("level_observed"), Status: c.Query("signal_status"), Answered: c.Query("answered")}
	for _, d := range []struct {
		name string
		dst  **time.Time
	}{{"observed_from", &f.From}, {"observed_to", &f.To}} {
		if v := c.Query(d.name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return f, portfolio.Errorf(portfolio.EINVALID, "%s=%q is not a date (yyyy-mm-dd)", d.name, v)
			}
			*d.dst = &t
		}
	}
	for _, s := range m.Schemes {
		// The scope's own schemes (pillar, challenge …) already filter
		// through Scope; a parameter names another signal scheme.
		if _, scoped := sc.SchemeFilter(s.Code); scoped {
			continue
		}
		if v := c.Query(s.Code); v != "" && s.AppliesToKind(portfolio.KindSignal) {
			f.Scheme, f.Term = s.Code, v
			break
		}
	}
	return f, nil
}

// listState is what a list page shows besides its rows: the search, the
// order, the page size and the links to export the filtered list.
type listState struct {
	Q, Sort  string
	Limit    int
	Matching int64 // rows matching the search (Total is the scope's)
	query    url.Values
	path     string
}

// newListState keeps the request's list parameters for the page's links.
func newListState(p *page, pg portfolio.Page) *listState {
	q := url.Values{}
	for k, v := range p.Query {
		if k != "offset" && k != "format" {
			q[k] = v
		}
	}
	q.Set("lang", p.Lang)
	return &listState{Q: pg.Search, Sort: pg.Sort, Limit: pg.Limit, query: q, path: p.Path}
}

func (ls *listState) with(k, v string) string {
	q := url.Values{}
	for key, vals := range ls.query {
		q[key] = vals
	}
	if v == "" {
		q.Del(k)
	} else {
		q.Set(k, v)
	}
	return ls.path + "?" + q.Encode()
}

// SortLink orders the list by col: ascending first, descending when it
// already is ascending.
func (ls *listState) SortLink(col string) string {
	if ls.Sort == col {
		return ls.with("sort", "-"+col)
	}
	return ls.with("sort", col)
}

// SortState is the aria-sort value of col's header.
func (ls *listState) SortState(col string) string {
	switch ls.Sort {
	case col:
		return "ascending"
	case "-" + col:
		return "descending"
	}
	return "none"
}

// ExportLink is the filtered list as a file.
func (ls *listState) ExportLink(format string) string { return ls.with("format", format) }

// Keep are the parameters the search form carries over: the scope and
// the order (the search and the page size are the form's fields).
func (ls *listState) Keep() []keptParam {
	return ls.params(func(k string) bool { return k != "q" && k != "limit" })
}

// Carry are the parameters the scope's filter form carries over: the
// search, the order and the page size (the scope is the form's fields).
func (ls *listState) Carry() []keptParam {
	return ls.params(func(k string) bool { return k == "q" || k == "sort" || k == "limit" })
}

func (ls *listState) params(keep func(string) bool) []keptParam {
	var out []keptParam
	for k, vs := range ls.query {
		if !keep(k) {
			continue
		}
		for _, v := range vs {
			out = append(out, keptParam{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ClearSearch is the list without its search.
func (ls *listState) ClearSearch() string { return ls.with("q", "") }

// TH is a column header that sorts the list by col.
func (ls *listState) TH(col, label string) template.HTML {
	return template.HTML(fmt.Sprintf(`<th scope="col" aria-sort="%s"><a href="%s">%s</a></th>`,
		ls.SortState(col), template.HTMLEscapeString(ls.SortLink(col)), template.HTMLEscapeString(label)))
}

type keptParam struct{ Name, Value string }

// PageSizes are the page sizes a reader may pick.
func (ls *listState) PageSizes() []int { return []int{25, 50, 100, 200, 500} }
