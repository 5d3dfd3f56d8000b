package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The committee pack prints without JavaScript, so its charts are drawn
// here as inline SVG: pure functions from figures to markup. Every label is
// escaped (labels come from mission documents and imports, which are user
// input), every mark carries a <title> naming it and its value for screen
// readers and tooltips, and colours are presentation attributes rather
// than style attributes or classes, so the drawing looks the same in any
// page, printed or not, under a CSP without 'unsafe-inline' styles.

// The drawings' text size and colours (those of begira.css).
const (
	svgFontSize = 12
	svgCharW    = 7.2 // a generous advance of a character at svgFontSize, in px
	svgInk      = "#1b1f24"
	svgMuted    = "#5b6570"
	svgGap      = "#c62828"
	svgBar      = "#4575b4"
)

// heatmapSVG draws a matrix such as coverage pillar × level: rows[i] ×
// cols[j] holds values[i][j]. Empty cells (0) are drawn white with a dashed
// red border, as on the dashboards; the others in blue, darker for more. A
// missing value (a short row) counts as 0. It returns "" when there is
// nothing to draw.
func heatmapSVG(rows, cols []string, values [][]float64) template.HTML {
	if len(rows) == 0 || len(cols) == 0 {
		return ""
	}
	const cellW, cellH, pad = 76.0, 30.0, 8.0
	at := func(i, j int) float64 {
		if i < len(values) && j < len(values[i]) && svgFinite(values[i][j]) {
			return values[i][j]
		}
		return 0
	}
	max := 0.0
	for i := range rows {
		for j := range cols {
			max = math.Max(max, at(i, j))
		}
	}
	rowText, rowW := svgFitLabels(rows, 220)
	colText, colW := svgFitLabels(cols, 200)
	// Column labels are slanted 35° upwards from the cell's centre.
	const slant = 35 * math.Pi / 180
	headH := colW*math.Sin(slant) + svgFontSize + pad
	left := pad + rowW + pad
	width := left + float64(len(cols))*cellW + colW*math.Cos(slant) + pad
	height := headH + float64(len(rows))*cellH + pad

	var b strings.Builder
	svgOpen(&b, width, height)
	for j := range cols {
		x, y := left+(float64(j)+0.5)*cellW, headH-pad/2
		fmt.Fprintf(&b, `<g><title>%s</title><text x="%s" y="%s" transform="rotate(-35 %[2]s %[3]s)" fill="%s">%s</text></g>`,
			svgEsc(cols[j]), svgNum(x), svgNum(y), svgMuted, svgEsc(colText[j]))
	}
	for i := range rows {
		y := headH + float64(i)*cellH
		fmt.Fprintf(&b, `<g><title>%s</title><text x="%s" y="%s" text-anchor="end" dominant-baseline="central" fill="%s">%s</text></g>`,
			svgEsc(rows[i]), svgNum(left-pad), svgNum(y+cellH/2), svgInk, svgEsc(rowText[i]))
		for j := range cols {
			v := at(i, j)
			x := left + float64(j)*cellW
			fill, stroke, ink, dash := "#fff5f5", svgGap, svgGap, ` stroke-dasharray="4 2"`
			if v > 0 {
				t := v / max
				fill, stroke, ink, dash = svgBlend("#e0f3f8", "#313695", t), "#ffffff", svgInk, ""
				if t > 0.5 {
					ink = "#ffffff"
				}
			}
			fmt.Fprintf(&b, `<g><title>%s × %s: %s</title><rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1.5"%s/>`+
				`<text x="%s" y="%s" text-anchor="middle" dominant-baseline="central" fill="%s">%s</text></g>`,
				svgEsc(rows[i]), svgEsc(cols[j]), svgNumber(v),
				svgNum(x+1), svgNum(y+1), svgNum(cellW-2), svgNum(cellH-2), fill, stroke, dash,
				svgNum(x+cellW/2), svgNum(y+cellH/2), ink, svgNumber(v))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barsSVG draws one horizontal bar per label, in the given order, with the
// value written after the bar. Negative and missing values draw no bar but
// keep their row and figure. It returns "" when there is nothing to draw.
func barsSVG(labels []string, values []float64) template.HTML {
	if len(labels) == 0 {
		return ""
	}
	const rowH, barH, barMax, pad = 26.0, 18.0, 360.0, 8.0
	at := func(i int) (float64, bool) {
		if i < len(values) && svgFinite(values[i]) {
			return values[i], true
		}
		return 0, false
	}
	max := 0.0
	for i := range labels {
		v, _ := at(i)
		max = math.Max(max, v)
	}
	text, labelW := svgFitLabels(labels, 240)
	left := pad + labelW + pad
	width := left + barMax + 80
	height := float64(len(labels))*rowH + pad

	var b strings.Builder
	svgOpen(&b, width, height)
	for i := range labels {
		v, ok := at(i)
		figure := svgNumber(v)
		if !ok {
			figure = "–"
		}
		w := 0.0
		if max > 0 && v > 0 {
			w = v / max * barMax
		}
		y := pad/2 + float64(i)*rowH
		fmt.Fprintf(&b, `<g><title>%s: %s</title><text x="%s" y="%s" text-anchor="end" dominant-baseline="central" fill="%s">%s</text>`+
			`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+
			`<text x="%s" y="%s" dominant-baseline="central" fill="%s">%s</text></g>`,
			svgEsc(labels[i]), figure, svgNum(left-pad), svgNum(y+rowH/2), svgInk, svgEsc(text[i]),
			svgNum(left), svgNum(y+(rowH-barH)/2), svgNum(w), svgNum(barH), svgBar,
			svgNum(left+w+6), svgNum(y+rowH/2), svgInk, figure)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// svgOpen writes the root element: its own size, scaled down by CSS when
// the page is narrower (viewBox), in the page's sans-serif.
func svgOpen(b *strings.Builder, width, height float64) {
	w, h := svgNum(math.Ceil(width)), svgNum(math.Ceil(height))
	fmt.Fprintf(b, `<svg class="svg-chart" width="%s" height="%s" viewBox="0 0 %[1]s %[2]s" font-family="system-ui, sans-serif" font-size="%d">`,
		w, h, svgFontSize)
}

// svgFitLabels shortens labels wider than max pixels (with an ellipsis; the
// full label stays in the mark's <title>) and returns them with the width
// of the widest.
func svgFitLabels(labels []string, max float64) ([]string, float64) {
	out := make([]string, len(labels))
	widest := 0.0
	limit := int(max / svgCharW)
	for i, l := range labels {
		if utf8.RuneCountInString(l) > limit {
			l = string([]rune(l)[:limit-1]) + "…"
		}
		out[i] = l
		widest = math.Max(widest, float64(utf8.RuneCountInString(l))*svgCharW)
	}
	return out, widest
}

// svgEsc escapes text for SVG content and attribute values alike.
func svgEsc(s string) string { return template.HTMLEscapeString(s) }

func svgFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// svgNum writes a coordinate with at most one decimal.
func svgNum(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// svgNumber writes a figure: whole numbers as such, fractions (fractional
// counts) with at most two decimals.
func svgNumber(x float64) string {
	if !svgFinite(x) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// svgBlend mixes two #rrggbb colours: t = 0 gives from, 1 gives to.
func svgBlend(from, to string, t float64) string {
	t = math.Min(1, math.Max(0, t))
	var out [3]int64
	for k := range out {
		a, _ := strconv.ParseInt(from[1+2*k:3+2*k], 16, 32)
		b, _ := strconv.ParseInt(to[1+2*k:3+2*k], 16, 32)
		out[k] = int64(math.Round(float64(a) + (float64(b)-float64(a))*t))
	}
	return fmt.Sprintf("#%02x%02x%02x", out[0], out[1], out[2])
}
