#!/usr/bin/env bash
# Builds the Secrets Store CSI driver (sigs.k8s.io/secrets-store-csi-driver, pinned in go.mod) and Ferry's
# plugin registrar into a cache directory keyed by this module's content, and reuses them when present.
# Prints the bin directory on its last line.
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
key=$(cat go.mod go.sum mlog/* registrar/* | sha256sum | cut -c1-12)
bin="$cache_root/csi-bin/$driver_version-$key-$(go env GOVERSION)"
if [[ -x "$bin/secrets-store-csi-driver" && -x "$bin/registrar" && -d "$bin/crds" ]]; then
  log "reusing cached binaries in $bin"
  echo "$bin"
  exit 0
fi

rm -rf "$bin.tmp" && mkdir -p "$bin.tmp/crds"
# The driver's own CRDs (SecretProviderClass, SecretProviderClassPodStatus), from the pinned module.
cp "$(go list -m -f '{{.Dir}}' sigs.k8s.io/secrets-store-csi-driver)"/config/crd/bases/*.yaml "$bin.tmp/crds/"
[[ -x "$bin/secrets-store-csi-driver" ]] && cp "$bin/secrets-store-csi-driver" "$bin/registrar" "$bin.tmp/"
started=$SECONDS
log "building secrets-store-csi-driver $driver_version and the registrar (cold: about 3 min on 2 cores)"
[[ -x "$bin.tmp/secrets-store-csi-driver" ]] || go build -ldflags "-s -w -X sigs.k8s.io/secrets-store-csi-driver/pkg/version.BuildVersion=$driver_version" \
  -o "$bin.tmp/secrets-store-csi-driver" sigs.k8s.io/secrets-store-csi-driver/cmd/secrets-store-csi-driver
[[ -x "$bin.tmp/registrar" ]] || go build -ldflags "-s -w" -o "$bin.tmp/registrar" ./registrar
rm -rf "$bin" && mv "$bin.tmp" "$bin"
log "built in $((SECONDS - started))s: $bin"
echo "$bin"
