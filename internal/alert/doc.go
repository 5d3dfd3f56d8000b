// Package alert tells people at once when something goes wrong in a
// mission: a coverage cell of a relevance mask becomes empty, a snapshot
// shows a new blind spot, an import or a scheduled pull fails, a job fails
// twice in a row. The mission document's alert rules say who: email
// addresses (through the mail package's sender) and webhooks, which get a
// JSON body signed with HMAC-SHA256 in X-Begira-Signature. Deliveries run
// in the background, are retried with backoff, and each ends up in the
// audit log (action alert.email or alert.webhook) with its outcome.
package alert
