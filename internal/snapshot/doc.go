// Package snapshot freezes a mission's portfolio for a steering committee
// and works with what it froze: Take copies the portfolio tables into a
// schema of their own and stores every metric value and project state in
// one transaction; List, Get and Metrics read them back; AsOf and Compute
// recompute any figure over the frozen tables; Diff says what changed
// between two snapshots (additions, stage movements C9, budgets, coverage
// cells, blind spots, new entrants C14, headline figures). Decisions are
// recorded against a snapshot and followed through their status. Digest
// gathers the week's approved signals by term.
//
// A snapshot never changes: nothing in this package or in the store
// updates or deletes a snapshot's rows or its frozen schema.
package snapshot
