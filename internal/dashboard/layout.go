package dashboard

import "math"

// Network charts are laid out here, once per page, and drawn with
// ECharts' layout "none": a live force simulation of 300 nodes and 1,500
// links on every page load kept the reader's machine busy for seconds and
// moved the nodes under the pointer. The page cache keeps the page, and
// with it the positions, per scope.
//
// layoutSpring is Fruchterman–Reingold (1991): every pair of nodes repels
// with k²/d, every link pulls its ends together with d²/k (stronger for
// heavier links, up to twice), a weak gravity keeps separate components
// near the centre, and each step moves a node by at most a temperature
// that cools linearly to zero. Nodes start on a sunflower spiral in their
// given order, so the same network always gets the same picture.
const (
	layoutSteps = 200
	layoutSide  = 1000.0 // the square the nodes are laid out in
	// layoutGravity pulls every node towards the centre in proportion to
	// the square of its distance: strong enough that isolated projects stay
	// near the network instead of shrinking it to a dot in a wide frame.
	layoutGravity = 0.3
)

// layoutSpring returns positions for n nodes joined by links.
func layoutSpring(n int, links []GraphLink) (xs, ys []float64) {
	xs, ys = make([]float64, n), make([]float64, n)
	if n == 0 {
		return xs, ys
	}
	golden := math.Pi * (3 - math.Sqrt(5))
	for i := range n {
		r := layoutSide / 2 * math.Sqrt((float64(i)+0.5)/float64(n))
		xs[i], ys[i] = r*math.Cos(float64(i)*golden), r*math.Sin(float64(i)*golden)
	}
	if n == 1 {
		return xs, ys
	}
	maxW := 0.0
	for _, l := range links {
		maxW = max(maxW, l.Weight)
	}
	k := layoutSide / math.Sqrt(float64(n))
	dx, dy := make([]float64, n), make([]float64, n)
	for step := range layoutSteps {
		clear(dx)
		clear(dy)
		for i := range n {
			for j := i + 1; j < n; j++ {
				ex, ey := xs[i]-xs[j], ys[i]-ys[j]
				d2 := max(ex*ex+ey*ey, 1e-4)
				f := k * k / d2 // (k²/d) along the unit vector (ex, ey)/d
				dx[i] += ex * f
				dy[i] += ey * f
				dx[j] -= ex * f
				dy[j] -= ey * f
			}
		}
		for _, l := range links {
			a, b := l.Source, l.Target
			if a == b || a < 0 || b < 0 || a >= n || b >= n {
				continue
			}
			ex, ey := xs[a]-xs[b], ys[a]-ys[b]
			d := math.Sqrt(ex*ex + ey*ey)
			w := 1.0
			if maxW > 0 {
				w += l.Weight / maxW
			}
			f := w * d / k // (d²/k) along the unit vector
			dx[a] -= ex * f
			dy[a] -= ey * f
			dx[b] += ex * f
			dy[b] += ey * f
		}
		temp := layoutSide / 10 * (1 - float64(step)/layoutSteps)
		for i := range n {
			dx[i] -= layoutGravity * xs[i] * math.Sqrt(xs[i]*xs[i]+ys[i]*ys[i]) / k // gravity
			dy[i] -= layoutGravity * ys[i] * math.Sqrt(xs[i]*xs[i]+ys[i]*ys[i]) / k
			d := math.Sqrt(dx[i]*dx[i] + dy[i]*dy[i])
			if d > 0 {
				m := min(d, temp) / d
				xs[i] += dx[i] * m
				ys[i] += dy[i] * m
			}
		}
	}
	for i := range n { // one decimal is finer than a pixel
		xs[i] = math.Round(xs[i]*10) / 10
		ys[i] = math.Round(ys[i]*10) / 10
	}
	return xs, ys
}
