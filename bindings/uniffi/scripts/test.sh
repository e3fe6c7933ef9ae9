#!/usr/bin/env bash
# Builds libjtl_connect_uniffi, generates the Kotlin and Swift bindings from it (library mode,
# with the workspace's own uniffi-bindgen), checks the Swift output, and runs the Kotlin
# JUnit tests against the emulator with Maven. Needs Rust, Java 17+ and Maven; Maven Central
# must be reachable on the first run. Generated sources are build output (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # bindings/uniffi
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
profile_dir="$CARGO_TARGET_DIR/debug"

step() { printf '==> %s\n' "$*"; }

for tool in cargo java mvn; do
    command -v "$tool" >/dev/null || { echo "test.sh: $tool is required" >&2; exit 1; }
done

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64)   platform=linux-x86-64;   lib=libjtl_connect_uniffi.so ;;
    Linux-aarch64)  platform=linux-aarch64;  lib=libjtl_connect_uniffi.so ;;
    Darwin-arm64)   platform=darwin-aarch64; lib=libjtl_connect_uniffi.dylib ;;
    Darwin-x86_64)  platform=darwin-x86-64;  lib=libjtl_connect_uniffi.dylib ;;
    *) echo "test.sh: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

step "cargo build (cdylib, uniffi-bindgen, jtl-emulator)"
(cd "$root" && cargo build --quiet -p jtl-connect-uniffi -p uniffi-bindgen -p jtl-emulator)
library="$profile_dir/$lib"
bindgen="$profile_dir/uniffi-bindgen"
[ -f "$library" ] || { echo "test.sh: $library was not built" >&2; exit 1; }

step "generate Kotlin and Swift (library mode)"
kotlin_out="$here/kotlin/generated"
swift_out="$here/swift/generated"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
# Run from the crate so library mode finds uniffi.toml through cargo metadata.
(cd "$here" && "$bindgen" generate --no-format --library "$library" --language kotlin --out-dir "$fresh/kotlin" >/dev/null)
(cd "$here" && "$bindgen" generate --no-format --library "$library" --language swift --out-dir "$fresh/swift" >/dev/null)
mkdir -p "$fresh/native/$platform"
cp "$library" "$fresh/native/$platform/"
# Replace the previous output only where it changed, so that Kotlin's incremental
# compilation has nothing to do on a warm run.
sync_dir() {
    if ! diff -rq "$1" "$2" >/dev/null 2>&1; then
        rm -rf "$2"; mkdir -p "$(dirname "$2")"; cp -R "$1" "$2"
    fi
}
sync_dir "$fresh/kotlin" "$kotlin_out/kotlin"
sync_dir "$fresh/native" "$kotlin_out/native"
sync_dir "$fresh/swift" "$swift_out"

kotlin_file="$kotlin_out/kotlin/io/github/jtlconnect/jtl_connect_uniffi.kt"
swift_file="$swift_out/JtlConnect.swift"
[ -f "$kotlin_file" ] || { echo "test.sh: $kotlin_file was not generated" >&2; exit 1; }
[ -f "$swift_file" ] || { echo "test.sh: $swift_file was not generated" >&2; exit 1; }
for name in 'open class CloudClient' 'open class Endpoints' 'open class SessionVerifier' \
    'open class WawiClient' 'open class ScxClient' 'open class AccountStore' \
    'open class AccessToken' 'public struct SessionClaims' 'public enum JtlError' \
    'open class AuthorizationCodeClient' 'open class SignIn' 'open class UserGrant' \
    'public func registerWawiApp(' 'public func decodeUnverified(' \
    'func accessTokenAsync() async throws'; do
    grep -qF "$name" "$swift_file" || { echo "test.sh: the generated Swift lacks '$name'" >&2; exit 1; }
done
# The Swift package takes the generated file and the C header from here.
cp "$swift_file" "$here/swift/Sources/JtlConnect/JtlConnect.swift"
cp "$swift_out/JtlConnectFFI.h" "$here/swift/Sources/JtlConnectFFI/include/JtlConnectFFI.h"
echo "Swift: $(grep -c '^open class' "$swift_file") classes generated (no Swift toolchain needed for this check)"

step "mvn install (Kotlin, JUnit 5 tests against the emulator, then the jar)"
export JTL_EMULATOR_BIN="$profile_dir/jtl-emulator"
reports="$here/kotlin/target/surefire-reports"
rm -rf "$reports"
# Maven's console library prints colour resets even with -q -B: strip them.
mvn_quiet() {
    mvn -q -B "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'
    return "${PIPESTATUS[0]}"
}
status=0
(cd "$here/kotlin" && mvn_quiet install) || status=$?

# `mvn -q` hides Surefire's own summary: print it from the reports.
if compgen -G "$reports/*.txt" >/dev/null; then
    echo
    echo "Surefire results:"
    grep -h "Tests run:" "$reports"/*.txt | sed 's/^/  /'
    awk -F'[:,]' '/Tests run:/ { run += $2; fail += $4; err += $6; skip += $8 }
        END { printf "Tests run: %d, Failures: %d, Errors: %d, Skipped: %d\n", run, fail, err, skip }' \
        "$reports"/*.txt
else
    echo "test.sh: no Surefire reports (the build failed before the tests)" >&2
fi
[ "$status" -eq 0 ] || exit "$status"

step "examples/kotlin: list the items of the emulator's demo tenant"
emulator_log="$(mktemp)"
"$JTL_EMULATOR_BIN" --port 0 >"$emulator_log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$emulator_log" "$fresh"' EXIT
url=""
for _ in $(seq 100); do
    url="$(sed -n '1s/^listening on \(http:[^ ]*\).*/\1/p' "$emulator_log")"
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "test.sh: the emulator did not start" >&2; cat "$emulator_log" >&2; exit 1; }
example_out="$fresh/example.out"
(cd "$root/examples/kotlin" && JTL_CLIENT_ID=demo-client-id JTL_CLIENT_SECRET=demo-client-secret \
    JTL_TENANT_ID=00000000-0000-4000-8000-000000000001 JTL_ENVIRONMENT="$url" \
    mvn_quiet compile exec:java -Dexec.args=25 >"$example_out") || { cat "$example_out" >&2; exit 1; }
grep -v '"sKU"' "$example_out" || true
items="$(grep -c '"sKU"' "$example_out" || true)"
[ "$items" -eq 60 ] || { echo "test.sh: examples/kotlin listed $items items, expected 60" >&2; exit 1; }
echo "examples/kotlin listed $items items"
