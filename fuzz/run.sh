#!/usr/bin/env bash
# Runs every cargo-fuzz target of jtl-connect for a set time each and prints how many inputs
# each one executed. `make fuzz` calls it; it is not part of `make test`.
#
#   bash fuzz/run.sh                 # every target, 30 s each
#   bash fuzz/run.sh 120             # every target, 120 s each
#   bash fuzz/run.sh 10 jwt_decode   # some targets
#
# No nightly toolchain is needed: the stable one accepts cargo-fuzz's `-Z` flags with
# RUSTC_BOOTSTRAP=1. New inputs go to fuzz/work/<target>/ (ignored by git); the committed
# seeds in fuzz/corpus/<target>/ are only read. A crash leaves its input in
# fuzz/artifacts/<target>/ and makes the script exit 1 after the other targets ran.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
seconds="${1:-${FUZZ_SECONDS:-30}}"
if [[ $# -gt 0 ]]; then shift; fi
case "$seconds" in
  '' | *[!0-9]*) echo "usage: $0 [seconds] [target...]" >&2; exit 2 ;;
esac

# The public API's targets work with any core; the others need core's doc-hidden
# `jtl_connect::__fuzz` module (see docs/reliability.md) and are built once it exists.
public=(jwt_decode session_verify pagination)
hooked=(jwks_parse token_response error_body claims_check)
features=()
available=("${public[@]}")
if grep -q 'pub mod __fuzz' "$root/core/src/lib.rs"; then
  features=(--features core-hooks)
  available+=("${hooked[@]}")
else
  echo "note: core has no jtl_connect::__fuzz yet; skipping ${hooked[*]}" >&2
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${available[@]}"); fi

if ! command -v cargo-fuzz > /dev/null; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# Instrumented builds stay apart from the workspace's own target directory
# (FUZZ_TARGET_DIR to put them elsewhere).
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$here/target}"

cd "$root"
cargo fuzz build "${features[@]}"

mkdir -p "$here/work"
summary="$here/work/summary.md"
{
  echo "| target | seconds | executions | execs/s | corpus | result |"
  echo "|---|---|---|---|---|---|"
} > "$summary"
failed=0
for target in "${targets[@]}"; do
  work="$here/work/$target"
  log="$here/work/$target.log"
  mkdir -p "$work" "$here/corpus/$target"
  echo "== $target: ${seconds}s" >&2
  result=ok
  if ! cargo fuzz run "${features[@]}" "$target" "$work" "$here/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -print_final_stats=1 > "$log" 2>&1; then
    result="CRASH (see $log and fuzz/artifacts/$target/)"
    failed=1
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  execs="${execs:-0}"
  corpus="$(find "$work" -type f | wc -l | tr -d ' ')"
  echo "| $target | $seconds | $execs | $((execs / (seconds > 0 ? seconds : 1))) | $corpus | $result |" >> "$summary"
done
cat "$summary"
exit "$failed"
