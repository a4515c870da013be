#!/usr/bin/env bash
# Builds the node components (kubelet, kube-scheduler, kube-proxy, kubectl) of the same pinned Kubernetes as
# build.sh, from the same wrapper module (go.mod lists them as tools), into a cache directory keyed by
# versions; reuses them when present. Prints the bin directory on its last line. The end-to-end tests run
# them on a real node inside a network namespace (test/env/node/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}
K8S_VERSION=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
K8S_VERSION=${K8S_VERSION#v}

log() { printf '[k8s-node-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

targets=(kubelet kube-scheduler kube-proxy kubectl)
bin="$cache_root/k8s-node-bin/v$K8S_VERSION-$(go env GOVERSION)"
ready=1
for t in "${targets[@]}"; do [[ -x "$bin/$t" ]] || ready=0; done
if [[ $ready == 1 ]] && "$bin/kubelet" --version 2>/dev/null | grep -q "v$K8S_VERSION"; then
  log "reusing cached binaries in $bin"
  echo "$bin"
  exit 0
fi

mkdir -p "$bin.tmp"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $pkg.gitTreeState=clean"
go mod download
for target in "${targets[@]}"; do
  log "building $target (shares most packages with the control plane; cold about 5-10 min in all)"
  started=$SECONDS
  go build -ldflags "$ldflags" -o "$bin.tmp/$target" "k8s.io/kubernetes/cmd/$target"
  log "built $target in $((SECONDS - started))s"
done
rm -rf "$bin" && mv "$bin.tmp" "$bin"
log "binaries ready in $bin"
echo "$bin"
