#!/usr/bin/env bash
# Copies the generated CRDs (deploy/crds, from `npm run generate:crds`) into the chart's crds/ directory.
# The chart keeps copies rather than symlinks because `helm package` and chart repositories need real files;
# test/integration/deploy/chart.test.ts fails when the copies drift, naming this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/deploy/chart/ferry/crds"
mkdir -p "$dest"
rm -f "$dest"/*.yaml
cp "$root"/deploy/crds/*.yaml "$dest"/
ls "$dest"
