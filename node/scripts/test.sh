#!/usr/bin/env bash
# The Node package's suite, as `make test-node` and CI run it on a fresh machine with
# Node 20+, npm and Rust: install the locked dev tools, build the addon and the emulator
# binary that startEmulator() runs (debug, in the workspace's shared target directory; it
# exports JTL_EMULATOR_BIN), run every test with node's own runner.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd .. && pwd)/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

command -v node >/dev/null || { echo "node not found: install Node.js 20 or newer" >&2; exit 1; }
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "Node.js $(node --version) found; the build tools need Node.js 20 or newer" >&2
  exit 1
fi

start=$SECONDS
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
# startEmulator() runs the emulator binary as a child process: the one just built, whatever
# the environment says (as bindings/uniffi/scripts/test.sh).
cargo build --quiet -p jtl-emulator
export JTL_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/jtl-emulator"
echo "node: installed and built in $((SECONDS - start)) s"

node --test test/*.test.js test/*.test.mjs
echo "node: done in $((SECONDS - start)) s"
