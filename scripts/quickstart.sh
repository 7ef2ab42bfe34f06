#!/usr/bin/env bash
# Install skaffold-ls and run it on the bundled example, which has mistakes in it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo
echo "$ .venv/bin/skaffold-ls check --severity info examples/go-ko-helm/skaffold.yaml"
set +e
.venv/bin/skaffold-ls check --severity info examples/go-ko-helm/skaffold.yaml
status=$?
set -e
echo "(exit status $status: 1 means errors were found, as intended in this example)"
if .venv/bin/skaffold-ls launch-config --help >/dev/null 2>&1; then
  echo
  echo "$ .venv/bin/skaffold-ls launch-config --workspace examples/go-ko-helm"
  .venv/bin/skaffold-ls launch-config --workspace examples/go-ko-helm || true
fi
[ "$status" = 1 ]
