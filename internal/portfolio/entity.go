package portfolio

import (
	"strings"
	"time"
)

// Project is one initiative of a mission's portfolio. Terms maps a scheme
// code to the term codes the project carries (every classification, level
// and stage included, lives there).
type Project struct {
	ID                int64               `json:"id"`
	ExtRef            string              `json:"ext_ref"`
	Title             string              `json:"title"`
	Summary           string              `json:"summary,omitempty"`
	Status            string              `json:"status"`
	LeadOrg           string              `json:"lead_org,omitempty"`
	BudgetTotalEUR    *float64            `json:"budget_total_eur"`
	PublicFundingEUR  *float64            `json:"public_funding_eur"`
	FundingInstrument string              `json:"funding_instrument,omitempty"`
	StartDate         *Date               `json:"start_date"`
	EndDate           *Date               `json:"end_date"`
	GeoCode           string              `json:"geo_code,omitempty"`
	Lat               *float64            `json:"lat"`
	Lon               *float64            `json:"lon"`
	Intent            string              `json:"intent,omitempty"`
	UpdatedAt         *Date               `json:"updated_at"`
	BatchID           int64               `json:"batch_id"`
	Terms             map[string][]string `json:"terms"`
	Partners          []string            `json:"partners,omitempty"`
	// Place names GeoCode's municipality and its comarca (nil when the
	// code is not a known municipality).
	Place *Place `json:"place,omitempty"`
}

// Place is a municipality by name, with its comarca.
type Place struct {
	Code        string `json:"code"`
	NameEU      string `json:"name_eu"`
	NameES      string `json:"name_es"`
	ComarcaCode string `json:"comarca_code,omitempty"`
	ComarcaEU   string `json:"comarca_eu,omitempty"`
	ComarcaES   string `json:"comarca_es,omitempty"`
}

// Name is the municipality's name in lang: the Basque one in Basque, the
// Spanish one otherwise.
func (p *Place) Name(lang string) string {
	if lang == "eu" || p.NameES == "" {
		return p.NameEU
	}
	return p.NameES
}

// Comarca is the comarca's name in lang.
func (p *Place) Comarca(lang string) string {
	if lang == "eu" || p.ComarcaES == "" {
		return p.ComarcaEU
	}
	return p.ComarcaES
}

// Organisation is an actor taking part in projects.
type Organisation struct {
	ID          int64  `json:"id"`
	ExtRef      string `json:"ext_ref,omitempty"`
	Name        string `json:"name"`
	ActorType   string `json:"actor_type,omitempty"`
	SizeClass   string `json:"size_class,omitempty"`
	FoundedYear *int   `json:"founded_year"`
	GeoCode     string `json:"geo_code,omitempty"`
	Projects    int    `json:"projects"`
}

// Signal is an observation of change captured by the mission's network.
type Signal struct {
	ID                int64               `json:"id"`
	ExtRef            string              `json:"ext_ref"`
	Headline          string              `json:"headline"`
	Description       string              `json:"description,omitempty"`
	URL               string              `json:"url,omitempty"`
	SourceType        string              `json:"source_type,omitempty"`
	ObservedAt        *Date               `json:"observed_at"`
	Status            string              `json:"status"`
	Novelty           *int                `json:"novelty"`
	LevelObserved     string              `json:"level_observed,omitempty"`
	ObserverActorType string              `json:"observer_actor_type,omitempty"`
	SignalType        string              `json:"signal_type,omitempty"`
	Sentiment         string              `json:"sentiment,omitempty"`
	GeoCode           string              `json:"geo_code,omitempty"`
	Terms             map[string][]string `json:"terms"`
	Projects          []string            `json:"projects,omitempty"`
}

// SignalFilter narrows a signal list: by one term of a scheme, the level
// observed and the status. Zero fields do not filter.
type SignalFilter struct {
	// Scope is the page's scope as it applies to signals (begira_signals:
	// level observed, pillar, challenge, lever, comarca), the same the
	// signal charts and the approved-signals KPI count over.
	Scope        Scope
	Scheme, Term string
	Level        string
	Status       string
	// From and To keep the signals observed in [From, To) (nil: open).
	From, To *time.Time
	// Answered keeps the signals linked to at least one project ("yes")
	// or to none ("no", what the portfolio does not answer); "" keeps all.
	Answered string
}

// GeoArea is a municipality, comarca or province.
type GeoArea struct {
	Code       string   `json:"code"`
	NameEU     string   `json:"name_eu"`
	NameES     string   `json:"name_es"`
	Level      string   `json:"level"`
	ParentCode string   `json:"parent_code,omitempty"`
	Population *int64   `json:"population"`
	Lat        *float64 `json:"lat"`
	Lon        *float64 `json:"lon"`
}

// Project statuses. Only planned and active projects are "in scope" for the
// metrics (DOMAIN.md §5).
const (
	StatusPlanned   = "planned"
	StatusActive    = "active"
	StatusPaused    = "paused"
	StatusCompleted = "completed"
	StatusStopped   = "stopped"
)

// SignalStatuses lists the valid signal statuses, in their life's order.
var SignalStatuses = []string{"draft", "new", "approved", "archived"}

// ProjectStatuses lists the valid project statuses.
var ProjectStatuses = []string{StatusPlanned, StatusActive, StatusPaused, StatusCompleted, StatusStopped}

// Date is a calendar date that marshals to JSON as "2006-01-02".
type Date struct{ time.Time }

// MarshalJSON writes the date as an ISO string.
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads an ISO date, so API clients can decode what we write.
func (d *Date) UnmarshalJSON(b []byte) error {
	t, err := time.Parse(`"`+time.DateOnly+`"`, string(b))
	if err != nil {
		return Errorf(EINVALID, "date %s is not yyyy-mm-dd", b)
	}
	d.Time = t
	return nil
}

// Page is a window of a list: Limit rows starting at Offset, in the order
// Sort names, of the rows matching Search.
type Page struct {
	Limit  int
	Offset int
	// Search keeps the rows whose text (a project's title, summary and
	// organisations; a signal's headline and description; an
	// organisation's name) contains it, case and accents ignored.
	Search string
	// Sort names the column to order by ("budget"), descending with a
	// leading '-' ("-budget"); "" is the list's own order. Each list
	// says which columns it sorts by (an unknown one is EINVALID).
	Sort string
	// All asks for every row (an export): Limit becomes ExportLimit and
	// Offset is ignored.
	All bool
}

// ExportLimit bounds an export: more rows than any mission's list holds,
// few enough that one request cannot exhaust the server.
const ExportLimit = 100_000

// SortKey splits Sort into the column and the direction.
func (p Page) SortKey() (column string, desc bool) {
	if strings.HasPrefix(p.Sort, "-") {
		return p.Sort[1:], true
	}
	return p.Sort, false
}

// Normalize clamps a page to sane bounds: default 50, at most 500 rows
// (ExportLimit for All).
func (p Page) Normalize() Page {
	p.Search = strings.TrimSpace(p.Search)
	if p.All {
		p.Limit, p.Offset = ExportLimit, 0
		return p
	}
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > 500 {
		p.Limit = 500
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
