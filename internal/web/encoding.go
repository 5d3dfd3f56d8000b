package web

import (
	"strconv"
	"strings"
)

// pickEncoding chooses the response's content coding from the request's
// Accept-Encoding: brotli when accepted and available, else gzip, else
// none (""). A coding listed with q=0 is refused, as RFC 9110 says; "*"
// accepts any coding not listed.
func pickEncoding(accept string, haveBr, haveGzip bool) string {
	if accept == "" {
		return ""
	}
	q := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		v := 1.0
		if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
				v = f
			}
		}
		q[name] = v
	}
	accepts := func(enc string) bool {
		if v, ok := q[enc]; ok {
			return v > 0
		}
		v, ok := q["*"]
		return ok && v > 0
	}
	switch {
	case haveBr && accepts("br"):
		return "br"
	case haveGzip && accepts("gzip"):
		return "gzip"
	}
	return ""
}
