package web

import "time"

// Observer is told what the server does, for Prometheus (see prom.go). It
// is optional: a nil Observer in Deps observes nothing.
type Observer interface {
	// Request is one answered request: the route pattern it matched
	// ("/m/:slug", or "" for none), the method, the status and the time.
	Request(route, method string, status int, took time.Duration)
	// CacheLookup is one read of a cache ("page", "page_compressed").
	CacheLookup(cache string, hit bool)
	// CacheRefresh is one background refresh of a stale cache entry.
	CacheRefresh(cache string)
}

// observed is the server's Observer, doing nothing when none was given.
type observed struct{ o Observer }

func (s observed) request(route, method string, status int, took time.Duration) {
	if s.o != nil {
		s.o.Request(route, method, status, took)
	}
}

func (s observed) lookup(cache string, hit bool) {
	if s.o != nil {
		s.o.CacheLookup(cache, hit)
	}
}

func (s observed) refresh(cache string) {
	if s.o != nil {
		s.o.CacheRefresh(cache)
	}
}

// packed counts a read of the compressed page copies.
func (s observed) packed(hit bool) { s.lookup("page_compressed", hit) }
