#!/usr/bin/env bash
# The Python package's checks, as `make test-python` runs them: on a machine with only
# Python >= 3.9 (venv, pip) and a Rust toolchain, it creates python/.venv, installs the pinned
# test tools and the package itself (built by maturin with the dev profile, in the workspace's
# shared target directory, so the Rust build is reused) and the emulator binary that
# `jtl_connect.testing.Emulator` starts (JTL_EMULATOR_BIN), then runs ruff, stubtest,
# mypy --strict (examples and tests) and pytest.
#
#   python/scripts/test.sh              # everything
#   python/scripts/test.sh -k session   # extra arguments go to pytest
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # python/
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-python3}"
venv="${JTL_PYTHON_VENV:-$here/.venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$venv/bin/python" ]; then
    step "creating $venv"
    "$python" -c 'import sys; assert sys.version_info >= (3, 9), "Python >= 3.9 needed"'
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"
export PATH="$venv/bin:$PATH"   # the maturin build backend runs `maturin` from PATH

step "test tools (requirements-test.txt)"
"$py" -m pip install -q -r "$here/requirements-test.txt"

step "building and installing jtl-connect from $here"
started=$(date +%s)
# maturin comes from requirements-test.txt, hence no build isolation (no download per run).
MATURIN_PEP517_ARGS="--profile dev" \
    "$py" -m pip install -q --no-build-isolation --force-reinstall --no-deps "$here"
echo "built and installed in $(( $(date +%s) - started )) s"

step "building the emulator (jtl_connect.testing.Emulator runs it as a child process)"
# jtl-connect too: a test runs the emulator as `jtl-connect emulator`, as from the CLI tarball.
(cd "$root" && cargo build --quiet -p jtl-emulator -p jtl-connect-cli)
# The binary just built, whatever the environment says (as bindings/uniffi/scripts/test.sh).
export JTL_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/jtl-emulator"

cd "$here"
step "ruff"
"$py" -m ruff check . ../examples/python ../examples/user-signin-fastapi
"$py" -m ruff format --check . ../examples/python ../examples/user-signin-fastapi

step "stubtest"
"$py" -m mypy.stubtest jtl_connect

step "mypy --strict (examples, tests)"
"$py" -m mypy --strict ../examples/python ../examples/user-signin-fastapi tests

step "pytest"
"$py" -m pytest tests "$@"
