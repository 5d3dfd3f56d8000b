package portfolio

// ImportTotal sums the import batches of one kind and status.
type ImportTotal struct {
	Kind, Status         string
	Batches              int64
	RowsOK, RowsRejected int64
	// Seconds from upload to commit, for committed batches.
	Seconds float64
}
