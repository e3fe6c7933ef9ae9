#!/usr/bin/env bash
# Runs the example against the emulator of JTL's servers: builds the emulator and the Node
# package (from ./node), installs the example's locked dependencies, starts the emulator and
# the app, and prints the URL to open. Stop with Ctrl-C. PORT (default 3000) and
# EMULATOR_PORT (default 8787) choose the ports.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

(cd "$root" && cargo build -q -p jtl-emulator)
(cd "$root/node" && { [ -d node_modules ] || npm ci --loglevel=error; } && npm run --silent build)
(cd "$here" && npm ci --loglevel=error --omit=dev)

data="$(mktemp -d)"
log="$data/emulator.log"
"$CARGO_TARGET_DIR/debug/jtl-emulator" --port "${EMULATOR_PORT:-8787}" >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$data"' EXIT INT TERM
url=""
for _ in $(seq 100); do
  url="$(sed -n '1s/^listening on \(http:[^ ]*\).*/\1/p' "$log")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$log" >&2; exit 1; }
echo "JTL emulator: $url (its sign-in page lists the demo users)"
cd "$here"
JTL_CLIENT_ID=demo-client-id JTL_CLIENT_SECRET=demo-client-secret JTL_ENVIRONMENT="$url" \
  JTL_CONNECT_DB="$data/accounts.db" JTL_CONNECT_MASTER_KEY="$(head -c 32 /dev/urandom | base64)" \
  PORT="${PORT:-3000}" node server.js
