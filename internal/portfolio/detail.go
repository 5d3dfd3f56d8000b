package portfolio

import "time"

// The detail pages' entities: a project, signal or organisation with what
// surrounds it. Each embeds its list row, so the JSON of a detail is the
// list item's with more keys.

// ProjectDetail is a project with its signals, the import batches that
// wrote it and its state in every snapshot.
type ProjectDetail struct {
	Project
	Signals   []LinkedSignal `json:"signals"`
	Batches   []BatchRef     `json:"batches"`
	Snapshots []ProjectAsOf  `json:"snapshots"`
}

// LinkedSignal is a signal linked to a project, with the link's relation
// (informs, addressed_by, challenges).
type LinkedSignal struct {
	ExtRef     string `json:"ext_ref"`
	Headline   string `json:"headline"`
	Status     string `json:"status"`
	ObservedAt *Date  `json:"observed_at"`
	Relation   string `json:"relation"`
}

// BatchRef is an import batch that wrote a version of a row: the first one
// created it, the later ones changed it.
type BatchRef struct {
	ID          int64      `json:"id"`
	Filename    string     `json:"filename"`
	Mode        string     `json:"mode"`
	CommittedAt *time.Time `json:"committed_at"`
	Created     bool       `json:"created"`
	// Status is the row's status in the version this batch wrote (a
	// signal's status history).
	Status string `json:"status"`
}

// ProjectAsOf is a project's state in one snapshot.
type ProjectAsOf struct {
	SnapshotID int64     `json:"snapshot_id"`
	Label      string    `json:"label"`
	TakenAt    time.Time `json:"taken_at"`
	Stage      string    `json:"stage"`
	Status     string    `json:"status"`
	Budget     *float64  `json:"budget_total_eur"`
}

// SignalDetail is a signal with its linked projects and the versions the
// imports wrote (its status history).
type SignalDetail struct {
	Signal
	Linked  []LinkedProject `json:"linked_projects"`
	History []BatchRef      `json:"history"`
}

// LinkedProject is a project a signal or an organisation is linked to:
// Relation is the signal's link, or the organisation's role.
type LinkedProject struct {
	ExtRef   string   `json:"ext_ref"`
	Title    string   `json:"title"`
	Status   string   `json:"status"`
	Relation string   `json:"relation"`
	Levels   []string `json:"levels"`
	Budget   *float64 `json:"budget_total_eur"`
}

// OrganisationDetail is an organisation with its projects (any status),
// the levels of action they work at and its place in the network of
// organisations that share a project in scope.
type OrganisationDetail struct {
	Organisation
	All    []LinkedProject `json:"all_projects"`
	Levels map[string]int  `json:"levels"`
	// Degree is the number of other organisations sharing a project in
	// scope with it; Rank its place by degree among the Connected
	// organisations of the scope (1 = the most connected).
	Degree    int `json:"degree"`
	Rank      int `json:"rank"`
	Connected int `json:"connected"`
}
