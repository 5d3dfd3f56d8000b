package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const testMetricsToken = "metrics-token-for-tests-0123456789"

// scrape fetches url as Prometheus would and parses the exposition.
func scrape(t *testing.T, url, token string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return res.StatusCode, nil
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("Prometheus cannot parse %s: %v", url, err)
	}
	return res.StatusCode, families
}

// value returns the value of the series of family with all the labels.
func value(families map[string]*dto.MetricFamily, family string, labels map[string]string) (float64, bool) {
	f, ok := families[family]
	if !ok {
		return 0, false
	}
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range labels {
			match = match && have[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// TestPrometheusMetrics starts the real wiring with /metrics on its own
// address and on the main one behind a token, makes the server do things,
// and checks that each shows in what Prometheus reads.
func TestPrometheusMetrics(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t, "--metrics-addr", "127.0.0.1:0", "--metrics-token", testMetricsToken)
	if s.prom == nil {
		t.Fatal("--metrics-addr started no metrics server")
	}
	client := adminClient(t, s)
	for range 2 { // a miss, then a hit of the page cache
		res, err := http.Get("http://" + addr + "/m/gipuzkoa?lang=eu")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("overview: %v %v", res, err)
		}
		res.Body.Close()
	}
	for range 2 { // the metric cache: a miss (or a hit after the page), then a hit
		res, err := client.Get("http://" + addr + "/api/v1/missions/gipuzkoa/metrics?codes=C2")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("metrics API: %v %v", res, err)
		}
		res.Body.Close()
	}
	res, err := client.Post("http://"+addr+"/api/v1/jobs/prune/run", "", nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("run prune: %v %v", res, err)
	}
	res.Body.Close()

	// On the main address: the token is required.
	if code, _ := scrape(t, "http://"+addr+"/metrics", ""); code != 401 {
		t.Errorf("/metrics without the token: status %d, want 401", code)
	}
	if code, _ := scrape(t, "http://"+addr+"/metrics", "wrong-token-wrong-token"); code != 401 {
		t.Errorf("/metrics with a wrong token: status %d, want 401", code)
	}
	_, viaMain := scrape(t, "http://"+addr+"/metrics", testMetricsToken)
	code, families := scrape(t, "http://"+s.prom.addr+"/metrics", "")
	if code != 200 || viaMain == nil {
		t.Fatalf("scrapes: metrics address %d, main address ok %v", code, viaMain != nil)
	}
	for _, c := range []struct {
		family string
		labels map[string]string
		min    float64
	}{
		{"begira_http_requests_total", map[string]string{"route": "/m/:slug", "method": "GET", "status": "200"}, 2},
		{"begira_http_request_duration_seconds", map[string]string{"route": "/m/:slug", "status": "200"}, 2},
		{"begira_cache_lookups_total", map[string]string{"cache": "page", "result": "miss"}, 1},
		{"begira_cache_lookups_total", map[string]string{"cache": "page", "result": "hit"}, 1},
		{"begira_cache_lookups_total", map[string]string{"cache": "metric", "result": "hit"}, 1},
		{"begira_cache_lookups_total", map[string]string{"cache": "metric", "result": "miss"}, 1},
		{"begira_cache_lookups_total", map[string]string{"cache": "page_compressed"}, 0},
		{"begira_job_runs_total", map[string]string{"job": "prune", "status": "ok"}, 1},
		{"begira_job_duration_seconds", map[string]string{"job": "prune", "status": "ok"}, 1},
		{"begira_import_batches_total", map[string]string{"kind": "projects", "outcome": "committed"}, 1},
		{"begira_import_rows_total", map[string]string{"kind": "projects", "outcome": "committed", "row": "ok"}, 300},
		{"begira_duckdb_memory_bytes", nil, 1},
		{"begira_build_info", map[string]string{"version": version}, 1},
		{"go_goroutines", nil, 1},
	} {
		v, ok := value(families, c.family, c.labels)
		if !ok || v < c.min {
			t.Errorf("%s%v = %v (present %v), want ≥ %v", c.family, c.labels, v, ok, c.min)
		}
	}
	// Route patterns, never raw URLs, label the requests.
	for _, m := range families["begira_http_requests_total"].Metric {
		for _, l := range m.Label {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), "gipuzkoa") {
				t.Errorf("a route label holds a URL: %q", l.GetValue())
			}
		}
	}
}

// TestMetricsAreOffByDefault: without --metrics-addr or --metrics-token,
// nothing serves /metrics.
func TestMetricsAreOffByDefault(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	if s.prom != nil {
		t.Error("a metrics server started without --metrics-addr")
	}
	if code, _ := scrape(t, "http://"+addr+"/metrics", testMetricsToken); code != 404 {
		t.Errorf("/metrics without --metrics-token: status %d, want 404", code)
	}
}
