#!/usr/bin/env bash
# The browser test of the Accounts Integration page, as `make test-browser` runs it: the
# Node package built from ./node, this example's locked dependencies (playwright-core, which
# drives the system's Chromium; no browser download), then node --test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

chromium="${CHROMIUM_PATH:-$(command -v chromium || true)}"
[ -n "$chromium" ] || { echo "chromium not found: run 'make chromium' (Debian: apt-get install chromium)" >&2; exit 1; }
export CHROMIUM_PATH="$chromium"

if ! ls "$root"/node/*.node >/dev/null 2>&1; then
  (cd "$root/node" && npm ci --loglevel=error && npm run --silent build)
fi
cd "$here"
npm ci --loglevel=error
node --test test/
