#!/usr/bin/env bash
# Builds the wasm engine (GOOS=wasip1 reactor) with ESO's template package cut loose from Kubernetes, writing
# it to $1. Used by build.sh (tests, `npm run build:template-engine`) and by the image's Go stage.
#
# ESO's pkg/template/v2 imports its whole ExternalSecret API package (for two string types), client-go and
# controller-runtime (for getSecretKey, which Ferry refuses) and k8s.io/api/core/v1 (for the Secret it writes
# into). text/template calls functions by reflection, so the linker keeps every exported method of every type
# those packages reach: 92 MB of wasm and +250–310 MB RSS (ADR 9). This build swaps them for the stubs under
# stubs/ with a second go.mod (-modfile) that `replace`s:
#   github.com/external-secrets/external-secrets => ESO's own pkg/template/v2 and pkg/feature, copied
#       unchanged from the module cache (go.sum-verified), except kubernetes.go, plus stubs/eso's API types;
#   k8s.io/api => stubs/k8s-api (core/v1.Secret with data, labels and annotations).
# Every template function is ESO's code; the native oracle build.sh makes is ESO's package unmodified, and
# the differential test (src/lib/gotemplate/gotemplate.oracle.test.ts) compares the two byte for byte.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$1")
cd "$here"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath

# Inside the module, at a fixed relative path: `replace` directories resolve against the module root, and the
# binary records them, so a fixed path gives the same bytes in every checkout. One build at a time per
# checkout (build.sh holds a lock; the image's Go stage is alone).
work="$here/.wasm-build"
clean() { if [[ -d "$work" ]]; then chmod -R u+w "$work"; rm -rf "$work"; fi; }
clean
trap clean EXIT
eso=$(go list -mod=readonly -m -f '{{.Dir}}' github.com/external-secrets/external-secrets)
[[ -n "$eso" && -d "$eso/pkg/template/v2" ]] || { echo "build-wasm.sh: ESO's module is not downloaded (go mod download)" >&2; exit 1; }
mkdir -p "$work/eso/pkg/template/v2" "$work/eso/pkg/feature"
cp "$eso/go.mod" "$work/eso/go.mod"
for pkg in pkg/template/v2 pkg/feature; do
  for f in "$eso/$pkg"/*.go; do
    case "$(basename "$f")" in *_test.go | kubernetes.go) ;; *) cp "$f" "$work/eso/$pkg/" ;; esac
  done
done
cp -R stubs/eso/. "$work/eso/"
cp -R stubs/k8s-api "$work/k8s-api"
chmod -R u+w "$work"

cp go.mod "$work/go.mod"
cp go.sum "$work/go.sum"
go mod edit -replace="github.com/external-secrets/external-secrets=./.wasm-build/eso" -replace="k8s.io/api=./.wasm-build/k8s-api" "$work/go.mod"

mkdir -p "$(dirname "$out")"
GOOS=wasip1 GOARCH=wasm go build -modfile="$work/go.mod" -mod=readonly -buildmode=c-shared -ldflags "-s -w" -o "$out" .
