// Package mail tells people what happened without their opening a page: a
// mission's weekly signal digest and, when a snapshot is taken, its
// summary (headline figures with their changes, emptied coverage cells,
// new blind spots, decisions due) with an expiring guest link to the pack.
// Each message is in the subscriber's language, as plain text and HTML
// with no external image.
//
// Sending is a job: it runs in the background (a request never waits for
// an SMTP server), is retried with backoff, and is recorded in the job runs
// ("mail_snapshot", "mail_digest") with what was sent and what failed.
// Messages go through any SMTP server named by --smtp-url: STARTTLS
// (smtp://, required unless ?starttls=off) or implicit TLS (smtps://).
package mail
