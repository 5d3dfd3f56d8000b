package web

import "net/http"

// service holds what running Begira as a service adds to the server:
// compressed page copies, the Observer and /metrics. It is embedded in
// Server.
type service struct {
	packed       *packedPages
	stats        observed
	metricsToken string
	promHandler  http.Handler
}

func newService(d Deps, opt Options) service {
	return service{packed: newPackedPages(d.Now), stats: observed{d.Observer},
		metricsToken: opt.MetricsToken, promHandler: opt.Metrics}
}
