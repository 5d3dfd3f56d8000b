package portfolio

import (
	"time"
)

// Snapshot triggers.
const (
	TriggerManual   = "manual"
	TriggerSchedule = "schedule"
)

// Snapshot is a frozen state of a mission's portfolio (DOMAIN.md §2). It is
// written once and never changes.
type Snapshot struct {
	ID            int64     `json:"id"`
	MissionID     int64     `json:"-"`
	Mission       string    `json:"mission"` // slug
	TakenAt       time.Time `json:"taken_at"`
	Trigger       string    `json:"trigger"`
	Label         string    `json:"label"`
	TaxonomyHash  string    `json:"taxonomy_hash"`
	DataHash      string    `json:"data_hash"`
	BatchIDs      []int64   `json:"batch_ids"`
	Projects      int64     `json:"projects"`
	Organisations int64     `json:"organisations"`
	Signals       int64     `json:"signals"`
	Metrics       int64     `json:"metrics"`
}

// SnapshotMetric is one frozen figure: metrics.Value without its label.
type SnapshotMetric struct {
	Code  string
	Dims  map[string]string
	Value *float64
	N     int64
}

// SnapshotProject is the frozen state of one project.
type SnapshotProject struct {
	ProjectID int64    `json:"project_id"`
	ExtRef    string   `json:"ext_ref"`
	Title     string   `json:"title"`
	Stage     string   `json:"stage"`
	Status    string   `json:"status"`
	Level     string   `json:"level"`
	Budget    *float64 `json:"budget_total_eur"`
	GeoCode   string   `json:"geo_code"`
}

// SnapshotOrg is an organisation taking part in the projects in scope of a
// snapshot.
type SnapshotOrg struct {
	OrgID     int64  `json:"org_id"`
	NameKey   string `json:"-"`
	Name      string `json:"name"`
	ActorType string `json:"actor_type"`
	Projects  int64  `json:"projects"`
}

// Decision is a steering committee's decision, recorded against the
// snapshot it was taken on (DOMAIN.md §2). The snapshot never changes; the
// decision's status moves on, each move kept in Updates.
type Decision struct {
	ID              int64            `json:"id"`
	MissionID       int64            `json:"-"`
	Mission         string           `json:"mission"`
	SnapshotID      int64            `json:"snapshot_id"`
	SnapshotLabel   string           `json:"snapshot_label"`
	SnapshotTakenAt time.Time        `json:"snapshot_taken_at"`
	Scope           string           `json:"scope"` // mission | project | cell
	Ref             string           `json:"ref"`   // project: ext_ref; cell: "a/b"
	Type            string           `json:"type"`
	Rationale       string           `json:"rationale"`
	Owner           string           `json:"owner"`
	DueDate         *Date            `json:"due_date"`
	Status          string           `json:"status"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
	Updates         []DecisionUpdate `json:"updates"`
}

// DecisionUpdate is one step of a decision's status history.
type DecisionUpdate struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"`
	Note   string    `json:"note"`
}

// DigestSignal is one approved signal of a weekly digest, once per term of
// signal_term it carries (Scheme and Term empty for a signal with none).
type DigestSignal struct {
	Scheme     string
	Term       string
	ExtRef     string
	Headline   string
	URL        string
	ObservedAt time.Time
}

// SignalWeek is a week (its Monday) with its approved signals.
type SignalWeek struct {
	Monday  time.Time
	Signals int
}

// Entrants is metric C14's material: the organisations of the projects in
// scope that no earlier snapshot of the mission had among its projects in
// scope. Organisations are told apart by normalised name (name_key), which
// survives replace imports that renumber them.
type Entrants struct {
	New     []string `json:"new"`               // names of the new entrants, by normalised name
	Total   int64    `json:"total"`             // organisations taking part in the projects in scope
	Earlier int64    `json:"earlier_snapshots"` // snapshots compared with; with none, everyone is "new"
}
