package web

// service holds what running Begira as a service adds to the server:
// compressed page copies and the Observer. It is embedded in Server.
type service struct {
	packed *packedPages
	stats  observed
}

func newService(d Deps, opt Options) service {
	return service{packed: newPackedPages(d.Now), stats: observed{d.Observer}}
}
