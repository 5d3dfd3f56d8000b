package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/data"
	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
)

// mapBoundaries is what a mission's territory map is drawn over: the URL of
// its GeoJSON on this server, the feature property holding INE codes and
// the attribution the boundaries' licence asks for. A zero value draws the
// municipalities as bubbles.
type mapBoundaries struct {
	URL, CodeProperty, Attribution string
}

// mapFor picks a mission's boundaries: its document's (inline or a
// built-in map by name), else the server's --geojson file, else the
// built-in Gipuzkoa map, whose municipalities the reference geography holds.
func (s *Server) mapFor(m *portfolio.Mission) mapBoundaries {
	if b := m.Boundaries; b != nil {
		switch {
		case len(b.GeoJSON) > 0:
			return mapBoundaries{URL: "/m/" + m.Slug + "/boundaries.geojson", CodeProperty: b.CodeProperty, Attribution: attribution(b.GeoJSON)}
		case b.Builtin == portfolio.BoundariesNone:
			return mapBoundaries{}
		case b.Builtin == portfolio.BoundariesGipuzkoa:
			return gipuzkoaMap()
		}
	}
	if len(s.geo.json) > 0 {
		return mapBoundaries{URL: "/geo/map.json", CodeProperty: s.geo.codeProperty, Attribution: attribution(s.geo.json)}
	}
	return gipuzkoaMap()
}

func gipuzkoaMap() mapBoundaries {
	return mapBoundaries{URL: "/geo/gipuzkoa.geojson", CodeProperty: "code", Attribution: builtinGeo().attribution}
}

// Credit is the map's credit line in lang: the attribution's content
// (names, source, licence: data, kept as the boundaries' file writes it)
// after the catalogue's words for what it credits. The built-in file
// writes those words in English ("Boundaries: iametza / …"); they are
// dropped, so a Spanish page reads "Límites municipales: iametza / …".
func (m mapBoundaries) Credit(lang string) string {
	if m.Attribution == "" {
		return ""
	}
	credit := m.Attribution
	if head, rest, ok := strings.Cut(credit, ":"); ok && strings.EqualFold(strings.TrimSpace(head), "boundaries") {
		credit = strings.TrimSpace(rest)
	}
	return i18n.T(lang, "map.boundaries", credit)
}

// attribution reads the "attribution" member a GeoJSON may carry (the
// built-in map does): the map shows it under the chart.
func attribution(geo []byte) string {
	var a struct {
		Attribution string `json:"attribution"`
	}
	json.Unmarshal(geo, &a) // a file without it (or not an object) has none
	return strings.TrimSpace(a.Attribution)
}

// geoFile is a GeoJSON served with its ETag and gzip copy.
type geoFile struct {
	raw, gz           []byte
	etag, attribution string
}

// newGeoFile prepares raw to be served; compress makes the gzip copy
// (worth it for a file served many times, not for one read per request).
func newGeoFile(raw []byte, compress bool) *geoFile {
	sum := sha256.Sum256(raw)
	g := &geoFile{raw: raw, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, attribution: attribution(raw)}
	if compress {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(raw)
		zw.Close()
		g.gz = buf.Bytes()
	}
	return g
}

// builtinGeo is the embedded Gipuzkoa map (data/geo), read and compressed
// once.
var builtinGeo = sync.OnceValue(func() *geoFile {
	raw, err := fs.ReadFile(data.Geo, data.GipuzkoaBoundaries)
	if err != nil {
		panic("web: built-in boundaries: " + err.Error()) // embedded: cannot happen
	}
	return newGeoFile(raw, true)
})

// send answers with the file, compressed when the client accepts gzip, or
// 304 when the client holds it already.
func (g *geoFile) send(c *fiber.Ctx, cacheControl string) error {
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderCacheControl, cacheControl)
	c.Set(fiber.HeaderETag, g.etag)
	if g.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, g.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if pickEncoding(c.Get(fiber.HeaderAcceptEncoding), false, g.gz != nil) == "gzip" {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(g.gz)
	}
	return c.Send(g.raw)
}

// builtinBoundaries serves the built-in Gipuzkoa map: public reference
// data, the same for every mission.
func (s *Server) builtinBoundaries(c *fiber.Ctx) error {
	return builtinGeo().send(c, "public, max-age=86400")
}

// missionBoundaries serves the boundaries a mission document carries.
func (s *Server) missionBoundaries(c *fiber.Ctx) error {
	m, err := s.store.Mission(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if m.Boundaries == nil || len(m.Boundaries.GeoJSON) == 0 {
		return portfolio.Errorf(portfolio.ENOTFOUND, "mission %q has no boundaries of its own (boundaries.geojson in its document)", m.Slug)
	}
	// Revalidated each time: applying the document again may change them.
	return newGeoFile(m.Boundaries.GeoJSON, false).send(c, "private, no-cache")
}
