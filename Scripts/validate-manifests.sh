#!/usr/bin/env bash
# Validates deploy/kubernetes/*.yaml offline (strict: unknown fields are errors) against a pinned
# Kubernetes version's schemas, with kubernetes-validate from PyPI in a venv under .build.
#   Scripts/validate-manifests.sh            validate (exit 3 when the validator is not installed)
#   Scripts/validate-manifests.sh --install  install the validator first if missing (CI does this)
#   Scripts/validate-manifests.sh FILE…      validate these files instead
# FleetManifestTests runs the validator the same way, and skips, saying why, without the venv.
set -euo pipefail
cd "$(dirname "$0")/.."
KUBERNETES_VERSION=1.30.0
VALIDATOR_VERSION=1.37.0
venv=.build/kubernetes-validate
if [ "${1:-}" = "--install" ]; then
  shift
  if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "kubernetes-validate==$VALIDATOR_VERSION"
  fi
fi
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  echo "kubernetes-validate is not installed in $venv: run $0 --install" >&2
  exit 3
fi
[ $# -gt 0 ] || set -- deploy/kubernetes/*.yaml
exec "$venv/bin/kubernetes-validate" --kubernetes-version "$KUBERNETES_VERSION" --strict --no-warn "$@"
