#!/usr/bin/env bash
# dist/npm: the Node packages in napi-rs's layout, from the release addon (glibc 2.17+):
# jtl-connect (JavaScript, types, loader; optionalDependencies, no binary) and
# jtl-connect-linux-x64-gnu (the stripped .node), both packed by node/scripts/pack.js.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

step "node: release addon and the two npm packages"
release_build
addon="$release_dir/libjtl_connect_node.so"
check_glibc "$addon"
# npm ci: @napi-rs/cli for pack.js, and typescript and @types/node into npm's cache, from
# where the offline smoke test (scripts/dist/smoke.sh) installs them.
(cd "$root/node" && npm ci --no-audit --no-fund --loglevel=error
    # npm ci caches the tarballs; an install by name offline needs the metadata too, of
    # their dependencies included: one throwaway install of the same versions caches it.
    warm="$(mktemp -d)"
    (cd "$warm" && echo '{"private": true}' >package.json && npm install --prefer-offline --no-audit \
        --no-fund --loglevel=error \
        "typescript@$(node -p "require('$root/node/package-lock.json').packages['node_modules/typescript'].version")" \
        "@types/node@$(node -p "require('$root/node/package-lock.json').packages['node_modules/@types/node'].version")")
    rm -rf "$warm")
out="$dist/npm"
rm -rf "$out" && mkdir -p "$out"
node "$root/node/scripts/pack.js" --addon "$addon" --out "$out" --platform linux-x64-gnu >/dev/null
ls -l "$out"
