#!/usr/bin/env bash
# dist/cli: the jtl-connect binary (release, stripped, glibc 2.17+) with its shell
# completions and README, as jtl-connect-VERSION-x86_64-unknown-linux-gnu.tar.gz.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

step "cli: release binary and completions"
release_build
bin="$release_dir/jtl-connect"
check_glibc "$bin"
name="jtl-connect-$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/completions"
cp "$bin" "$stage/$name/"
cp "$root/cli/README.md" "$stage/$name/"
"$bin" completions bash >"$stage/$name/completions/jtl-connect.bash"
"$bin" completions zsh >"$stage/$name/completions/_jtl-connect"
"$bin" completions fish >"$stage/$name/completions/jtl-connect.fish"
out="$dist/cli"
rm -rf "$out" && mkdir -p "$out"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
ls -l "$out"
