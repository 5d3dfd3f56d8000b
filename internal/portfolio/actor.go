package portfolio

import "context"

// Actor names who makes a change, as the audit log records it:
// "user:alice", "token:7 (nightly-pull)", "schedule:snapshot", "cli".
// It travels in the request's context from the web layer (or the CLI, or
// the scheduler) down to the transaction that writes the audit row.
type Actor string

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or "system" when none was set (a
// change nobody can be named for is still recorded).
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a != "" {
		return a
	}
	return "system"
}
