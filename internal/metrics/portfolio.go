package metrics

// portfolioMetrics: coverage and balance (C1–C8, C10–C13, C15, C20).
//
// Set logic lives in queries/c*.sql; the arithmetic (indices, distances,
// medians, Gini) is done here in Go, with the edge rules of docs/METRICS.md:
// an undefined figure is null with its n, never NaN or Inf. Counts and sums
// (C1's cells, C3's untagged, C8's counts) stay numbers even over an empty
// portfolio, because zero projects is a fact, not an undefined figure.
func portfolioMetrics() []Metric {
	return []Metric{
		{
			Code:    "C1",
			Compute: portfolioC1,
		},
		{
			Code:    "C2",
			Compute: portfolioC2,
		},
		{
			Code:    "C3",
			Compute: portfolioC3,
		},
		{
			Code:    "C4",
			Compute: portfolioC4,
		},
		{
			Code:    "C5",
			Compute: portfolioC5,
		},
		{
			Code:    "C6",
			Compute: portfolioC6,
		},
		{
			Code:    "C7",
			Compute: portfolioC7,
		},
		{
			Code:    "C8",
			Compute: portfolioC8,
		},
		{
			Code:    "C10",
			Compute: portfolioC10,
		},
		{
			Code:    "C11",
			Compute: portfolioC11,
		},
		{
			Code:    "C12",
			Compute: portfolioC12,
		},
		{
			Code:    "C13",
			Compute: portfolioC13,
		},
		{
			Code:    "C15",
			Compute: portfolioC15,
		},
		{
			Code:    "C20",
			Compute: portfolioC20,
		},
	}
}
