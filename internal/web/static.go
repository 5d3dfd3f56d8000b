package web

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

// staticAssets holds the CSS, the page script and the vendored ECharts
// (npm echarts 5.6.0, Apache-2.0; LICENSE and NOTICE beside it).
//
//go:embed static
var staticAssets embed.FS

func staticFiles() fiber.Handler {
	sub, _ := fs.Sub(staticAssets, "static")
	return filesystem.New(filesystem.Config{
		Root:   http.FS(sub),
		MaxAge: 86400,
	})
}
