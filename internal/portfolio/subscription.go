package portfolio

import (
	"net/mail"
	"slices"
)

// Subscription is a person who is sent a mission's news by email, in their
// language: the weekly signal digest, and a snapshot's summary (with an
// expiring guest link to its pack) each time one is taken.
type Subscription struct {
	Email     string `yaml:"email" json:"email"`
	Name      string `yaml:"name,omitempty" json:"name,omitempty"`
	Lang      string `yaml:"lang,omitempty" json:"lang,omitempty"` // en (default), es or eu
	Digest    bool   `yaml:"digest,omitempty" json:"digest,omitempty"`
	Snapshots bool   `yaml:"snapshots,omitempty" json:"snapshots,omitempty"`
}

// Subscribers returns the subscriptions that want kind ("digest" or
// "snapshots").
func (m *Mission) Subscribers(kind string) []Subscription {
	var out []Subscription
	for _, s := range m.Subscriptions {
		if (kind == "digest" && s.Digest) || (kind == "snapshots" && s.Snapshots) {
			out = append(out, s)
		}
	}
	return out
}

// validateSubscriptions checks addresses and languages and fills in the
// default language.
func (m *Mission) validateSubscriptions(add func(string, ...any)) {
	seen := map[string]bool{}
	for i := range m.Subscriptions {
		s := &m.Subscriptions[i]
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email {
			add("subscriptions[%d]: %q is not an email address (write only the address, e.g. ane@example.org)", i, s.Email)
		}
		if seen[s.Email] {
			add("subscriptions[%d]: %s is subscribed twice", i, s.Email)
		}
		seen[s.Email] = true
		if s.Lang == "" {
			s.Lang = "en"
		}
		if !slices.Contains([]string{"en", "es", "eu"}, s.Lang) {
			add("subscriptions[%d] (%s): lang %q must be en, es or eu", i, s.Email, s.Lang)
		}
		if !s.Digest && !s.Snapshots {
			add("subscriptions[%d] (%s): subscribe to digest, snapshots or both", i, s.Email)
		}
	}
}
