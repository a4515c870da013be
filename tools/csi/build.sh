#!/usr/bin/env bash
# Builds the Secrets Store CSI driver (sigs.k8s.io/secrets-store-csi-driver, pinned in go.mod) and Ferry's
# plugin registrar and CSI liveness probe (node-driver-registrar and livenessprobe are not served by the Go
# module proxy) into a cache directory keyed by this module's content, and reuses them when present.
# Prints the bin directory on its last line. Beside the binaries: the driver's CRDs (crds/) and Helm chart (chart/).
#
# monis.app/mlog (a driver dependency) is not served by the Go module proxy: go.mod replaces it with ./mlog.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}

log() { printf '[csi-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

driver_version=$(go list -m -f '{{.Version}}' sigs.k8s.io/secrets-store-csi-driver)
key=$(cat go.mod go.sum mlog/* registrar/* livenessprobe/* | sha256sum | cut -c1-12)
bin="$cache_root/csi-bin/$driver_version-$key-$(go env GOVERSION)"
if [[ -x "$bin/secrets-store-csi-driver" && -x "$bin/registrar" && -x "$bin/livenessprobe" && -d "$bin/crds" && -d "$bin/chart" ]]; then
  log "reusing cached binaries in $bin"
  echo "$bin"
  exit 0
fi

rm -rf "$bin.tmp" && mkdir -p "$bin.tmp/crds"
# The pinned driver module's source. `go list -m` names its directory only once the module is in the module
# cache (an empty .Dir otherwise, which broke the cold build), so download it first.
go mod download sigs.k8s.io/secrets-store-csi-driver
driver_dir=$(go list -m -f '{{.Dir}}' sigs.k8s.io/secrets-store-csi-driver)
if [[ -z "$driver_dir" || ! -d "$driver_dir/config/crd/bases" ]]; then
  log "sigs.k8s.io/secrets-store-csi-driver $driver_version is not in the module cache ($GOMODCACHE) after go mod download"
  exit 1
fi
# The driver's own CRDs (SecretProviderClass, SecretProviderClassPodStatus), from the pinned module.
cp "$driver_dir"/config/crd/bases/*.yaml "$bin.tmp/crds/"
# ... and its Helm chart, which the end-to-end tests install it with, as users do.
cp -r "$driver_dir"/charts/secrets-store-csi-driver "$bin.tmp/chart" && chmod -R u+w "$bin.tmp/chart"
started=$SECONDS
log "building secrets-store-csi-driver $driver_version and the registrar (cold: about 3 min on 2 cores)"
go build -ldflags "-s -w -X sigs.k8s.io/secrets-store-csi-driver/pkg/version.BuildVersion=$driver_version" \
  -o "$bin.tmp/secrets-store-csi-driver" sigs.k8s.io/secrets-store-csi-driver/cmd/secrets-store-csi-driver
go build -ldflags "-s -w" -o "$bin.tmp/registrar" ./registrar
go build -ldflags "-s -w" -o "$bin.tmp/livenessprobe" ./livenessprobe
rm -rf "$bin" && mv "$bin.tmp" "$bin"
log "built in $((SECONDS - started))s: $bin"
echo "$bin"
