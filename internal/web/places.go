package web

import (
	"context"

	"github.com/begira/begira/internal/portfolio"
)

// addComarcaFilter adds the comarca filter to the form: the reference
// geography's comarcas by name (the scope's comarca= takes their codes).
// An instance without reference geography has no such filter.
func (p *page) addComarcaFilter(comarcas []portfolio.GeoArea) {
	if len(comarcas) == 0 {
		return
	}
	current := p.Scope.Query().Get("comarca")
	f := filter{Param: "comarca", Label: p.T("filter.comarca")}
	for _, c := range comarcas {
		f.Options = append(f.Options, filterOption{Value: c.Code, Label: p.placeName(c), Selected: current == c.Code})
	}
	p.Filters = append(p.Filters, f)
}

// comarcas lists the reference comarcas for the filter; reading them fails
// only with the database, and the form then goes without.
func (s *Server) comarcas(ctx context.Context) []portfolio.GeoArea {
	areas, err := s.store.GeoAreas(ctx, "comarca")
	if err != nil {
		s.log.Warn("comarcas for the filter", "err", err)
		return nil
	}
	return areas
}

// placeName names a place of the reference geography in the page's
// language: its Spanish name on Spanish pages, its Basque (official) name
// otherwise.
func (p *page) placeName(a portfolio.GeoArea) string {
	if p.Lang == "es" && a.NameES != "" {
		return a.NameES
	}
	return a.NameEU
}
