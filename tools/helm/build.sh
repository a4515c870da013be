#!/usr/bin/env bash
# Builds the Helm CLI from its Go module into a cache directory keyed by the Helm and Go versions, and
# reuses it when present. Prints the binary's path on its last line.
#
#   tools/helm/build.sh               build (or reuse) the pinned version
#   tools/helm/build.sh --regenerate  re-derive go.mod for HELM_VERSION (then commit go.mod and go.sum)
#
# Why from source: like the control plane (tools/k8s), the chart tests must not depend on a binary
# downloaded from somewhere else; the Go module proxy plus go.sum pins exactly what runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}

log() { printf '[helm-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${1:-}" == "--regenerate" ]]; then
  HELM_VERSION=${HELM_VERSION:?set HELM_VERSION, e.g. 3.22.0}
  log "regenerating go.mod for helm.sh/helm/v3 v$HELM_VERSION"
  rm -f go.mod go.sum
  go mod init ferry.invalid/tools/helm >/dev/null 2>&1
  go get -tool "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
  upstream=$(go mod download -json "helm.sh/helm/v3@v$HELM_VERSION" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')
  # Same language version as upstream, so the binary gets upstream's GODEBUG defaults.
  go mod edit -go="$(awk '$1 == "go" {print $2}' "$upstream")"
  go mod tidy
  log "go.mod regenerated; commit tools/helm/go.mod and go.sum"
fi

# Test files run in parallel and may all ask for helm at once: one builds, the others wait and reuse.
mkdir -p "$cache_root/helm-bin"
exec 9>"$cache_root/helm-bin/.lock"
flock 9

helm_version=$(go list -m -f '{{.Version}}' helm.sh/helm/v3)
bin="$cache_root/helm-bin/$helm_version-$(go env GOVERSION)"
if [[ -x "$bin/helm" ]] && "$bin/helm" version --short 2>/dev/null | grep -q "^$helm_version"; then
  log "reusing $bin/helm"
  echo "$bin/helm"
  exit 0
fi

started=$SECONDS
log "downloading modules"
go mod download
log "building helm $helm_version (cold build compiles client-go and friends: several minutes on 2 cores)"
mkdir -p "$bin.tmp.$$"
# Helm reads its own version from these variables; without them `helm version` says v3.x-dev and chart
# kubeVersion/apiVersion checks compare against the wrong value.
# The Kubernetes version Helm assumes without a cluster (Capabilities.KubeVersion, deprecation lint)
# is derived from client-go exactly as upstream's Makefile does: v0.X.Y means 1.X.
k8s_minor=$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$k8s_minor"
done
# -mod=readonly: go.mod/go.sum are committed and must already be complete. -v prints each package as it
# compiles, so a long cold build shows progress.
go build -mod=readonly -v -ldflags "$ldflags" -o "$bin.tmp.$$/helm" helm.sh/helm/v3/cmd/helm 2>&1 \
  | awk 'NR % 100 == 0 { printf "[helm-build] %d packages compiled\n", NR > "/dev/stderr" }'
rm -rf "$bin" && mv "$bin.tmp.$$" "$bin"
log "built $bin/helm in $((SECONDS - started))s"
echo "$bin/helm"
