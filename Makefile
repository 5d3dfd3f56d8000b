# Begira — build, run, test, bench. CGO is required (DuckDB).
GO       ?= go
BIN      ?= bin/begira
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)

.PHONY: build run test test-short vet bench bench-ingest bench-metrics bench-web bench-scale soak echarts demo-data clean

build:
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/begira

# Serves the embedded demo mission on http://127.0.0.1:8080.
run:
	$(GO) run ./cmd/begira serve --demo

# Every test: unit, store (real DuckDB), HTTP (Fiber app.Test) and browser
# (headless Chromium; skipped locally when Chromium is missing, required in CI).
test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

test-short:
	$(GO) test -count=1 -short ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Times `begira import` of a generated projects CSV against a bare DuckDB
# CREATE TABLE AS read_csv, with peak RSS; PASS/FAIL against the targets.
ROWS ?= 1000000
bench-ingest:
	$(GO) run ./cmd/benchingest --rows $(ROWS)

# Times the metric catalogue on a generated portfolio (100,000 projects,
# 20,000 organisations, 1,000,000 signals) and the coverage matrix on
# 1,000,000 projects, each against a bare DuckDB scan of the same tables.
bench-metrics:
	$(GO) test -run '^$$' -bench 'Catalogue|Coverage1M' -benchtime 3x -timeout 60m ./internal/metrics/

# Load-tests the demo dashboards of a real `begira serve --demo` on loopback
# (32 connections) against a static asset: p50/p90/p99, req/s and MB/s.
bench-web:
	$(GO) run ./cmd/benchweb

# Cold dashboards on generated portfolios of 100,000 and 1,000,000 projects
# against the demo measured in the same run: time and bytes per default
# dashboard, each as a ratio to the demo's, and the server's peak RSS;
# PASS/FAIL against issue 17's goals. SIZES=20000 for a quick run.
SIZES ?= 100000,1000000
bench-scale:
	$(GO) run ./cmd/benchscale --sizes $(SIZES)

# The abuse and scale scenarios of issue 17 against a real server with a
# ROWS-project mission (cmd/soak): reads during an import, cold pages,
# cache-busting, a slow-body flood and a large upload; peak RSS, error
# counts and p99 per phase.
soak:
	$(GO) run ./cmd/soak --rows $(ROWS)

# Re-vendors ECharts from the npm registry (pinned; see TECH.md).
echarts:
	cd $$(mktemp -d) && npm pack echarts@5.6.0 >/dev/null && tar xzf echarts-5.6.0.tgz && \
	cp package/dist/echarts.min.js package/LICENSE package/NOTICE $(CURDIR)/internal/web/static/vendor/echarts/

# Regenerates the demo CSV files (deterministic; see cmd/demogen).
demo-data:
	$(GO) generate ./data

clean:
	rm -rf bin
