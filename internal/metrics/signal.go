package metrics

// signalMetrics: signals of change (S1–S13, docs/METRICS.md).
//
// n_{k,t} is the number of approved signals tagged with term k (signal_term:
// the challenge, lever, pillar and steep schemes; dims scheme and term)
// observed in period t. Periods are calendar months in the mission's time
// zone; the current, incomplete month is never one. The window W is the
// last 12 complete months before the clock (signal_period.go). Signals are
// not filtered by the project scope: only S10 and S11, which set signals
// against the portfolio, read it.
func signalMetrics() []Metric {
	return []Metric{
		{
			Code:    "S1",
			Compute: computeS1,
		},
		{
			Code:    "S2",
			Compute: computeS2,
		},
		{
			Code:    "S3",
			Compute: computeS3,
		},
		{
			Code:    "S4",
			Compute: computeS4,
		},
		{
			Code:    "S5",
			Compute: computeS5,
		},
		{
			Code:    "S6",
			Compute: computeS6,
		},
		{
			Code:    "S7",
			Compute: computeS7,
		},
		{
			Code:    "S8",
			Compute: computeS8,
		},
		{
			Code:    "S9",
			Compute: computeS9,
		},
		{
			Code:    "S10",
			Compute: computeS10,
		},
		{
			Code:    "S11",
			Compute: computeS11,
		},
		{
			Code:    "S12",
			Compute: computeS12,
		},
		{
			Code:    "S13",
			Compute: computeS13,
		},
	}
}
