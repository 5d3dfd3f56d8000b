package metrics

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// The network's intermediates — the shared-partner graph (C16), its
// betweenness (C17) and the thematic clusters (C18) — are the dearest of
// the catalogue: seconds at 100,000 projects. One page reads them from
// two sides: its chart from a view Env (PartnerGraph, ThemeClusters) and
// its metrics from the engine's own Env (C16–C19), so a cold network page
// built the graph twice. Envs that join a page's context (Share) keep
// these intermediates in one memo per mission, scope and parameters, for
// as long as the page is being built.
var sharedIntermediates = map[string]bool{"partner-graph": true, "partner-betweenness": true, "theme-clusters": true}

type sharedKey struct{}

// sharedMemos holds, per Env key, the memo of the shared intermediates.
type sharedMemos struct {
	mu    sync.Mutex
	memos map[string]*envMemo
}

// envMemo is a set of memoised intermediates.
type envMemo struct {
	mu   sync.Mutex
	memo map[string]*memoEntry
}

func newEnvMemo() *envMemo { return &envMemo{memo: map[string]*memoEntry{}} }

// WithShared returns ctx carrying a place for the network intermediates
// of the Envs that Share it: one page's build, whose data does not change
// meanwhile. It is dropped with ctx.
func WithShared(ctx context.Context) context.Context {
	return context.WithValue(ctx, sharedKey{}, &sharedMemos{memos: map[string]*envMemo{}})
}

// Share makes e read and keep the network intermediates in ctx's place for
// e's store, mission, scope and parameters (see WithShared); without one
// it does nothing. Call it before computing with e.
func (e *Env) Share(ctx context.Context) {
	sm, ok := ctx.Value(sharedKey{}).(*sharedMemos)
	if !ok {
		return
	}
	key := strings.Join([]string{fmt.Sprintf("%p", e.Store), e.Mission.Slug, e.Scope.Key(),
		e.Params.A, e.Params.B, e.Params.Scheme, e.Params.Basis}, "|")
	sm.mu.Lock()
	defer sm.mu.Unlock()
	m := sm.memos[key]
	if m == nil {
		m = newEnvMemo()
		sm.memos[key] = m
	}
	e.shared = m
}

// memoFor returns the memo that keeps the intermediate key.
func (e *Env) memoFor(key string) *envMemo {
	if e.shared != nil && sharedIntermediates[key] {
		return e.shared
	}
	return &e.own
}
