#!/usr/bin/env bash
# Idempotent install of code-server 4.100.3 (VS Code 1.100.3 in the browser) for the end-to-end
# tests of the VS Code extension (tests/vscode). Works offline from GitHub: only the npm registry
# is needed.
#
# usage: scripts/setup-code-server.sh [DEST]      (default DEST: .cache/code-server in the repo)
# needs: apt-get install -y libkrb5-dev ripgrep build-essential python3   (+ chromium for the tests)
#
# Workarounds (see ../shared/research/feasibility.md §5a):
#  1. 4.100.3 is the newest code-server whose postinstall accepts Node 20 (4.103+ want 22).
#  2. kerberos builds natively: needs libkrb5-dev (its prebuild download from github.com fails).
#  3. node-pty's postinstall runs `npx node-gyp`; an npmrc with `yes=false` cancels it ->
#     npm_config_yes=true.
#  4. @vscode/ripgrep's postinstall downloads rg from api.github.com; it first looks for a cached
#     tarball under $TMPDIR/vscode-ripgrep-cache-<ver>/ -> seed it with Debian's rg.
# The XDG_* directories code-server writes to are set by the test harness (tests/vscode/cs.py),
# so nothing lands in ~/.config or ~/.local.
set -euo pipefail
VERSION=4.100.3
RG_PKG_VERSION=1.15.11
RG_VERSION=v13.0.0-10
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$HERE/.cache/code-server}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
BIN="$DEST/node_modules/.bin/code-server"
# keep `code-server --version` from writing ~/.config/code-server/config.yaml
export XDG_CONFIG_HOME="$DEST/xdg/config" XDG_DATA_HOME="$DEST/xdg/data" XDG_CACHE_HOME="$DEST/xdg/cache"

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "^$VERSION "; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi

for tool in node npm rg; do
  command -v "$tool" >/dev/null || { echo "setup-code-server: '$tool' not found (apt-get install -y nodejs npm ripgrep)" >&2; exit 2; }
done
if [ ! -e /usr/include/gssapi/gssapi.h ] && [ ! -e /usr/include/gssapi.h ]; then
  echo "setup-code-server: kerberos headers missing: apt-get install -y libkrb5-dev" >&2
  exit 2
fi
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
if [ "$NODE_MAJOR" != 20 ]; then
  echo "setup-code-server: code-server $VERSION needs Node 20, found $(node --version)" >&2
  exit 2
fi

TMP="$DEST/tmp"
mkdir -p "$TMP"
RGCACHE="$TMP/vscode-ripgrep-cache-$RG_PKG_VERSION"
mkdir -p "$RGCACHE"
RG=$(command -v rg)
tar czf "$RGCACHE/ripgrep-$RG_VERSION-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$RG")" "$(basename "$RG")"

cd "$DEST"
[ -f package.json ] || echo '{"name":"skaffold-ls-code-server","private":true}' > package.json
TMPDIR="$TMP" npm_config_yes=true npm_config_unsafe_perm=true \
  npm install --no-audit --no-fund --unsafe-perm "code-server@$VERSION"
"$BIN" --version
