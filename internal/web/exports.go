package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

// The lists' exports: ?format=csv|xlsx answers every row of the filtered
// list as a file, labels in the reader's language.

// exportFormat reads ?format=: "" for a page, csv or xlsx for a file.
func exportFormat(c *fiber.Ctx) (string, error) {
	switch f := c.Query("format"); f {
	case "", "csv", "xlsx":
		return f, nil
	default:
		return "", portfolio.Errorf(portfolio.EINVALID, "format=%q: csv or xlsx", f)
	}
}

// cell is one exported value: a number stays a number in a workbook.
type cell struct {
	text string
	num  *float64
}

func textCell(s string) cell { return cell{text: s} }

func numCell(f *float64) cell {
	if f == nil {
		return cell{}
	}
	return cell{text: strconv.FormatFloat(*f, 'f', -1, 64), num: f}
}

func dateCell(d *portfolio.Date) cell {
	if d == nil {
		return cell{}
	}
	return cell{text: d.Format("2006-01-02")}
}

// table is what an export writes: a header and rows, labels in the
// reader's language (never codes).
type table struct {
	name   string // the file's name without extension
	header []string
	rows   [][]cell
}

// sendTable answers t as CSV (for Spanish and Basque readers with ';',
// decimal commas and a BOM, as their spreadsheet expects) or as an XLSX
// workbook with numbers as numbers. Text that a spreadsheet would run as
// a formula is neutralised in CSV; in a workbook it is a string cell.
func sendTable(c *fiber.Ctx, lang, format string, t table) error {
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, t.name, format))
	if format == "xlsx" {
		f := excelize.NewFile()
		defer f.Close()
		const sheet = "Sheet1"
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		row := make([]any, len(t.header))
		for i, h := range t.header {
			row[i] = h
		}
		if err := sw.SetRow("A1", row); err != nil {
			return err
		}
		for n, r := range t.rows {
			row := make([]any, len(r))
			for i, v := range r {
				if v.num != nil {
					row[i] = *v.num
				} else {
					row[i] = excelize.Cell{Value: v.text}
				}
			}
			axis, _ := excelize.CoordinatesToCellName(1, n+2)
			if err := sw.SetRow(axis, row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		return c.Send(buf.Bytes())
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	decimalComma := lang == "es" || lang == "eu"
	if decimalComma {
		buf.WriteString("\ufeff")
		w.Comma = ';'
	}
	header := make([]string, len(t.header))
	for i, h := range t.header {
		header[i] = csvCell(h, false)
	}
	w.Write(header)
	for _, r := range t.rows {
		rec := make([]string, len(r))
		for i, v := range r {
			if v.num != nil {
				rec[i] = csvCell(v.text, decimalComma)
			} else {
				rec[i] = csvText(v.text)
			}
		}
		w.Write(rec)
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	return c.Send(buf.Bytes())
}

// csvText neutralises a text cell a spreadsheet would run as a formula
// (a title "-12 %" is text, not a number to localise).
func csvText(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// csvCell neutralises cells a spreadsheet would run as a formula and, for
// decimal-comma locales, writes numbers with a comma.
func csvCell(v string, decimalComma bool) string {
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		if decimalComma {
			return strings.Replace(v, ".", ",", 1)
		}
		return v
	}
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// labels is what the exports and pages need to name codes in a language.
type labels struct {
	lang string
	m    *portfolio.Mission
}

func (l labels) terms(scheme string, codes []string) string {
	s := l.m.Scheme(scheme)
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if s != nil {
			if t := s.Term(c); t != nil {
				out[i] = t.Label.In(l.lang)
			}
		}
	}
	return strings.Join(out, "; ")
}

// projectSchemes are the mission's schemes that classify projects, in the
// document's order.
func projectSchemes(m *portfolio.Mission) []*portfolio.Scheme {
	var out []*portfolio.Scheme
	for i := range m.Schemes {
		if m.Schemes[i].AppliesToKind(portfolio.KindProject) {
			out = append(out, &m.Schemes[i])
		}
	}
	return out
}

// projectTable is the project list as exported: every field, terms and
// places by name.
func projectTable(lang string, m *portfolio.Mission, items []portfolio.Project) table {
	l := labels{lang, m}
	t := table{name: m.Slug + "-projects", header: []string{i18n.T(lang, "col.ext_ref"), i18n.T(lang, "col.title"), i18n.T(lang, "col.status")}}
	schemes := projectSchemes(m)
	for _, s := range schemes {
		t.header = append(t.header, s.Label.In(lang))
	}
	t.header = append(t.header, i18n.T(lang, "kpi.budget"), i18n.T(lang, "project.public_funding"), i18n.T(lang, "project.instrument"),
		i18n.T(lang, "col.start"), i18n.T(lang, "col.end"), i18n.T(lang, "col.lead"), i18n.T(lang, "project.partners"),
		i18n.T(lang, "col.municipality"), i18n.T(lang, "col.comarca"), i18n.T(lang, "col.summary"))
	for _, p := range items {
		r := []cell{textCell(p.ExtRef), textCell(p.Title), textCell(i18n.Enum(lang, "project_status", p.Status))}
		for _, s := range schemes {
			r = append(r, textCell(l.terms(s.Code, p.Terms[s.Code])))
		}
		muni, comarca := p.GeoCode, ""
		if p.Place != nil {
			muni, comarca = p.Place.Name(lang), p.Place.Comarca(lang)
		}
		r = append(r, numCell(p.BudgetTotalEUR), numCell(p.PublicFundingEUR), textCell(p.FundingInstrument),
			dateCell(p.StartDate), dateCell(p.EndDate), textCell(p.LeadOrg), textCell(strings.Join(p.Partners, "; ")),
			textCell(muni), textCell(comarca), textCell(p.Summary))
		t.rows = append(t.rows, r)
	}
	return t
}

// signalTable is the signal list as exported.
func signalTable(lang string, m *portfolio.Mission, items []portfolio.Signal) table {
	l := labels{lang, m}
	t := table{name: m.Slug + "-signals", header: []string{i18n.T(lang, "col.ext_ref"), i18n.T(lang, "col.observed"),
		i18n.T(lang, "col.headline"), i18n.T(lang, "col.status"), i18n.T(lang, "col.level"), i18n.T(lang, "col.source"),
		i18n.T(lang, "col.novelty")}}
	var schemes []*portfolio.Scheme
	for i := range m.Schemes {
		if s := &m.Schemes[i]; s.AppliesToKind(portfolio.KindSignal) && s.Code != "level" {
			schemes = append(schemes, s)
			t.header = append(t.header, s.Label.In(lang))
		}
	}
	t.header = append(t.header, i18n.T(lang, "col.projects"), i18n.T(lang, "col.url"))
	for _, g := range items {
		var novelty *float64
		if g.Novelty != nil {
			f := float64(*g.Novelty)
			novelty = &f
		}
		r := []cell{textCell(g.ExtRef), dateCell(g.ObservedAt), textCell(g.Headline), textCell(i18n.Enum(lang, "signal_status", g.Status)),
			textCell(l.terms("level", nonEmpty(g.LevelObserved))), textCell(i18n.Enum(lang, "source_type", g.SourceType)), numCell(novelty)}
		for _, s := range schemes {
			r = append(r, textCell(l.terms(s.Code, g.Terms[s.Code])))
		}
		r = append(r, textCell(strings.Join(g.Projects, "; ")), textCell(g.URL))
		t.rows = append(t.rows, r)
	}
	return t
}

// organisationTable is the organisation list as exported.
func organisationTable(lang string, m *portfolio.Mission, items []portfolio.Organisation) table {
	l := labels{lang, m}
	t := table{name: m.Slug + "-organisations", header: []string{i18n.T(lang, "col.name"), i18n.T(lang, "col.actor_type"),
		i18n.T(lang, "col.size"), i18n.T(lang, "col.founded"), i18n.T(lang, "col.n_projects")}}
	for _, o := range items {
		var founded *float64
		if o.FoundedYear != nil {
			f := float64(*o.FoundedYear)
			founded = &f
		}
		n := float64(o.Projects)
		t.rows = append(t.rows, []cell{textCell(o.Name), textCell(l.terms("actor_type", nonEmpty(o.ActorType))),
			textCell(i18n.Enum(lang, "size_class", o.SizeClass)), numCell(founded), numCell(&n)})
	}
	return t
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
