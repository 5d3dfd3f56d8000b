package portfolio

import "time"

// Pull outcomes recorded on a source.
const (
	PullOK          = "ok"           // a new file was imported
	PullNotModified = "not_modified" // the server answered 304
	PullUnchanged   = "unchanged"    // same bytes as the last imported file
	PullFailed      = "failed"
)

// Source is a registered data source of a mission: where its files come
// from, how their headers map to fields, and how its last pull went.
type Source struct {
	ID      int64  `json:"id"`
	Mission string `json:"mission"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	// Kind is the source's category (public_initiatives, …, other);
	// PullKind is what its files hold (projects, organisations, signals).
	Kind     string            `json:"kind"`
	PullKind string            `json:"pull_kind,omitempty"`
	PullMode string            `json:"pull_mode,omitempty"`
	URL      string            `json:"url,omitempty"`
	Schedule string            `json:"schedule,omitempty"`
	Mapping  map[string]string `json:"mapping,omitempty"`
	// Validators of the last successful pull, sent back as a conditional GET.
	ETag         string     `json:"etag,omitempty"`
	LastModified string     `json:"last_modified,omitempty"`
	LastSHA256   string     `json:"last_sha256,omitempty"`
	LastPulledAt *time.Time `json:"last_pulled_at"`
	LastStatus   string     `json:"last_status,omitempty"`
	LastError    string     `json:"last_error,omitempty"`
	LastBatchID  int64      `json:"last_batch_id,omitempty"`
}

// PullRecord is the outcome of one pull of a source.
type PullRecord struct {
	At      time.Time
	Status  string // PullOK, PullNotModified, PullUnchanged or PullFailed
	Error   string
	BatchID int64 // the batch the pull imported or tried to (0: none)
	// Validators, when set, replaces the stored ETag, Last-Modified and
	// body hash: only a pull whose file was imported (or found unchanged)
	// may set them, or the next conditional GET would skip a file that
	// never landed.
	Validators   bool
	ETag         string
	LastModified string
	SHA256       string
}
