#!/usr/bin/env bash
# Python benchmarks of jtl-connect against PyJWT, requests and httpx (see bench/README.md).
# Creates bench/python/.venv, installs the pinned peers and jtl-connect from ./python in
# RELEASE mode (`maturin develop --release`: never the dev profile of `make test-python`),
# then runs run.py, which prints a table and writes
# bench/python/RESULTS.md. The server is the release `jtl-emulator` binary, run as a child
# process (emulator_process.py).
#
#   bench/python/run.sh                 # everything (~3 min after the build)
#   bench/python/run.sh --quick         # fewer repetitions, for a smoke test
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"      # bench/python/
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
venv="$here/.venv"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# A profile override left in the environment (python/scripts/test.sh sets --profile dev)
# must not reach this build: benchmarks measure the optimised build.
unset MATURIN_PEP517_ARGS

step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$venv/bin/python" ]; then
    step "creating $venv"
    "$python" -c 'import sys; assert sys.version_info >= (3, 9), "Python >= 3.9 needed"'
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"

step "peers (requirements.txt)"
"$py" -m pip install -q -r "$here/requirements.txt"

step "building and installing jtl-connect from $root/python (release)"
# maturin, pinned as for the tests; `maturin develop --release` builds into $CARGO_TARGET_DIR
# (so a rerun rebuilds only what changed) and installs into this venv.
"$py" -m pip install -q maturin==1.16.0
started=$(date +%s)
log="$venv/jtl-connect-build.log"
if ! (cd "$root/python" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
        "$venv/bin/maturin" develop --release >"$log" 2>&1); then
    tail -n 40 "$log" >&2
    exit 1
fi
grep -E 'Finished .* profile' "$log" | tail -n 1 || true
if grep -qE 'Finished `dev` profile' "$log"; then
    echo "error: jtl-connect was built with the dev profile; benchmarks need release" >&2
    exit 1
fi
echo "built and installed in $(( $(date +%s) - started )) s"

step "building the emulator (release): the benchmarks' server, a child process"
(cd "$root" && cargo build --quiet --release -p jtl-emulator)
# emulator_process.py (and jtl_connect.testing.Emulator) run this binary.
export JTL_EMULATOR_BIN="$CARGO_TARGET_DIR/release/jtl-emulator"

step "run.py"
cd "$here"
"$py" run.py "$@"

step "hop.py (issue 19)"
"$py" hop.py "$@"
