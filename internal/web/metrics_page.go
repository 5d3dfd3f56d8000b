package web

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/metrics"
	"github.com/begira/begira/internal/portfolio"
)

// The metric catalogue: every metric with its definition and its figures
// for the scope, as a page and in the API, with the coverage matrix.

// metricsView is the metric catalogue with its figures for the scope.
type metricsView struct {
	page
	MetricFamilies []metricFamily
	ComputedAt     string
}

// metricFamily is one family of the catalogue page: portfolio coverage and
// balance, network, signals.
type metricFamily struct {
	Code, Label, Lead string
	Metrics           []metricGroup
}

// metricGroup is one metric of the catalogue page with its first rows.
type metricGroup struct {
	Code, Label, Definition string
	Rows                    []metricRow
	Total                   int // rows computed, shown or not
	More                    int
	APILink                 string
	Views                   []metricView // the dashboards that draw it
}

type metricRow struct{ Dims, Value, N string }

// metricView links a metric to a dashboard drawing it.
type metricView struct{ Label, Link string }

// maxRowsShown bounds each metric on the catalogue page; the API has all.
const maxRowsShown = 15

// metricsPage lists the whole catalogue by family: every metric with its
// definition, the dashboards that draw it and its figures for the current
// scope (each with its n, its dimensions as labels), the figures folded
// away until asked for.
func (s *Server) metricsPage(c *fiber.Ctx) error {
	mp, err := s.missionPage(c, "metrics")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &metricsView{page: *mp}
	// As of a snapshot, the figures come from its frozen tables.
	res, err := p.scoped.src.Metrics(c.UserContext(), metrics.Request{Mission: p.Mission, Scope: p.Scope})
	if err != nil {
		return err
	}
	p.Title = p.T("metrics.title")
	p.ComputedAt = p.Time(res.ComputedAt)
	byCode := map[string]*metricGroup{}
	for _, code := range metrics.Codes() {
		q := p.Scope.Query()
		q.Set("codes", code)
		g := &metricGroup{Code: code, Label: metrics.Label(code, p.Lang), Definition: metrics.Definition(code, p.Lang),
			APILink: "/api/v1/missions/" + p.Mission.Slug + "/metrics?" + q.Encode()}
		for _, d := range p.Dashboards {
			if d.Draws(code) {
				g.Views = append(g.Views, metricView{Label: d.Title.In(p.Lang), Link: p.Link("/m/" + p.Mission.Slug + "/d/" + d.ID)})
			}
		}
		byCode[code] = g
	}
	for _, v := range res.Values {
		g := byCode[v.Code]
		g.Total++
		if len(g.Rows) >= maxRowsShown {
			g.More++
			continue
		}
		value := "null"
		if v.Value != nil {
			value = formatFigure(p.Lang, *v.Value)
		}
		g.Rows = append(g.Rows, metricRow{Dims: p.dimLabels(v.Dims), Value: value, N: i18n.Int(p.Lang, v.N)})
	}
	for _, f := range metrics.Families {
		fam := metricFamily{Code: f, Label: p.T("metrics.family." + f), Lead: p.T("metrics.family_lead." + f)}
		for _, code := range metrics.Codes() {
			if metrics.Family(code) == f {
				fam.Metrics = append(fam.Metrics, *byCode[code])
			}
		}
		p.MetricFamilies = append(p.MetricFamilies, fam)
	}
	return s.render(c, "metrics", p)
}

// termDims pairs the dimensions holding a term with the dimension naming
// its scheme.
var termDims = map[string]string{"a": "a_scheme", "b": "b_scheme", "term": "scheme"}

// dimLabels writes a metric value's dimensions in the reader's words:
// schemes and terms by their labels ("Pillar: Social and climate
// adaptation"), other dimensions as they are.
func (p *page) dimLabels(dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	// Terms first in the order a, b, term, then the rest by name.
	rank := func(k string) string {
		switch k {
		case "a":
			return "0"
		case "b":
			return "1"
		case "term":
			return "2"
		}
		return "3" + k
	}
	sort.Slice(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	used := map[string]bool{}
	for k, sk := range termDims {
		if _, ok := dims[k]; ok {
			used[sk] = true
		}
	}
	var out []string
	for _, k := range keys {
		v := dims[k]
		switch {
		case used[k]: // a scheme named with its term
		case termDims[k] != "":
			scheme := dims[termDims[k]]
			out = append(out, p.schemeLabel(p.Mission, scheme)+": "+p.termLabel(p.Mission, scheme, v))
		case k == "scheme" || strings.HasSuffix(k, "_scheme"):
			out = append(out, p.schemeLabel(p.Mission, v))
		case p.Mission.Scheme(k) != nil:
			out = append(out, p.schemeLabel(p.Mission, k)+": "+p.termLabel(p.Mission, k, v))
		case k == "level_a" || k == "level_b": // C19's level × level links
			out = append(out, p.schemeLabel(p.Mission, "level")+": "+p.termLabel(p.Mission, "level", v))
		case k == "top_terms": // C18's cluster terms, of several schemes
			terms := strings.Split(v, ",")
			for i, t := range terms {
				terms[i] = p.anyTermLabel(t)
			}
			out = append(out, strings.Join(terms, ", "))
		default:
			out = append(out, k+": "+v)
		}
	}
	return strings.Join(out, " · ")
}

// formatFigure shows a metric value: whole numbers as such, others with up
// to four decimals, in the reader's number format.
func formatFigure(lang string, x float64) string {
	if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
		return i18n.Int(lang, int64(x))
	}
	return i18n.Number(lang, x, 4)
}

// apiMetrics answers the metric catalogue (or the codes asked) for a scope:
// {computed_at, scope, metrics:[{code, label, dims, value, n}]}.
func (s *Server) apiMetrics(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	q := queryValues(c)
	sc, err := portfolio.ParseScope(q)
	if err != nil {
		return err
	}
	var codes []string
	for _, code := range strings.Split(q.Get("codes"), ",") {
		if code = strings.TrimSpace(code); code != "" {
			codes = append(codes, strings.ToUpper(code))
		}
	}
	params := metrics.Params{A: q.Get("a"), B: q.Get("b"), Scheme: q.Get("scheme"), Basis: q.Get("basis")}
	var res *metrics.Result
	if v := q.Get("snapshot"); v != "" {
		// As of a snapshot: only its frozen tables are read, so the answer
		// never changes and may be cached forever.
		id, err := snapshotID(c, "snapshot")
		if err != nil {
			return err
		}
		snap, err := s.snapshots.Get(c.UserContext(), id)
		if err != nil {
			return err
		}
		if snap.Mission != m.Slug {
			return portfolio.Errorf(portfolio.ENOTFOUND, "snapshot %d is not a snapshot of mission %q", id, m.Slug)
		}
		// The client may hold the answer already: check before computing.
		etag := snapshotETag(c, id)
		if notModified(c, etag) {
			cacheForever(c, etag)
			return nil
		}
		if res, err = s.snapshots.Compute(c.UserContext(), id, sc, params, codes); err != nil {
			return err
		}
		cacheForever(c, etag)
	} else if res, err = s.metrics.Get(c.UserContext(), metrics.Request{Mission: m, Scope: sc, Codes: codes, Params: params}); err != nil {
		return err
	}
	lang := s.language(c)
	out := make([]metrics.Value, len(res.Values))
	for i, v := range res.Values {
		v.Label = metrics.Label(v.Code, lang)
		out[i] = v
	}
	scope := map[string]string{}
	for k := range sc.Query() {
		scope[k] = sc.Query().Get(k)
	}
	return c.JSON(fiber.Map{"computed_at": res.ComputedAt, "scope": scope, "metrics": out})
}

// apiCoverage answers the C1 matrix of two schemes (default pillar × level).
func (s *Server) apiCoverage(c *fiber.Ctx) error {
	sd, err := s.scope(c)
	if err != nil {
		return err
	}
	defer sd.release()
	a, b := c.Query("a", "pillar"), c.Query("b", "level")
	cells, err := sd.src.Coverage(c.UserContext(), sd.Mission, a, b, sd.Scope)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"a": a, "b": b, "cells": cells})
}
