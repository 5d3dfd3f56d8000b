# syntax=docker/dockerfile:1
# Begira: one binary with DuckDB embedded (cgo), so the builder needs gcc
# and the runtime needs glibc (Debian slim, not Alpine/musl).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/begira ./cmd/begira

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/begira --create-home begira
COPY --from=build /out/begira /usr/local/bin/begira
USER begira
WORKDIR /var/lib/begira
VOLUME ["/var/lib/begira"]
ENV BEGIRA_ADDR=0.0.0.0:8080 \
    BEGIRA_DB=/var/lib/begira/begira.duckdb
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["begira"]
# Quick start: docker run -p 8080:8080 -v begira:/var/lib/begira IMAGE serve --demo
CMD ["serve", "--demo"]
