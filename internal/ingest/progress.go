package ingest

import (
	"sync"
	"time"

	"github.com/begira/begira/internal/portfolio"
)

type tracker struct {
	mu sync.Mutex
	m  map[int64]portfolio.ImportProgress
	// report, if set, also receives every update (the CLI prints them).
	report func(id int64, p portfolio.ImportProgress)
}

func (t *tracker) set(id int64, phase string, done, total int64) {
	t.update(id, phase, done, total, "rows")
}

func (t *tracker) update(id int64, phase string, done, total int64, unit string) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[int64]portfolio.ImportProgress{}
	}
	p, ok := t.m[id]
	if !ok {
		p.Started = time.Now()
	}
	p.Phase, p.Done, p.Total, p.Unit = phase, done, total, unit
	t.m[id] = p
	report := t.report
	t.mu.Unlock()
	if report != nil {
		report(id, p)
	}
}

func (t *tracker) done(id int64) {
	t.mu.Lock()
	delete(t.m, id)
	t.mu.Unlock()
}

func (t *tracker) get(id int64) (portfolio.ImportProgress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.m[id]
	return p, ok
}
