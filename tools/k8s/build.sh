#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and etcd from Go modules into a cache directory
# keyed by versions, and reuses them when present. Prints the bin directory on its last line.
#
#   tools/k8s/build.sh               build (or reuse) the pinned versions
#   tools/k8s/build.sh --regenerate  re-derive go.mod from upstream's go.mod for K8S_VERSION
#
# Why a wrapper module: k8s.io/kubernetes requires its staging modules at v0.0.0 and maps them with
# replace lines, which `go install pkg@version` refuses (kubernetes/kubernetes#79384). The replace
# lines here are generated from upstream's own go.mod, never maintained by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

K8S_VERSION=${K8S_VERSION:-1.35.4}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
cache_root=${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$cache_root/gomod} GOCACHE=${GOCACHE_OVERRIDE:-$cache_root/gobuild}

log() { printf '[k8s-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${1:-}" == "--regenerate" ]]; then
  staging="v0.${K8S_VERSION#1.}"
  log "regenerating go.mod for k8s.io/kubernetes v$K8S_VERSION (staging $staging)"
  rm -f go.mod go.sum
  go mod init ferry.invalid/tools/k8s >/dev/null 2>&1
  upstream=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')
  for m in $(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$upstream"); do
    go mod edit -replace="$m=$m@$staging"
  done
  # Same language version as upstream, so the binaries get upstream's GODEBUG defaults.
  go mod edit -go="$(awk '$1 == "go" {print $2}' "$upstream")"
  go get "k8s.io/kubernetes@v$K8S_VERSION"
  # etcd at exactly the version Kubernetes pins for its client.
  etcd_version=$(awk '$1 == "go.etcd.io/etcd/client/v3" {print $2; exit}' "$upstream")
  go get "go.etcd.io/etcd/server/v3@$etcd_version"
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION"
  go mod tidy
  log "go.mod regenerated; commit tools/k8s/go.mod and go.sum"
fi

etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
bin="$cache_root/k8s-bin/v$K8S_VERSION-etcd$etcd_version-$(go env GOVERSION)"
if [[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" && -x "$bin/etcd" ]] \
   && "$bin/kube-apiserver" --version 2>/dev/null | grep -q "v$K8S_VERSION"; then
  log "reusing cached binaries in $bin"
  echo "$bin"
  exit 0
fi

mkdir -p "$bin.tmp"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $pkg.gitTreeState=clean"
log "downloading modules (cold: ~1 GB)"
go mod download
for target in etcd kube-apiserver kube-controller-manager; do
  case $target in
    etcd) path=./etcd ;;
    *) path=k8s.io/kubernetes/cmd/$target ;;
  esac
  log "building $target (cold: the whole control plane takes about 10 min on 2 cores)"
  started=$SECONDS
  # -v prints each package as it compiles, so a long cold build shows progress.
  go build -v -ldflags "$ldflags" -o "$bin.tmp/$target" "$path" 2>&1 | awk -v t="$target" 'NR % 200 == 0 { printf "[k8s-build] %s: %d packages compiled\n", t, NR > "/dev/stderr" }'
  log "built $target in $((SECONDS - started))s"
done
rm -rf "$bin" && mv "$bin.tmp" "$bin"
log "binaries ready in $bin"
echo "$bin"
