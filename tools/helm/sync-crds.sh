#!/usr/bin/env bash
# Copies the generated CRDs (deploy/crds, from `npm run generate:crds`, the source of truth) into the chart's
# files/crds/ directory, which templates/crds.yaml renders behind `installCRDs`. Templates, not the chart's
# crds/ directory: Helm installs crds/ once and never upgrades it, so a schema change would never reach a
# cluster through `helm upgrade`. Copies rather than symlinks because `helm package` and chart repositories
# need real files; test/integration/deploy/chart.test.ts fails when the copies drift, naming this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/deploy/chart/ferry/files/crds"
mkdir -p "$dest"
rm -f "$dest"/*.yaml
cp "$root"/deploy/crds/*.yaml "$dest"/
ls "$dest"
