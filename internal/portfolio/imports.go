package portfolio

import (
	"encoding/json"
	"time"
)

// ImportTotal sums the import batches of one kind and status.
type ImportTotal struct {
	Kind, Status         string
	Batches              int64
	RowsOK, RowsRejected int64
	// Seconds from upload to commit, for committed batches.
	Seconds float64
}

// ImportColumn is one header of a file and the field it maps to ("" = unmapped).
type ImportColumn struct {
	Header string `json:"header"`
	Field  string `json:"field"`
	// The convention of a number column (Decimal, Thousands) or a date
	// column (DateFormat), and how it was settled (Decided): "given" by
	// the analyst, read from the column's "values", the only reading
	// within the field's "range", the "file"'s when no value decides, or
	// "ambiguous": values read both ways and nothing decides, so the
	// commit waits for the analyst's choice.
	Decimal    string `json:"decimal,omitempty"`
	Thousands  string `json:"thousands,omitempty"`
	DateFormat string `json:"date_format,omitempty"`
	Decided    string `json:"decided,omitempty"`
}

// How a column's convention was settled (ImportColumn.Decided).
const (
	DecidedGiven     = "given"
	DecidedValues    = "values"
	DecidedRange     = "range"
	DecidedFile      = "file"
	DecidedAmbiguous = "ambiguous"
)

// ImportBatch statuses.
const (
	ImportRunning    = "running" // being read and validated; see ImportBatch.Progress
	ImportPreviewed  = "previewed"
	ImportCommitted  = "committed"
	ImportRolledBack = "rolled_back"
	ImportFailed     = "failed"
	ImportDiscarded  = "discarded" // previewed, then given up (see ingest.Service.Discard)
)

// Dialect is how a file is written. Zero values mean "detect".
type Dialect struct {
	Encoding           string `json:"encoding"`
	Delimiter          string `json:"delimiter"`
	DecimalSeparator   string `json:"decimal_separator"`
	ThousandsSeparator string `json:"thousands_separator"`
	DateFormat         string `json:"date_format"`
	HeaderRow          int    `json:"header_row"`
	Sheet              string `json:"sheet,omitempty"` // XLSX only
	// Quote is the character that wraps fields holding delimiters, `"`,
	// or "none" when quotes are ordinary text (detected for tab-separated
	// files whose quotes do not wrap whole fields).
	Quote string `json:"quote"`
	// ListSeparator splits multi-valued cells (partners, terms): "|"
	// unless the analyst chooses another.
	ListSeparator string `json:"list_separator"`
	// Century reads two-digit years: "" refuses them, "1900" and "2000"
	// put every one in that century, "auto" reads 00–49 as 20xx and
	// 50–99 as 19xx.
	Century string `json:"century,omitempty"`
}

// ImportWarning is something the preview wants the analyst to look at before
// committing: Code is stable (pages translate it), Message says it in
// English, Column, Lines (the first few), Count and Examples say where.
type ImportWarning struct {
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Column   string   `json:"column,omitempty"`
	Lines    []int64  `json:"lines,omitempty"`
	Count    int64    `json:"count,omitempty"`
	Examples []string `json:"examples,omitempty"`
}

// ImportReject is one refused cell: the line as the analyst sees it in the file
// (1-based, header line included), the column header, the value and why.
type ImportReject struct {
	Line   int64  `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
	Code   string `json:"code"` // stable: pages translate it (see ingest/codes.go)
}

// ImportBatch is an import as recorded: what was read, how, and what came of it.
type ImportBatch struct {
	ID           int64           `json:"id"`
	Mission      string          `json:"mission"`
	Kind         string          `json:"kind"`
	Mode         string          `json:"mode"`
	Filename     string          `json:"filename"`
	SHA256       string          `json:"sha256"`
	Status       string          `json:"status"`
	Dialect      Dialect         `json:"dialect"`
	Columns      []ImportColumn  `json:"columns"`
	RowsTotal    int64           `json:"rows_total"`
	RowsOK       int64           `json:"rows_ok"`
	RowsRejected int64           `json:"rows_rejected"`
	Rejects      []ImportReject  `json:"rejects"`
	SkipInvalid  bool            `json:"skip_invalid"`
	Warnings     []ImportWarning `json:"warnings"`
	RowsFlagged  int64           `json:"rows_flagged"` // rows with a plausibility warning (they still import)
	Sample       []ImportSample  `json:"sample"`       // the first rows as they will be stored
	CreatedBy    string          `json:"created_by"`
	CreatedAt    time.Time       `json:"created_at"`
	CommittedAt  *time.Time      `json:"committed_at"`
	RolledBackAt *time.Time      `json:"rolled_back_at"`
	Progress     *ImportProgress `json:"progress,omitempty"`
}

// ImportProgress is how far a running import has got. It lives in memory: a
// batch row records outcomes, not heartbeats.
type ImportProgress struct {
	Phase   string    `json:"phase"` // transcoding, staging, validating, committing
	Done    int64     `json:"done"`
	Total   int64     `json:"total"`
	Unit    string    `json:"unit"` // bytes or rows
	Started time.Time `json:"started_at"`
}

// ImportSample is a row of the file as the commit would store it: numbers as
// numbers, dates as yyyy-mm-dd, enum values and terms as their codes,
// municipalities as INE codes, lists as lists; NULL where the cell is
// empty or rejected.
type ImportSample struct {
	Line   int64          `json:"line"`
	Values map[string]any `json:"values"`
}

// ImportWarnOther is the code of a warning recorded before warnings had
// codes (ingest's WarnOther).
const ImportWarnOther = "other"

// UnmarshalJSON also reads the plain strings batches recorded before
// warnings had codes.
func (w *ImportWarning) UnmarshalJSON(b []byte) error {
	var text string
	if json.Unmarshal(b, &text) == nil {
		*w = ImportWarning{Code: ImportWarnOther, Message: text}
		return nil
	}
	type plain ImportWarning
	return json.Unmarshal(b, (*plain)(w))
}
