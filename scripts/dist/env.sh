# Sourced by the scripts/dist/*.sh builders: the pinned tools (maturin, zig) in a venv under
# the target directory, and zig as C compiler and linker for x86_64-unknown-linux-gnu against
# glibc 2.17 (manylinux2014), so every Linux artifact runs on any distribution since 2014
# whatever glibc this machine has. Every build goes through the same wrappers, so the
# dependencies compile once for the wheel, the addon, the JVM library and the CLI.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
dist="${DIST_DIR:-$root/dist}"
target=x86_64-unknown-linux-gnu
glibc=2.17
# Where cargo writes the release artifacts of that target.
release_dir="$CARGO_TARGET_DIR/$target/release"
tools="$CARGO_TARGET_DIR/dist-tools"
# Release builds are long; on a shared machine they should not starve the interactive ones.
nice_build=(nice -n 10)
# The addon, the JVM library and the CLI are always built together: cargo unifies the
# dependencies' features over the packages of one run, so building one of them alone would
# compile (and link) again with another feature set.
release_build() {
    "${nice_build[@]}" cargo build --quiet --release --target "$target" \
        -p jtl-connect-node -p jtl-connect-uniffi -p jtl-connect-cli
}
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"

step() { printf '\n== dist: %s\n' "$*"; }
die() { echo "dist: $*" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) die "make dist builds the linux x86_64 artifacts; other platforms are built by .github/workflows/release.yml" ;;
esac

if [ ! -x "$tools/bin/maturin" ] || ! cmp -s "$root/scripts/dist/requirements.txt" "$tools/requirements.txt"; then
    step "tools: maturin and zig (scripts/dist/requirements.txt)"
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q --disable-pip-version-check -r "$root/scripts/dist/requirements.txt"
    cp "$root/scripts/dist/requirements.txt" "$tools/requirements.txt"
fi
export PATH="$tools/bin:$PATH"

# maturin's `zig cc` front end fixes up the flags rustc and the cc crate pass (as
# cargo-zigbuild does); zig itself comes from the ziglang package.
export CARGO_ZIGBUILD_ZIG_COMMAND="$tools/bin/python3" CARGO_ZIGBUILD_ZIG_COMMAND_ARGS="-m ziglang"
zig_dir="$tools/zig"
mkdir -p "$zig_dir"
write_wrapper() {   # name, command...
    local file="$zig_dir/$1"; shift
    local body
    body="$(printf '#!/bin/sh\nexec %s "$@"\n' "$*")"
    [ "$(cat "$file" 2>/dev/null)" = "$body" ] || { printf '%s\n' "$body" >"$file"; chmod +x "$file"; }
}
write_wrapper cc "$tools/bin/maturin zig cc -- -g -fno-sanitize=all -target x86_64-linux-gnu.$glibc"
write_wrapper c++ "$tools/bin/maturin zig c++ -- -g -fno-sanitize=all -target x86_64-linux-gnu.$glibc"
write_wrapper ar "$tools/bin/maturin zig ar --"
write_wrapper ranlib "$tools/bin/maturin zig ranlib --"
export CC_x86_64_unknown_linux_gnu="$zig_dir/cc" CXX_x86_64_unknown_linux_gnu="$zig_dir/c++"
export AR_x86_64_unknown_linux_gnu="$zig_dir/ar" RANLIB_x86_64_unknown_linux_gnu="$zig_dir/ranlib"
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$zig_dir/cc"

# The bundled SQLite without the extensions libsqlite3-sys compiles in by default and the
# account store never uses (full-text search FTS3/FTS5, R*Tree, JSON functions, the dbstat
# table, STAT4 planner statistics, soundex): they are registered at start-up, so the linker
# cannot drop them, and they were ~0.35 MiB of every native artifact. `-U` undoes
# libsqlite3-sys's `-D` (its flags come first); SQLITE_OMIT_JSON because JSON is built in
# since 3.38. Dev and test builds keep the default SQLite (the store's SQL is the same).
export LIBSQLITE3_FLAGS="-USQLITE_ENABLE_FTS3 -USQLITE_ENABLE_FTS3_PARENTHESIS -USQLITE_ENABLE_FTS5 \
-USQLITE_ENABLE_RTREE -USQLITE_ENABLE_DBSTAT_VTAB -USQLITE_ENABLE_STAT4 -USQLITE_SOUNDEX \
-DSQLITE_OMIT_JSON"

# With `panic = "abort"` (the release profile) nothing unwinds, so Rust code needs no unwind
# tables: -0.4 MiB of `.eh_frame` per artifact. Only std (prebuilt) and the C parts keep theirs,
# enough for a debugger's backtrace.
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C force-unwind-tables=no"

# The newest glibc symbol version a built file needs (must stay <= $glibc).
max_glibc() {
    objdump -T "$1" | sed -n 's/.*GLIBC_\([0-9.]*\).*/\1/p' | sort -uV | tail -1
}
check_glibc() {
    local need
    need="$(max_glibc "$1")"
    [ -z "$need" ] || [ "$(printf '%s\n%s\n' "$need" "$glibc" | sort -V | tail -1)" = "$glibc" ] ||
        die "$1 needs glibc $need, more than $glibc"
}
