#!/usr/bin/env bash
# `make dist`: everything a user installs on linux x86_64, without Rust, into dist/:
#   dist/python/  the abi3 manylinux2014 wheel and the sdist
#   dist/npm/     jtl-connect and jtl-connect-linux-x64-gnu (napi-rs's layout)
#   dist/maven/   io.github.jtlconnect:jtl-connect (jar, sources jar, pom) as a repository folder
#   dist/cli/     the jtl-connect binary with shell completions, as a tarball
#   dist/SHA256SUMS
# Other platforms: .github/workflows/release.yml. Tested by scripts/dist/smoke.sh.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
started=$SECONDS
here="$root/scripts/dist"

# One cargo run for the three crates cargo builds directly (env.sh); the per-artifact scripts
# below then find them built.
step "release build: addon, JVM library, CLI (x86_64-unknown-linux-gnu, glibc $glibc)"
release_build

bash "$here/node.sh"
bash "$here/cli.sh"
bash "$here/jvm.sh"
bash "$here/python.sh"

step "SHA256SUMS"
(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort |
    xargs sha256sum >SHA256SUMS)

# Sizes of what a user downloads and of the native code inside (README "Sizes").
(
    cd "$dist"
    kib() { echo "$(( ($(stat -c %s "$1") + 1023) / 1024 )) KiB"; }
    printf '%-70s %s\n' "file" "size"
    for f in python/*.whl python/*.tar.gz npm/*.tgz maven/io/github/jtlconnect/jtl-connect/*/*.jar cli/*.tar.gz; do
        printf '%-70s %s\n' "$f" "$(kib "$f")"
    done
    for f in "$release_dir/lib_native.so" "$release_dir/libjtl_connect_node.so" \
        "$release_dir/libjtl_connect_uniffi.so" "$release_dir/jtl-connect"; do
        printf '%-70s %s\n' "native: $(basename "$f") (stripped)" "$(kib "$f")"
    done
) | tee "$CARGO_TARGET_DIR/dist-sizes.txt"
# The native libraries users load: at most 6.5 MB each (issue 17: half of the unstripped
# 12-13 MB they were). The CLI binary is not held to it (it carries the emulator).
limit=6500000
for f in lib_native.so libjtl_connect_node.so libjtl_connect_uniffi.so; do
    size="$(stat -c %s "$release_dir/$f")"
    [ "$size" -le "$limit" ] || die "$f is $size bytes, more than the $limit allowed (README \"Sizes\")"
done
echo "dist: built in $((SECONDS - started)) s"
