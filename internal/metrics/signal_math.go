package metrics

import (
	"math"
	"sort"
)

// The maths of the signal metrics, as pure functions over counts, so that
// each formula is tested on hand-worked toy series.

// yoonTimeWeight is Yoon's tw: each period back from the latest weighs 5 %
// less.
const yoonTimeWeight = 0.05

// sigYoon returns Yoon's time-weighted degree of visibility (DoV) and
// degree of diffusion (DoD) of one term over periods j = 1…n, n the latest:
//
//	DoV_j = (TF_j / NN_j) × (1 − tw·(n − j))
//	DoD_j = (DF_j / NN_j) × (1 − tw·(n − j))
//
// with TF_j the signals tagged with the term in period j, DF_j the distinct
// sources (source types) among them and NN_j all approved signals of j
// (Yoon, J. 2012, "Detecting weak signals for long-term business
// opportunities using text mining of Web news", Expert Systems with
// Applications 39(16), 12543–12550, eqs. for DoV and DoD). A period without
// any signal (NN_j = 0) has degree 0: nothing was visible.
func sigYoon(tf, df, nn []int64, tw float64) (dov, dod []float64) {
	n := len(nn)
	dov, dod = make([]float64, n), make([]float64, n)
	for i := range nn {
		if nn[i] == 0 {
			continue
		}
		j := i + 1
		w := 1 - tw*float64(n-j)
		dov[i] = float64(tf[i]) / float64(nn[i]) * w
		dod[i] = float64(df[i]) / float64(nn[i]) * w
	}
	return dov, dod
}

// sigMeanIncrease is Yoon's increasing rate of a degree: the arithmetic mean
// of the period-on-period rates (x_j − x_{j−1}) / x_{j−1}. A step from a
// period of degree 0 has no rate and is skipped; ok is false when no step
// has one.
func sigMeanIncrease(xs []float64) (rate float64, ok bool) {
	var s float64
	var k int
	for j := 1; j < len(xs); j++ {
		if xs[j-1] > 0 {
			s += (xs[j] - xs[j-1]) / xs[j-1]
			k++
		}
	}
	if k == 0 {
		return 0, false
	}
	return s / float64(k), true
}

// sigMean is the arithmetic mean of xs (NaN when empty).
func sigMean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// sigMedian is the median of xs (NaN when empty); xs is not modified.
func sigMedian(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Emergence quadrants (S4), after Yoon's keyword emergence map.
const (
	sigQuadrantWeak      = 1 // low visibility, high growth
	sigQuadrantStrong    = 2 // high visibility, high growth
	sigQuadrantLatent    = 3 // low visibility, low growth
	sigQuadrantWellKnown = 4 // high visibility, low growth
)

// sigQuadrant places (x, y) against the medians: strictly above a median is
// high, so with an odd number of terms the median term counts as low.
func sigQuadrant(x, y, mx, my float64) int {
	switch hx, hy := x > mx, y > my; {
	case !hx && hy:
		return sigQuadrantWeak
	case hx && hy:
		return sigQuadrantStrong
	case !hx && !hy:
		return sigQuadrantLatent
	}
	return sigQuadrantWellKnown
}

// sigMomentum is S2's smoothed growth g = (n_t + 1)/(n_{t−1} + 1) − 1: defined
// for zero counts, and 0 for a flat series.
func sigMomentum(now, prev int64) float64 {
	return float64(now+1)/float64(prev+1) - 1
}

// sigBurstZ is S5's z of period i of series against the baseline periods
// before it: (n_i − mean) / max(sd, 1), sd the sample standard deviation
// (n − 1) of the baseline. The floor of 1 keeps a flat, quiet series from
// turning one extra signal into a huge z.
func sigBurstZ(series []int64, i, baseline int) float64 {
	b := series[i-baseline : i]
	var m float64
	for _, x := range b {
		m += float64(x)
	}
	m /= float64(len(b))
	var ss float64
	for _, x := range b {
		ss += (float64(x) - m) * (float64(x) - m)
	}
	sd := math.Sqrt(ss / float64(len(b)-1))
	return (float64(series[i]) - m) / math.Max(sd, 1)
}

// sigPielou is the evenness J = H / ln K of counts over K categories (empty
// categories count in K: they lower the evenness), with H the Shannon
// entropy −Σ p ln p. It is NaN when K < 2 or there are no counts.
func sigPielou(counts []int64, k int) float64 {
	var total int64
	for _, c := range counts {
		total += c
	}
	if k < 2 || total == 0 {
		return math.NaN()
	}
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(total)
			h -= p * math.Log(p)
		}
	}
	return h / math.Log(float64(k))
}

// sigConcentration returns the Herfindahl–Hirschman index Σ p² of counts and
// the largest share (NaN for both when there are no counts).
func sigConcentration(counts []int64) (hhi, top float64) {
	var total int64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return math.NaN(), math.NaN()
	}
	for _, c := range counts {
		p := float64(c) / float64(total)
		hhi += p * p
		top = math.Max(top, p)
	}
	return hhi, top
}
