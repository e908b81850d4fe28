#!/usr/bin/env bash
# Regenerates imports/ from the pinned CRD files in ../shared (for machines without internet).
# `npm run import` does the same from the upstream URLs named in cdk8s.yaml.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "${SHARED_DIR:-$root/../shared}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The external-secrets bundle holds three CRDs; we use only ExternalSecret (its own file upstream).
awk '/^---/{doc++; next} doc==1' "$shared/crds/external-secrets-1.3.2.yaml" > "$tmp/externalsecrets.yaml"
grep -q '^  name: externalsecrets.external-secrets.io$' "$tmp/externalsecrets.yaml"
# Run from the temporary folder: `cdk8s import` would otherwise add these local paths to cdk8s.yaml.
cd "$tmp"
"$root/node_modules/.bin/cdk8s" import "istio:=$shared/crds/istio-1.19.10.yaml" --language typescript --output "$root/imports"
"$root/node_modules/.bin/cdk8s" import "external-secrets:=$tmp/externalsecrets.yaml" --language typescript --output "$root/imports"
