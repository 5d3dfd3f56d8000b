package metrics

import "context"

// sigYoonTerm is one term's Yoon figures over W (S3, S4).
type sigYoonTerm struct {
	n                    int64 // approved signals of the term in W
	visibility           float64
	diffusion            float64
	visGrowth, difGrowth float64
	visOK, difOK         bool // growth defined
}

// sigYoonOf computes the term's degrees over the 12 months of W, j = 1 the
// oldest and n = 12 the last complete month (see sigYoon for the formula).
func sigYoonOf(p *signalPeriods, k sigTerm) sigYoonTerm {
	w := signalBaseline
	dov, dod := sigYoon(p.series(k)[w:], p.sourceSeries(k)[w:], p.total[w:], yoonTimeWeight)
	y := sigYoonTerm{n: p.windowCount(k), visibility: sigMean(dov), diffusion: sigMean(dod)}
	y.visGrowth, y.visOK = sigMeanIncrease(dov)
	y.difGrowth, y.difOK = sigMeanIncrease(dod)
	return y
}

// computeS3 reports per term the mean DoV and DoD over W and their mean
// period-on-period increasing rates. n is the term's signals in W; a term
// without any is null.
func computeS3(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, k := range signalTerms(e, p.used) {
		y := sigYoonOf(p, k)
		vis, dif := sigDims(k, "measure", "visibility"), sigDims(k, "measure", "diffusion")
		vg, dg := sigDims(k, "measure", "visibility_growth"), sigDims(k, "measure", "diffusion_growth")
		if y.n == 0 {
			out = append(out, null("S3", 0, vis...), null("S3", 0, dif...), null("S3", 0, vg...), null("S3", 0, dg...))
			continue
		}
		out = append(out, val("S3", y.visibility, y.n, vis...), val("S3", y.diffusion, y.n, dif...))
		out = append(out, sigOptional("S3", y.visGrowth, y.visOK, y.n, vg...), sigOptional("S3", y.difGrowth, y.difOK, y.n, dg...))
	}
	return out, nil
}

// computeS4 places each term on Yoon's emergence map: x = mean visibility,
// y = visibility growth, split at the medians of the terms of the same
// scheme that have both (terms of different schemes are not comparable: a
// single-valued scheme such as steep gives every signal one term, a
// multi-valued one several). Terms without signals in W, or without a
// growth rate, are null and left out of the medians. n is the term's
// signals in W.
func computeS4(ctx context.Context, e *Env) ([]Value, error) {
	p, err := loadSignalPeriods(ctx, e)
	if err != nil {
		return nil, err
	}
	terms := signalTerms(e, p.used)
	ys := map[sigTerm]sigYoonTerm{}
	xs, gs := map[string][]float64{}, map[string][]float64{}
	for _, k := range terms {
		y := sigYoonOf(p, k)
		ys[k] = y
		if y.n > 0 && y.visOK {
			xs[k.scheme] = append(xs[k.scheme], y.visibility)
			gs[k.scheme] = append(gs[k.scheme], y.visGrowth)
		}
	}
	var out []Value
	for _, k := range terms {
		y := ys[k]
		dx, dy, dq := sigDims(k, "measure", "x"), sigDims(k, "measure", "y"), sigDims(k, "measure", "quadrant")
		if y.n == 0 {
			out = append(out, null("S4", 0, dx...), null("S4", 0, dy...), null("S4", 0, dq...))
			continue
		}
		out = append(out, val("S4", y.visibility, y.n, dx...), sigOptional("S4", y.visGrowth, y.visOK, y.n, dy...))
		if !y.visOK {
			out = append(out, null("S4", y.n, dq...))
			continue
		}
		q := sigQuadrant(y.visibility, y.visGrowth, sigMedian(xs[k.scheme]), sigMedian(gs[k.scheme]))
		out = append(out, val("S4", float64(q), y.n, dq...))
	}
	return out, nil
}

// sigOptional is val when ok, otherwise a null with the same n.
func sigOptional(code string, x float64, ok bool, n int64, dims ...string) Value {
	if !ok {
		return null(code, n, dims...)
	}
	return val(code, x, n, dims...)
}
