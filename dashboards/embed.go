// Package dashboards embeds the default dashboard definitions. Each *.yaml
// file is one dashboard; an administrator's --dashboards directory adds to
// them or overrides one by id.
package dashboards

import "embed"

// Defaults holds the default dashboards.
//
//go:embed *.yaml
var Defaults embed.FS
