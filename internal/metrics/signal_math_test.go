package metrics

import (
	"math"
	"testing"
)

// TestSignalYoonToy works Yoon's formulas by hand on three periods
// (n = 3, tw = 0.05, time weights 1 − 0.05·(3 − j) = 0.9, 0.95, 1):
//
//	j  TF DF NN   DoV             DoD
//	1   1  1  4   1/4·0.9 = .225  1/4·0.9  = .225
//	2   2  1  5   2/5·0.95 = .38  1/5·0.95 = .19
//	3   4  3  8   4/8·1 = .5      3/8·1    = .375
//
// mean DoV = 1.105/3; its increasing rate is the mean of
// (.38 − .225)/.225 = .6889 and (.5 − .38)/.38 = .3158.
func TestSignalYoonToy(t *testing.T) {
	t.Parallel()
	dov, dod := sigYoon([]int64{1, 2, 4}, []int64{1, 1, 3}, []int64{4, 5, 8}, yoonTimeWeight)
	for i, want := range []float64{0.225, 0.38, 0.5} {
		if !approx(&dov[i], want) {
			t.Errorf("DoV_%d: got %v, want %v", i+1, dov[i], want)
		}
	}
	for i, want := range []float64{0.225, 0.19, 0.375} {
		if !approx(&dod[i], want) {
			t.Errorf("DoD_%d: got %v, want %v", i+1, dod[i], want)
		}
	}
	if m := sigMean(dov); !approx(&m, 1.105/3) {
		t.Errorf("mean DoV: got %v, want %v", m, 1.105/3)
	}
	g, ok := sigMeanIncrease(dov)
	if want := ((0.38-0.225)/0.225 + (0.5-0.38)/0.38) / 2; !ok || !approx(&g, want) {
		t.Errorf("DoV increasing rate: got %v (%v), want %v", g, ok, want)
	}
	g, ok = sigMeanIncrease(dod)
	if want := ((0.19-0.225)/0.225 + (0.375-0.19)/0.19) / 2; !ok || !approx(&g, want) {
		t.Errorf("DoD increasing rate: got %v (%v), want %v", g, ok, want)
	}
}

// TestSignalYoonEmptyPeriods: a period without signals has degree 0, and a
// step from degree 0 has no rate.
func TestSignalYoonEmptyPeriods(t *testing.T) {
	t.Parallel()
	dov, _ := sigYoon([]int64{0, 0, 2}, []int64{0, 0, 1}, []int64{0, 3, 4}, yoonTimeWeight)
	if dov[0] != 0 || dov[1] != 0 || !approx(&dov[2], 0.5) {
		t.Errorf("DoV: got %v, want [0 0 0.5]", dov)
	}
	if g, ok := sigMeanIncrease(dov); ok {
		t.Errorf("increasing rate: got %v, want none (every step starts at 0)", g)
	}
}

func TestSignalBurstZ(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		series []int64
		want   float64
	}{
		// Baseline 0 2 0 2 0 2: mean 1, sample sd √(6/5); z = 5/√1.2.
		{"burst", []int64{0, 2, 0, 2, 0, 2, 6}, 5 / math.Sqrt(1.2)},
		// Flat baseline: sd 0 floored at 1: z = (3 − 2)/1.
		{"flat", []int64{2, 2, 2, 2, 2, 2, 3}, 1},
		// Quiet baseline 0 0 0 0 0 1: mean 1/6, ss 5/6, sd √(1/6) < 1,
		// floored: z = (1 − 1/6)/1.
		{"quiet", []int64{0, 0, 0, 0, 0, 1, 1}, 5.0 / 6},
	} {
		if z := sigBurstZ(c.series, 6, 6); !approx(&z, c.want) {
			t.Errorf("%s: got z %v, want %v", c.name, z, c.want)
		}
	}
}

func TestSignalQuadrantAndMedian(t *testing.T) {
	t.Parallel()
	if m := sigMedian([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3 1 2: got %v, want 2", m)
	}
	if m := sigMedian([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4 1 3 2: got %v, want 2.5", m)
	}
	if m := sigMedian(nil); !math.IsNaN(m) {
		t.Errorf("median of nothing: got %v, want NaN (a null figure)", m)
	}
	for _, c := range []struct {
		x, y float64
		want int
	}{
		{0, 1, sigQuadrantWeak}, {1, 1, sigQuadrantStrong}, {0, 0, sigQuadrantLatent}, {1, 0, sigQuadrantWellKnown},
		{0.5, 0.5, sigQuadrantLatent}, // on both medians: low, low
	} {
		if q := sigQuadrant(c.x, c.y, 0.5, 0.5); q != c.want {
			t.Errorf("quadrant(%v, %v): got %d, want %d", c.x, c.y, q, c.want)
		}
	}
}

func TestSignalMomentum(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		now, prev int64
		want      float64
	}{{6, 2, 4.0 / 3}, {0, 0, 0}, {0, 3, -0.75}, {3, 0, 3}} {
		if g := sigMomentum(c.now, c.prev); !approx(&g, c.want) {
			t.Errorf("momentum(%d, %d): got %v, want %v", c.now, c.prev, g, c.want)
		}
	}
}

func TestSignalEvennessAndConcentration(t *testing.T) {
	t.Parallel()
	// Levels 2, 1, 1 of K = 3: J = 1.5 ln 2 / ln 3.
	if j := sigPielou([]int64{2, 1, 1}, 3); !approx(&j, 1.5*math.Ln2/math.Log(3)) {
		t.Errorf("J: got %v, want %v", j, 1.5*math.Ln2/math.Log(3))
	}
	// An empty level counts in K: 1, 1, 0 gives ln 2 / ln 3, not 1.
	if j := sigPielou([]int64{1, 1, 0}, 3); !approx(&j, math.Ln2/math.Log(3)) {
		t.Errorf("J with an empty level: got %v, want %v", j, math.Ln2/math.Log(3))
	}
	if j := sigPielou([]int64{4}, 1); !math.IsNaN(j) {
		t.Errorf("J with K = 1: got %v, want NaN (a null figure)", j)
	}
	if j := sigPielou([]int64{0, 0}, 2); !math.IsNaN(j) {
		t.Errorf("J without counts: got %v, want NaN", j)
	}
	h, top := sigConcentration([]int64{4, 1})
	if !approx(&h, 0.68) || !approx(&top, 0.8) {
		t.Errorf("HHI, top of 4, 1: got %v, %v, want 0.68, 0.8", h, top)
	}
	if h, _ := sigConcentration(nil); !math.IsNaN(h) {
		t.Errorf("HHI of nothing: got %v, want NaN", h)
	}
}
