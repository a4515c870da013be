#!/usr/bin/env bash
# Builds the Go oracle (tools/oracle) into a cache directory keyed by a hash of its go.mod, go.sum, Go
# sources and the Go version, and reuses it when present. Prints the binary's path on its last line.
#
# Why Go at all: Ferry's gjson paths, regexp rewrites, decoding and key conversion must behave exactly
# like External Secrets Operator, so the tests compare them with the real Go code rather than with
# expectations written by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}

log() { printf '[oracle-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Test files run in parallel and may all ask for the oracle at once: one builds, the others wait and reuse.
mkdir -p "$cache_root/oracle-bin"
exec 9>"$cache_root/oracle-bin/.lock"
flock 9

hash=$( { go env GOVERSION; cat go.mod go.sum; for f in $(ls ./*.go | sort); do echo "$f"; cat "$f"; done; } | sha256sum | cut -c1-16)
bin="$cache_root/oracle-bin/$hash"
if [[ -x "$bin/oracle" ]]; then
  log "reusing $bin/oracle"
  echo "$bin/oracle"
  exit 0
fi

started=$SECONDS
log "building oracle (cold: module download plus ESO's dependencies, a few minutes on 2 cores)"
mkdir -p "$bin.tmp.$$"
# -mod=readonly: go.mod/go.sum are committed and must already be complete.
go build -mod=readonly -ldflags "-s -w" -o "$bin.tmp.$$/oracle" .
rm -rf "$bin" && mv "$bin.tmp.$$" "$bin"
log "built $bin/oracle in $((SECONDS - started))s"
echo "$bin/oracle"
