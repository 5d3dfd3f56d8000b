package portfolio

// Figures computed over a scope of projects. The store computes them in
// SQL; dashboards and the API present them.

// KPIs are the headline figures of a mission overview.
type KPIs struct {
	Projects      int64   `json:"projects"`
	Budget        float64 `json:"budget_total_eur"`
	BudgetNull    int64   `json:"budget_null"`
	Organisations int64   `json:"organisations"`
	Signals       int64   `json:"signals"`
}

// CoverageCell is one cell of a coverage matrix (metric C1).
type CoverageCell struct {
	A          string  `json:"a"`
	B          string  `json:"b"`
	NFull      int64   `json:"n_full"`
	NFrac      float64 `json:"n_frac"`
	BudgetFrac float64 `json:"budget_frac"`
}

// Share is the count and budget of one term of a scheme. Term "" holds the
// projects in scope with no term in the scheme ("untagged").
type Share struct {
	Term       string  `json:"term"`
	NFull      int64   `json:"n_full"`
	NFrac      float64 `json:"n_frac"`
	BudgetFrac float64 `json:"budget_frac"`
	BudgetNull int64   `json:"budget_null"`
}

// BudgetLeaf is the fractional budget of one (a, b) term pair.
type BudgetLeaf struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	Budget   float64 `json:"budget"`
	Projects int64   `json:"projects"`
}

// ProjectTag is one (project, term) pair of a scheme, for charts that show
// individual projects (sunburst).
type ProjectTag struct {
	ExtRef string
	Title  string
	Term   string
	Budget *float64
}

// ListTotals is what a list of projects in scope adds up to, counted the
// way the charts count it. Frac names the schemes of a fractional chart
// (empty for none): NFrac and BudgetFrac weigh each project by the share of
// its terms in those schemes that the scope keeps.
type ListTotals struct {
	Projects   int64    `json:"total"`
	Budget     float64  `json:"budget_total_eur"`
	BudgetNull int64    `json:"budget_null"`
	Frac       []string `json:"frac,omitempty"`
	NFrac      float64  `json:"n_frac"`
	BudgetFrac float64  `json:"budget_frac_eur"`
}
