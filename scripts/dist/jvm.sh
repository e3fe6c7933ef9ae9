#!/usr/bin/env bash
# dist/maven: io.github.jtlconnect:jtl-connect as a Maven repository folder: the jar (the
# Kotlin bindings and the release, stripped libjtl_connect_uniffi.so under JNA's
# linux-x86-64/ resource folder), its sources jar and pom (bindings/uniffi/kotlin/pom.xml,
# profile `dist`).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

step "jvm: release library, Kotlin bindings, jar and sources jar"
release_build
library="$release_dir/libjtl_connect_uniffi.so"
check_glibc "$library"
size="$(stat -c %s "$library")"
[ "$size" -lt $((25 * 1024 * 1024)) ] || die "$library is $size bytes, more than 25 MB"

# uniffi-bindgen reads the interface from the library's metadata symbols, which the stripped
# release library no longer has: it reads the (host, debug) build of the same sources.
cargo build --quiet -p jtl-connect-uniffi -p uniffi-bindgen
work="$CARGO_TARGET_DIR/dist-jvm"
rm -rf "$work/generated" && mkdir -p "$work/generated/native/linux-x86-64"
(cd "$root/bindings/uniffi" && "$CARGO_TARGET_DIR/debug/uniffi-bindgen" generate --no-format \
    --library "$CARGO_TARGET_DIR/debug/libjtl_connect_uniffi.so" --language kotlin \
    --out-dir "$work/generated/kotlin" >/dev/null)
cp "$library" "$work/generated/native/linux-x86-64/"

out="$dist/maven"
rm -rf "$out" && mkdir -p "$out"
# The tests ran against the same sources in test.sh (make test-kotlin); the jar's own check
# is the offline smoke test.
(cd "$root/bindings/uniffi/kotlin" && mvn -q -B -Pdist -DskipTests -Dmaven.install.skip=true \
    -Duniffi.generated="$work/generated" -Djtl.build.directory="$work/target" \
    -DaltDeploymentRepository="dist::file://$out" deploy 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'
    exit "${PIPESTATUS[0]}")
jar="$out/io/github/jtlconnect/jtl-connect/$version/jtl-connect-$version.jar"
[ -f "$jar" ] && [ -f "${jar%.jar}-sources.jar" ] || die "no jar and sources jar in $out"
unzip -l "$jar" linux-x86-64/libjtl_connect_uniffi.so >/dev/null || die "$jar lacks linux-x86-64/libjtl_connect_uniffi.so"
find "$out" -name '*.jar' -exec ls -l {} +
