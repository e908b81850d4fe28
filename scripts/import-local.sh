#!/usr/bin/env bash
# Regenerates imports/ from the pinned files in ../shared (for machines without internet): the
# classes (cdk8s import) and the schema data in imports/schemas/ (scripts/import-schemas.js).
# `npm run import` does the same from the upstream URLs named in cdk8s.yaml and import-schemas.js.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "${SHARED_DIR:-$root/../shared}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Upstream keeps one CRD per file for external-secrets and cert-manager; the pinned bundles hold
# several. Take the one each import uses: ExternalSecret, and cert-manager's Certificate.
take() { # <bundle> <crd name> <out>
  awk -v want="$2" '
    /^---/ { if (doc != "" && found) printf "%s", doc; doc = ""; found = 0; next }
    { doc = doc $0 "\n"; if ($0 == "  name: " want) found = 1 }
    END { if (found) printf "%s", doc }' "$1" > "$3"
  grep -q "^  name: $2\$" "$3"
}
take "$shared/crds/external-secrets-1.3.2.yaml" externalsecrets.external-secrets.io "$tmp/externalsecrets.yaml"
take "$shared/crds/cert-manager-1.21.1.yaml" certificates.cert-manager.io "$tmp/certificates.yaml"
# Run from the temporary folder: `cdk8s import` would otherwise add these local paths to cdk8s.yaml.
cd "$tmp"
import() { "$root/node_modules/.bin/cdk8s" import "$1" --language typescript --output "$root/imports"; }
import "istio:=$shared/crds/istio-1.30.3.yaml"
import "external-secrets:=$tmp/externalsecrets.yaml"
import "cert-manager:=$tmp/certificates.yaml"
node "$root/scripts/import-schemas.js" --local "$shared"
