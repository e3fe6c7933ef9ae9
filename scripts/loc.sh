#!/usr/bin/env bash
# Lines of Rust in the bindings against the core (issue 16: bindings at most 0.75x core).
# Counts non-blank lines that are not `//` comments (doc comments included in "comments").
set -euo pipefail
cd "$(dirname "$0")/.."
count() { find "$@" -name '*.rs' -print0 | xargs -0 cat | grep -v '^\s*$' | grep -cv '^\s*//' ; }
core=$(count core/src)
py=$(count python/src); node=$(count node/src); uni=$(count bindings/uniffi/src)
bind=$((py + node + uni))
printf 'core/src             %6d\n' "$core"
printf 'python/src           %6d\nnode/src             %6d\nbindings/uniffi/src  %6d\n' "$py" "$node" "$uni"
printf 'bindings total       %6d\n' "$bind"
awk -v b="$bind" -v c="$core" 'BEGIN { printf "ratio                %6.3fx (target <= 0.75x)\n", b / c }'
