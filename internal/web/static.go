package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

//go:generate go run ./staticgen static

// staticAssets holds the CSS, the page scripts and the vendored ECharts
// (npm echarts 5.6.0, Apache-2.0; LICENSE and NOTICE beside it), each
// compressible file with its brotli (.br) and gzip (.gz) copy made at build
// time by `go generate` (staticgen): nothing is compressed per request.
//
//go:embed static
var staticAssets embed.FS

// asset is one static file with its precompressed copies.
type asset struct {
	name   string // path under /static/, e.g. begira.css
	hashed string // the same with the content hash before the extension
	ctype  string
	etag   string
	raw    []byte
	br, gz []byte // nil when not worth it
}

// assetTable maps both the plain and the content-hashed name to the asset.
// Pages link hashed names (assetPath): their content never changes under
// that name, so browsers may keep them for a year without asking again.
type assetTable struct {
	byPath map[string]*asset
	byName map[string]*asset
}

// assets reads the embedded files once (hashing 1 MB of ECharts costs a
// few milliseconds, paid at the first page or asset request).
var assets = sync.OnceValue(func() *assetTable {
	t := &assetTable{byPath: map[string]*asset{}, byName: map[string]*asset{}}
	sub, _ := fs.Sub(staticAssets, "static")
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") {
			return err
		}
		raw, _ := fs.ReadFile(sub, p)
		sum := sha256.Sum256(raw)
		h := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(p)
		a := &asset{name: p, hashed: strings.TrimSuffix(p, ext) + "." + h + ext, raw: raw, etag: `"` + h + `"`,
			ctype: mime.TypeByExtension(ext)}
		if a.ctype == "" {
			a.ctype = "text/plain; charset=utf-8" // LICENSE, NOTICE
		}
		a.br, _ = fs.ReadFile(sub, p+".br")
		a.gz, _ = fs.ReadFile(sub, p+".gz")
		t.byPath[a.name], t.byPath[a.hashed], t.byName[a.name] = a, a, a
		return nil
	})
	return t
})

// assetPath is the URL of a static file under its content-hashed name
// (templates: {{asset "begira.css"}}). A name that is not embedded panics
// at template execution, which the page tests catch.
func assetPath(name string) string {
	a, ok := assets().byName[name]
	if !ok {
		panic("web: no static asset " + name)
	}
	return "/static/" + a.hashed
}

// staticFiles serves /static/*. A hashed name is immutable and cached for a
// year; the plain name (old bookmarks, tools) is revalidated after an hour.
// The body is the precompressed copy the client accepts, brotli first.
func staticFiles() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return c.Next()
		}
		p := strings.TrimPrefix(c.Path(), "/static/")
		a, ok := assets().byPath[p]
		if !ok {
			return c.Next()
		}
		if p == a.hashed {
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		} else {
			c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		}
		c.Set(fiber.HeaderETag, a.etag)
		c.Set(fiber.HeaderContentType, a.ctype)
		if a.br != nil || a.gz != nil {
			c.Vary(fiber.HeaderAcceptEncoding)
		}
		if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, a.etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		body := a.raw
		switch enc := pickEncoding(c.Get(fiber.HeaderAcceptEncoding), a.br != nil, a.gz != nil); enc {
		case "br":
			body = a.br
			c.Set(fiber.HeaderContentEncoding, enc)
		case "gzip":
			body = a.gz
			c.Set(fiber.HeaderContentEncoding, enc)
		}
		return c.Send(body)
	}
}
