#!/usr/bin/env bash
# `make demo`: the Accounts Integration page on the emulator of JTL's servers.
# Builds what it needs, starts the emulator and the page (SQLite in ./.data), prints the
# page's access link (with its token: the page opens only from it) and the demo credentials
# to paste, and stops both on Ctrl-C. JTL_CONNECT_PAGE_TOKEN set beforehand is used as is.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
EMULATOR_PORT="${EMULATOR_PORT:-8787}"
PAGE_PORT="${PAGE_PORT:-8790}"

cargo build -q -p jtl-emulator
(cd node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
(cd examples/accounts-page && npm ci --no-audit --no-fund --loglevel=error --omit=dev)

mkdir -p .data
log=.data/emulator.log
"$CARGO_TARGET_DIR/debug/jtl-emulator" --port "$EMULATOR_PORT" > "$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  grep -q '^listening on' "$log" 2>/dev/null && break
  sleep 0.1
done
url=$(head -1 "$log" | awk '{print $3}')
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$log" >&2; exit 1; }
# The page's access token: without it every /api/ request is 401.
export JTL_CONNECT_PAGE_TOKEN="${JTL_CONNECT_PAGE_TOKEN:-$(node -p "require('node:crypto').randomBytes(24).toString('base64url')")}"

cat <<MSG

  Accounts Integration page:  http://127.0.0.1:$PAGE_PORT/?token=$JTL_CONNECT_PAGE_TOKEN
                              (open this link: it signs the browser in; scripts send
                              Authorization: Bearer $JTL_CONNECT_PAGE_TOKEN)
  JTL emulator:               $url

  Add the demo account: Select "JTL Cloud", then paste
    Account Name   Demo shop
    Client ID      demo-client-id
    Client Secret  demo-client-secret
    Tenant ID      00000000-0000-4000-8000-000000000001
    Environment    $url
  and press the green "Add account" button: the page tests the connection,
  and the account appears under Connected Accounts as "Connected".

  The database is .data/accounts.db (secrets encrypted with .data/accounts.db.key).
  Stop with Ctrl-C.

MSG
JTL_CONNECT_DB="$PWD/.data/accounts.db" PORT="$PAGE_PORT" node examples/accounts-page/server.js
