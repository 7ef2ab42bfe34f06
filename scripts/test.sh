#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (what CI runs).
#
#   bash scripts/test.sh                 everything, including real Delve/debugpy/Neovim and VS Code
#   bash scripts/test.sh -m "not slow and not vscode"     the fast suite only (after one full install)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --all
export PATH="$PWD/.venv/bin:$PATH"
.venv/bin/python -m ruff check server tests benchmarks schemas
.venv/bin/python -m mypy
(cd server && ../.venv/bin/lint-imports --no-cache ../pyproject.toml)  # import direction: docs/architecture.md
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
