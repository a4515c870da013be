#!/usr/bin/env bash
# Builds Ferry's template engine (this directory: ESO's template package behind a small JSON boundary) twice,
# into a cache directory keyed by a hash of go.mod, go.sum, the Go sources, the stubs, build-wasm.sh and the Go version:
#   engine.wasm — GOOS=wasip1 reactor that Ferry loads at run time (src/lib/gotemplate), built by build-wasm.sh
#                 with ESO's Kubernetes dependencies replaced by the stubs under stubs/;
#   engine      — the same code built natively against ESO's package unmodified, the oracle the differential
#                 tests compare the wasm path with.
# Reuses both when present. Prints the cache directory on its last line.
#
#   build.sh                 build or reuse, print the directory
#   build.sh --out FILE      also copy engine.wasm to FILE (npm run build:template-engine writes dist/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=""
if [[ "${1:-}" == "--out" ]]; then out=$(realpath -m "$2"); fi
cd "$here"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}

log() { printf '[template-engine-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Parallel test files may all ask at once: one builds, the others wait and reuse.
mkdir -p "$cache_root/template-engine"
exec 9>"$cache_root/template-engine/.lock"
flock 9

hash=$( { go env GOVERSION; cat go.mod go.sum build-wasm.sh; for f in $( { ls ./*.go; find stubs -type f; } | LC_ALL=C sort); do echo "$f"; cat "$f"; done; } | sha256sum | cut -c1-16)
dir="$cache_root/template-engine/$hash"
if [[ -f "$dir/engine.wasm" && -x "$dir/engine" ]]; then
  log "reusing $dir"
else
  started=$SECONDS
  log "building (cold: ESO's module graph, a few minutes on 2 cores)"
  tmp="$dir.tmp.$$"
  mkdir -p "$tmp"
  # -mod=readonly: go.mod/go.sum are committed and must already be complete.
  go build -mod=readonly -o "$tmp/engine" .
  bash "$here/build-wasm.sh" "$tmp/engine.wasm"
  rm -rf "$dir" && mv "$tmp" "$dir"
  log "built $dir in $((SECONDS - started))s ($(stat -c %s "$dir/engine.wasm") bytes of wasm)"
fi
if [[ -n "$out" ]]; then
  mkdir -p "$(dirname "$out")"
  cp "$dir/engine.wasm" "$out.tmp.$$" && mv "$out.tmp.$$" "$out"
  log "wrote $out"
fi
echo "$dir"
