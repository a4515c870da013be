# syntax=docker/dockerfile:1
# Generated from deploy/image/spec.json by `npm run generate:image`; do not edit. The end-to-end tests build
# the same image without Docker from the same file (test/env/node/image.ts) and run it on a real node.
#
#   docker build -t ferry:0.1.0 .
#   docker run --rm ferry:0.1.0 --help
#
# Node runs the TypeScript sources directly (type stripping): no build step. The Node version is the `node`
# devDependency in package.json, which is what the tests run on.
ARG NODE_VERSION=24.21.0
ARG GO_VERSION=1.26.8

# ESO's template package compiled to WebAssembly (ADR 9), from tools/template-wasm/ (what `npm run build:template-engine`
# does in a checkout). Dependencies first, so a source change reuses the module download layer.
FROM golang:${GO_VERSION}-bookworm AS template-engine
WORKDIR /src
COPY tools/template-wasm/go.mod tools/template-wasm/go.sum ./
RUN go mod download
COPY tools/template-wasm/*.go tools/template-wasm/build-wasm.sh ./
COPY tools/template-wasm/stubs ./stubs
RUN bash build-wasm.sh /out/engine.wasm

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. --ignore-scripts: no runtime dependency needs an install
# script, and running none means a compromised package cannot execute anything at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Debian bookworm (minbase) with only: ca-certificates, and the node binary; no npm, npx, corepack or yarn.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production
ENV MALLOC_ARENA_MAX=2
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
ENV NODE_COMPILE_CACHE_PORTABLE=1
WORKDIR /app
# Owned by root and not writable by the runtime user: the process cannot modify its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
COPY --from=template-engine /out/engine.wasm ./dist/template-engine.wasm
# V8's compile cache (ADR 13): loading the modules once here means Node neither strips types nor parses them
# at start (-19 MiB RSS). Filled as root, read-only at run time; Node names the cache's subdirectory after the
# uid that reads it, so it is renamed for the runtime user.
RUN node /app/src/cli/main.ts --help > /dev/null \
 && for d in /app/.node-compile-cache/*-0; do mv "$d" "${d%-0}-65532"; done
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd; the chart's
# podSecurityContext uses the same user and group.
USER 65532:65532
# Node as PID 1 is fine: every entry point handles SIGTERM itself, and Ferry starts no child processes to reap.
ENTRYPOINT ["node", "/app/src/cli/main.ts"]
CMD ["--help"]
