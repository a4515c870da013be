#!/usr/bin/env bash
# Builds the real External Secrets Operator controller from Go modules into a cache directory keyed by its
# version and the Go version, and reuses it when present. Copies ESO's own CRDs beside the binary. Prints the
# cache directory on its last line (binary: <dir>/external-secrets, CRDs: <dir>/crds/*.yaml).
#
#   tools/eso/build.sh               build (or reuse) the version pinned in tools/eso/go.mod
#   tools/eso/build.sh --dry-run     print the module and cache directory it would build; build nothing
#   tools/eso/build.sh --regenerate  re-derive go.mod from upstream's go.mod for ESO_VERSION
#
# Used only by `npm run bench -- --against-eso` (ADR 12): the benchmark compares Ferry with the real ESO,
# not with a model of it. Never by `npm test`: a cold build compiles every ESO provider (minutes on 2 cores).
#
# Why a wrapper module: ESO's main package is its module root, and its go.mod carries replace lines
# (sprig → external-secrets/sprig) that `go install pkg@version` refuses. The replace lines here are copied
# from upstream's own go.mod, never maintained by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

module=github.com/external-secrets/external-secrets
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}

log() { printf '[eso-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${1:-}" == "--regenerate" ]]; then
  ESO_VERSION=${ESO_VERSION:-v0.16.2}
  log "regenerating go.mod for $module@$ESO_VERSION"
  rm -f go.mod go.sum
  go mod init ferry.invalid/tools/eso >/dev/null 2>&1
  upstream=$(go mod download -json "$module@$ESO_VERSION" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')
  # Upstream's replace lines, single-line form (`replace a => b v`) and block form alike.
  awk '/^replace \(/ {blk=1; next} blk && /^\)/ {blk=0; next} blk {print} /^replace [^(]/ {sub(/^replace /, ""); print}' "$upstream" |
    while read -r from _arrow to version; do go mod edit -replace="$from=$to@$version"; done
  # Same language version as upstream, so the binary gets upstream's GODEBUG defaults.
  go mod edit -go="$(awk '$1 == "go" {print $2}' "$upstream")"
  go get -tool "$module@$ESO_VERSION"
  go mod tidy
  log "go.mod regenerated; commit tools/eso/go.mod and go.sum"
fi

# The pinned version, read from go.mod without the go command touching the network.
version=$(awk -v m="$module" '$1 == m {print $2; exit} $1 == "require" && $2 == m {print $3; exit}' go.mod)
bin="$cache_root/eso-bin/$version-$(go env GOVERSION)"

if [[ "${1:-}" == "--dry-run" ]]; then
  echo "module $module@$version"
  echo "$bin"
  exit 0
fi

# Benchmark runs may start at once: one builds, the others wait and reuse.
mkdir -p "$cache_root/eso-bin"
exec 9>"$cache_root/eso-bin/.lock"
flock 9

if [[ -x "$bin/external-secrets" && -d "$bin/crds" ]]; then
  log "reusing $bin"
  echo "$bin"
  exit 0
fi

started=$SECONDS
log "downloading modules for $module@$version"
go mod download
log "building $module@$version (cold: every ESO provider compiles; many minutes on 2 cores)"
mkdir -p "$bin.tmp.$$/crds"
# -mod=readonly: go.mod/go.sum are committed and must already be complete. -v shows progress on a cold build.
nice -n 10 go build -mod=readonly -v -ldflags "-s -w" -o "$bin.tmp.$$/external-secrets" "$module" 2>&1 |
  awk 'NR % 200 == 0 { printf "[eso-build] %d packages compiled\n", NR > "/dev/stderr" }'
[[ -x "$bin.tmp.$$/external-secrets" ]] || { log "build failed"; exit 1; }
# ESO's own CRDs (external-secrets.io and generators.external-secrets.io) as its kustomization installs them.
src=$(go list -mod=readonly -m -f '{{.Dir}}' "$module")
cp "$src"/config/crds/bases/*.io_*.yaml "$bin.tmp.$$/crds/"
chmod -R u+w "$bin.tmp.$$"
rm -rf "$bin" && mv "$bin.tmp.$$" "$bin"
log "built $bin in $((SECONDS - started))s"
echo "$bin"
