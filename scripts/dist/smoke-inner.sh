#!/usr/bin/env bash
# The checks of scripts/dist/smoke.sh, run in its clean environment from the directory that
# holds the copy of dist/. Each check prints `ok NAME` or `FAILED NAME` (with its output);
# the last line counts them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
work="$PWD"
passed=0
failed=0
check() {   # name, function
    local log="$work/$2.log"
    # Not in an `if`: errexit would be off inside the subshell there.
    (set -euo pipefail; "$2") >"$log" 2>&1
    if [ $? -eq 0 ]; then
        passed=$((passed + 1)); echo "ok $1"
    else
        failed=$((failed + 1)); echo "FAILED $1"; sed 's/^/    /' "$log"
    fi
}
version="$(ls dist/npm/jtl-connect-linux-x64-gnu-*.tgz | sed 's/.*-gnu-\(.*\)\.tgz$/\1/')"
tenant=00000000-0000-4000-8000-000000000001

clean_place() {
    ! command -v cargo && ! command -v rustc
    # In the network namespace the only interface is loopback (nothing is sent anywhere).
    [ "$SMOKE_NETNS" = 0 ] || "$SMOKE_PYTHON" -c 'import socket; n = [x for _, x in socket.if_nameindex()]; assert n == ["lo"], n'
    (cd dist && sha256sum --quiet -c SHA256SUMS)
}

# The CLI tarball: --help, completions, and `request GET info` against its own emulator
# (`jtl-connect emulator`, the same as the jtl-emulator binary), which the Kotlin check uses too.
emulator_url=""
cli() {
    mkdir cli && tar -xzf dist/cli/jtl-connect-*.tar.gz -C cli
    local dir bin
    dir="$(echo cli/jtl-connect-*)"; bin="$dir/jtl-connect"
    "$bin" --help | grep -q 'Exit codes:'
    "$bin" --version | grep -qx "jtl-connect $version"
    bash -c "source $dir/completions/jtl-connect.bash && complete -p jtl-connect" | grep -q _jtl__connect
    grep -q '#compdef jtl-connect' "$dir/completions/_jtl-connect"
    grep -q 'complete -c jtl-connect' "$dir/completions/jtl-connect.fish"
    JTL_CLIENT_ID=demo-client-id JTL_CLIENT_SECRET=demo-client-secret JTL_TENANT_ID=$tenant \
        JTL_ENVIRONMENT="$(cat emulator.url)" "$bin" request GET info >info.json
    "$SMOKE_PYTHON" -c "import json, sys; info = json.load(open('info.json')); assert info['tenantId'] == '$tenant', info"
    cat info.json
    # The account store (the release build's bundled SQLite, without the extensions env.sh
    # leaves out): add an account, list it, call JTL with it.
    "$bin" --db "$PWD/accounts.db" accounts add jtl-cloud Shop --client-id demo-client-id \
        --tenant-id "$tenant" --environment "$(cat emulator.url)" --secret-stdin <<<demo-client-secret
    "$bin" --db "$PWD/accounts.db" --json accounts list >accounts.json
    "$bin" --db "$PWD/accounts.db" --account Shop request GET info >info-stored.json
    "$SMOKE_PYTHON" -c "import json; accounts = json.load(open('accounts.json')); info = json.load(open('info-stored.json')); assert [a['name'] for a in accounts] == ['Shop'] and info['tenantId'] == '$tenant', (accounts, info)"
    echo "cli: account store (SQLite) round trip"
}

# The wheel's and the addon's test helpers (jtl_connect.testing.Emulator, startEmulator())
# run the emulator as a child process, found through JTL_EMULATOR_BIN or PATH: here the
# CLI's, as a user without Rust gets it from the tarball (`jtl-connect emulator`).
emulator_bin=""
start_emulator() {
    local bin
    mkdir -p emu && tar -xzf dist/cli/jtl-connect-*.tar.gz -C emu
    bin="$(echo emu/jtl-connect-*/jtl-connect)"
    emulator_bin="$work/$bin"
    "$bin" emulator --port 0 >emulator.log 2>&1 &
    emulator_pid=$!
    for _ in $(seq 100); do
        emulator_url="$(sed -n '1s/^listening on \(http:[^ ]*\).*/\1/p' emulator.log)"
        [ -n "$emulator_url" ] && break
        sleep 0.1
    done
    [ -n "$emulator_url" ] || { cat emulator.log >&2; return 1; }
    echo "$emulator_url" >emulator.url
}

# The wheel into a fresh venv (no index, binary only), then its test helper Emulator with
# the CLI tarball's jtl-connect on PATH (no JTL_EMULATOR_BIN: the PATH lookup).
python() {
    local wheel so
    wheel="$(ls dist/python/*.whl)"
    case "$wheel" in *-cp39-abi3-manylinux_2_17_x86_64* | *-cp39-abi3-manylinux2014_x86_64*) ;; *) echo "tag: $wheel"; return 1 ;; esac
    "$SMOKE_PYTHON" -m venv venv
    venv/bin/python -m pip install -q --disable-pip-version-check --no-index --only-binary=:all: \
        --find-links dist/python jtl-connect
    # The emulator is no longer linked into the wheel (issue 17).
    so="$(echo venv/lib/python*/site-packages/jtl_connect/_native*.so)"
    if grep -qa -e 'async-graphql' -e 'axum' "$so"; then echo "$so links the emulator"; return 1; fi
    (cd "$work/home" && env -u JTL_EMULATOR_BIN PATH="$(dirname "$emulator_bin"):$PATH" \
        "$work/venv/bin/python" - <<'EOF'
import jtl_connect
from jtl_connect.testing import Emulator

assert "site-packages" in jtl_connect.__file__, jtl_connect.__file__
with Emulator() as emu:
    client = jtl_connect.CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints)
    info = client.get("info").json()
    assert info["tenantId"] == emu.tenant_id, info
    try:
        client.get("items/0")
        raise AssertionError("items/0 exists")
    except jtl_connect.JtlError as e:
        assert e.code == "not_found", e.code
    assert emu.stats()["token"] == 1, emu.stats()
print("python: info of", info["tenantId"], "from", jtl_connect.__file__)
EOF
    )
}

# The two npm tarballs into an empty project, used from CommonJS, ESM and TypeScript.
node_packages() {
    mkdir app && cd app
    echo '{ "name": "app", "version": "1.0.0", "private": true }' >package.json
    npm install --offline --no-audit --no-fund --loglevel=error \
        "../dist/npm/jtl-connect-$version.tgz" "../dist/npm/jtl-connect-linux-x64-gnu-$version.tgz" \
        "typescript@$SMOKE_TYPESCRIPT" "@types/node@$SMOKE_TYPES_NODE"
    # (`if`, not `!`: errexit ignores a negated command's status.)
    if find node_modules/jtl-connect -name '*.node' | grep .; then echo "the main package holds a binary"; return 1; fi
    [ -f "node_modules/jtl-connect-linux-x64-gnu/jtl-connect.linux-x64-gnu.node" ]
    # The emulator is no longer linked into the addon (issue 17); startEmulator() runs the
    # CLI tarball's jtl-connect, named by JTL_EMULATOR_BIN.
    if grep -qa -e 'async-graphql' -e 'axum' node_modules/jtl-connect-linux-x64-gnu/jtl-connect.linux-x64-gnu.node; then
        echo "the addon links the emulator"; return 1
    fi
    export JTL_EMULATOR_BIN="$emulator_bin"
    cat >check.cjs <<'EOF'
const { startEmulator, CloudClient, JtlError } = require('jtl-connect')
;(async () => {
  const emulator = await startEmulator()
  const client = new CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, endpoints: emulator.url })
  const info = (await client.get('info')).json()
  let code
  try { await client.get('items/0') } catch (err) { code = err instanceof JtlError && err.code }
  await emulator.stop()
  if (info.tenantId !== emulator.tenantId || code !== 'not_found') throw new Error(JSON.stringify({ info, code }))
  console.log('cjs ok')
})().catch((err) => { console.error(err); process.exit(1) })
EOF
    cat >check.mjs <<'EOF'
import { startEmulator, CloudClient } from 'jtl-connect'
const emulator = await startEmulator()
const client = new CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, endpoints: emulator.url })
const claims = await client.sessionVerifier().verify(emulator.mintSessionToken().token)
await emulator.stop()
if (claims.tenantId !== emulator.tenantId) throw new Error(JSON.stringify(claims))
console.log('esm ok')
EOF
    cat >check.ts <<'EOF'
import { startEmulator, CloudClient, JtlError, type SessionClaims } from 'jtl-connect'

async function main(): Promise<void> {
  const emulator = await startEmulator()
  const client = new CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, endpoints: emulator.url })
  const response = await client.get('info')
  const status: number = response.status
  const claims: SessionClaims = await client.sessionVerifier().verify(emulator.mintSessionToken().token)
  let code: string | undefined
  try {
    await client.get('items/0')
  } catch (err) {
    if (err instanceof JtlError) code = err.code
  }
  await emulator.stop()
  if (status !== 200 || claims.tenantId !== emulator.tenantId || code !== 'not_found') {
    throw new Error(JSON.stringify({ status, claims, code }))
  }
  console.log('typescript ok')
}
main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
EOF
    cat >tsconfig.json <<'EOF'
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "types": ["node"], "noEmitOnError": true }, "files": ["check.ts"] }
EOF
    node check.cjs
    node check.mjs
    node_modules/.bin/tsc -p .
    node check.js
}

# A Maven project outside the repository: the jar from dist/maven, everything else from the
# Maven cache (read as a file:// repository), Maven offline; one call to the CLI's emulator.
jvm() {
    mkdir -p kt/src/main/kotlin/smoke && cd kt
    cat >settings.xml <<EOF
<settings>
  <localRepository>$work/m2</localRepository>
  <offline>true</offline>
  <profiles><profile><id>smoke</id>
    <repositories>
      <repository><id>dist</id><url>file://$work/dist/maven</url></repository>
      <repository><id>cache</id><url>file://$SMOKE_MAVEN_CACHE</url></repository>
    </repositories>
    <pluginRepositories>
      <pluginRepository><id>cache</id><url>file://$SMOKE_MAVEN_CACHE</url></pluginRepository>
    </pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>smoke</activeProfile></activeProfiles>
</settings>
EOF
    cat >pom.xml <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>smoke</groupId>
  <artifactId>smoke</artifactId>
  <version>1</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <kotlin.version>2.1.20</kotlin.version>
    <kotlin.compiler.jvmTarget>17</kotlin.compiler.jvmTarget>
  </properties>
  <dependencies>
    <dependency><groupId>io.github.jtlconnect</groupId><artifactId>jtl-connect</artifactId><version>$version</version></dependency>
  </dependencies>
  <build>
    <sourceDirectory>src/main/kotlin</sourceDirectory>
    <plugins>
      <plugin>
        <groupId>org.jetbrains.kotlin</groupId><artifactId>kotlin-maven-plugin</artifactId><version>\${kotlin.version}</version>
        <executions><execution><id>compile</id><goals><goal>compile</goal></goals></execution></executions>
      </plugin>
      <plugin>
        <groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId><version>3.5.0</version>
        <configuration><mainClass>smoke.MainKt</mainClass></configuration>
      </plugin>
    </plugins>
  </build>
</project>
EOF
    cat >src/main/kotlin/smoke/Main.kt <<'EOF'
package smoke

import io.github.jtlconnect.CloudClient

fun main() {
    CloudClient.fromEnv().use { client ->
        val response = client.get("info")
        check(response.status() == 200) { "status ${response.status()}" }
        check(response.json().contains(System.getenv("JTL_TENANT_ID"))) { response.json() }
        println("kotlin ok: ${response.json()}")
    }
}
EOF
    JTL_CLIENT_ID=demo-client-id JTL_CLIENT_SECRET=demo-client-secret JTL_TENANT_ID=$tenant \
        JTL_ENVIRONMENT="$(cat "$work/emulator.url")" \
        mvn -B -q -o -s settings.xml -Daether.offline.protocols=file compile exec:java 2>&1 |
        sed -e 's/\x1b\[[0-9;]*m//g' | tee run.log
    grep -q '^kotlin ok' run.log
    # The jar came from dist/, not from an older one in the cache.
    local jar="io/github/jtlconnect/jtl-connect/$version/jtl-connect-$version.jar"
    cmp "$work/m2/$jar" "$work/dist/maven/$jar"
}

check "clean place (no cargo/rustc, no network, SHA256SUMS)" clean_place
start_emulator || { echo "FAILED the CLI's emulator did not start"; cat emulator.log; exit 1; }
check "cli: --help, --version, completions, request GET info, account store" cli
check "python: wheel into a fresh venv, testing.Emulator with the CLI tarball's emulator" python
check "node: npm tarballs from CommonJS, ESM and TypeScript (tsc --strict), startEmulator() with the CLI tarball's emulator" node_packages
check "jvm: Maven project resolving the jar from dist/maven" jvm
kill "$emulator_pid" 2>/dev/null
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
