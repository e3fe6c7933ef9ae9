#!/usr/bin/env bash
# The browser test of the Accounts Integration page, as `make test-browser` runs it: the
# Node package built from ./node, this example's locked dependencies (playwright-core, which
# drives the system's Chromium, no browser download; axe-core), then node --test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

chromium="${CHROMIUM_PATH:-$(command -v chromium || true)}"
[ -n "$chromium" ] || { echo "chromium not found: run 'make chromium' (Debian: apt-get install chromium)" >&2; exit 1; }
export CHROMIUM_PATH="$chromium"

# Always build the addon (cargo is incremental): a stale one would lack what the page uses.
(cd "$root/node" && { [ -d node_modules ] || npm ci --loglevel=error; } && npm run --silent build)
# startEmulator() runs the emulator binary as a child process: the one just built.
(cd "$root" && cargo build --quiet -p jtl-emulator)
export JTL_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/jtl-emulator"
cd "$here"
npm ci --loglevel=error
# http.test.js: the security rules over raw HTTP; page.test.js: the page in Chromium
# (screenshots to docs/accounts-page-*.png).
node --test test/*.test.js
