#!/usr/bin/env bash
# `make test-dist` (after `make dist`): each artifact of dist/ installed and used in a clean
# place, as a user without Rust would: a copy of dist/ in a temporary directory, an
# environment emptied (PATH without cargo or rustc, HOME in the temporary directory) and,
# where the kernel allows (root: a network namespace with only loopback), no network.
# Package managers work offline from their caches: pip --no-index (the wheel has no
# dependencies), npm --offline (typescript and @types/node are in npm's cache from `npm ci`
# in node/), Maven -o (Kotlin's stdlib, JNA and the plugins in ~/.m2 from the jar's build).
# The checks themselves are scripts/dist/smoke-inner.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dist="${DIST_DIR:-$root/dist}"
[ -f "$dist/SHA256SUMS" ] || { echo "smoke: $dist/SHA256SUMS missing: run make dist first" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/jtl-connect-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$dist" "$work/dist"
cp "$root/scripts/dist/smoke-inner.sh" "$work/"
mkdir "$work/home"

# The tools a user has, found before PATH is emptied: Python, Node/npm, Java/Maven.
python="$(python3 -c 'import sys; print(sys.executable)')"
path="$(dirname "$python")"
for tool in node npm java mvn tar sha256sum; do
    dir="$(dirname "$(command -v "$tool")")" || { echo "smoke: $tool not found" >&2; exit 1; }
    case ":$path:" in *":$dir:"*) ;; *) path="$path:$dir" ;; esac
done
path="$path:/usr/bin:/bin"
lock="$root/node/package-lock.json"
typescript="$(node -p "require('$lock').packages['node_modules/typescript'].version")"
types_node="$(node -p "require('$lock').packages['node_modules/@types/node'].version")"

# A network namespace has only a loopback interface, down until this brings it up.
netns=()
if unshare --net /bin/true 2>/dev/null && command -v ip >/dev/null; then
    ip="$(command -v ip)"
    netns=(unshare --net -- /bin/sh -c "$ip link set lo up && exec \"\$@\"" sh)
else
    echo "smoke: no network namespace here (not root?); offline by the package managers' flags only"
fi

started=$SECONDS
env -i HOME="$work/home" PATH="$path" LANG=C.UTF-8 TMPDIR="$work" \
    NPM_CONFIG_CACHE="$(npm config get cache)" \
    SMOKE_PYTHON="$python" SMOKE_TYPESCRIPT="$typescript" SMOKE_TYPES_NODE="$types_node" \
    SMOKE_MAVEN_CACHE="${MAVEN_REPOSITORY:-$HOME/.m2/repository}" SMOKE_NETNS="${#netns[@]}" \
    "${netns[@]}" bash "$work/smoke-inner.sh"
echo "smoke: done in $((SECONDS - started)) s"
