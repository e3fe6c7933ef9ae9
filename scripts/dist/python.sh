#!/usr/bin/env bash
# dist/python: the abi3 wheel for manylinux2014 (CPython 3.9+, glibc 2.17+), stripped, built
# by maturin with zig as C compiler and linker (env.sh), and the sdist.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

step "python: wheel (abi3, manylinux2014) and sdist"
out="$dist/python"
rm -rf "$out" && mkdir -p "$out"
# The workspace's release profile (strip, fat LTO); --compatibility makes maturin's own
# auditwheel check refuse any symbol newer than glibc 2.17.
"${nice_build[@]}" maturin build --quiet --release --target "$target" --compatibility manylinux2014 \
    -m "$root/python/Cargo.toml" --out "$out"
maturin sdist -m "$root/python/Cargo.toml" --out "$out"
wheel="$(ls "$out"/*.whl)"
case "$wheel" in
    *-cp39-abi3-manylinux_2_17_x86_64*.whl | *-cp39-abi3-manylinux2014_x86_64*.whl) ;;
    *) die "unexpected wheel tag: $wheel" ;;
esac
check_glibc "$release_dir/lib_native.so"
ls -l "$out"
