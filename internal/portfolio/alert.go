package portfolio

import (
	"net/mail"
	"net/url"
	"slices"
)

// Alert events a rule can name.
const (
	AlertCoverageEmptied = "coverage_emptied" // a cell of a relevance mask became empty
	AlertBlindSpot       = "blind_spot"       // a snapshot shows a new blind spot
	AlertImportFailed    = "import_failed"    // an import's commit or a scheduled pull failed
	AlertJobFailedTwice  = "job_failed_twice" // a job failed twice in a row
)

// AlertEvents lists the events in the order the docs give them.
var AlertEvents = []string{AlertCoverageEmptied, AlertBlindSpot, AlertImportFailed, AlertJobFailedTwice}

// AlertRule sends the events it names by email and/or to a webhook (JSON,
// signed with HMAC-SHA256 with the server's --webhook-secret).
type AlertRule struct {
	On      []string `yaml:"on" json:"on"`
	Email   []string `yaml:"email,omitempty" json:"email,omitempty"`
	Lang    string   `yaml:"lang,omitempty" json:"lang,omitempty"`
	Webhook string   `yaml:"webhook,omitempty" json:"webhook,omitempty"`
}

// Wants says whether the rule sends event.
func (r AlertRule) Wants(event string) bool { return slices.Contains(r.On, event) }

func (m *Mission) validateAlerts(add func(string, ...any)) {
	for i := range m.Alerts {
		r := &m.Alerts[i]
		if len(r.On) == 0 {
			add("alerts[%d]: on lists no event (known: %v)", i, AlertEvents)
		}
		for _, e := range r.On {
			if !slices.Contains(AlertEvents, e) {
				add("alerts[%d]: unknown event %q (known: %v)", i, e, AlertEvents)
			}
		}
		if len(r.Email) == 0 && r.Webhook == "" {
			add("alerts[%d]: give email addresses, a webhook, or both", i)
		}
		for _, e := range r.Email {
			if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
				add("alerts[%d]: %q is not an email address", i, e)
			}
		}
		if r.Webhook != "" {
			if u, err := url.Parse(r.Webhook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				add("alerts[%d]: webhook %q must be an http(s) URL", i, r.Webhook)
			}
		}
		if r.Lang == "" {
			r.Lang = "en"
		}
		if !slices.Contains([]string{"en", "es", "eu"}, r.Lang) {
			add("alerts[%d]: lang %q must be en, es or eu", i, r.Lang)
		}
	}
}
