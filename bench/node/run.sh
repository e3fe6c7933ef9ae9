#!/usr/bin/env bash
# Node benchmarks of jtl-connect against jose, fetch, undici and graphql-request (see bench/README.md).
# Installs the locked dependencies (jose; jtl-connect linked from ../../node), builds the
# addon in RELEASE (`npm run build:release` in node/: ~5 min the first time, a few seconds
# when nothing changed) and the release `jtl-emulator` binary (hop.mjs's server), then runs
# run.mjs, which prints a table and writes bench/node/RESULTS.md, graphql_walk.mjs and
# hop.mjs, which add their sections.
#
#   bench/node/run.sh            # everything (~3 min after the build)
#   bench/node/run.sh --quick    # fewer repetitions, for a smoke test
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"      # bench/node/
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

step() { printf '\n== %s\n' "$*"; }

command -v node >/dev/null || { echo "node not found: install Node >= 20" >&2; exit 1; }

step "dependencies (package-lock.json)"
(cd "$here" && npm install --no-audit --no-fund)

step "building the addon in node/ (release)"
if [ ! -x "$root/node/node_modules/.bin/napi" ]; then
    (cd "$root/node" && npm ci --no-audit --no-fund)     # the locked napi-rs CLI
fi
started=$(date +%s)
log="$here/node_modules/.jtl-connect-build.log"
if ! (cd "$root/node" && npm run build:release) >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    exit 1
fi
grep -E 'Finished .* profile' "$log" | tail -n 1 || true
echo "built in $(( $(date +%s) - started )) s"

step "building the emulator binary (release; startEmulator() and hop.mjs run it as a child process)"
if ! (cd "$root" && cargo build --release -p jtl-emulator) >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    exit 1
fi
export JTL_EMULATOR_BIN="$CARGO_TARGET_DIR/release/jtl-emulator"

step "run.mjs"
cd "$here"
node --expose-gc run.mjs "$@"

step "graphql_walk.mjs"
node graphql_walk.mjs

step "hop.mjs (issue 19)"
node --expose-gc hop.mjs "$@"
