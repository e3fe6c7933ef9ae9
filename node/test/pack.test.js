'use strict'

// The packages `make dist` ships install into an empty project and work there (CommonJS and
// ESM), and without the platform package the error says what is missing.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }

const { hostSuffix } = require('../lib/platforms.js')

function emptyProject(dir, name) {
  const project = path.join(dir, name)
  fs.mkdirSync(project)
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }))
  return project
}

// scripts/pack.js (what `make dist` runs) on the addon this suite built: the main package
// carries no binary, the platform package carries it, and both install offline.
test('the main and the platform package install into an empty project and work there', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-connect-pack-'))
  try {
    const suffix = hostSuffix()
    const addon = path.join(__dirname, '..', `jtl-connect.${suffix}.node`)
    const packed = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'pack.js'), '--addon', addon, '--out', dir, '--platform', suffix], quiet))
    const listing = (tgz) => execFileSync('tar', ['-tzf', tgz], quiet).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''))
    const files = listing(packed.main)
    for (const expected of ['index.js', 'index.mjs', 'index.d.ts', 'binding.js', 'binding.d.ts', 'lib/errors.js', 'lib/native.js', 'package.json']) {
      assert.ok(files.includes(expected), `${expected} is packed`)
    }
    assert.ok(!files.some((f) => f.endsWith('.node')), 'no binary in the main package')
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f === 'Cargo.toml'), 'no sources or tests')
    assert.deepEqual(listing(packed.platform).sort(), ['README.md', `jtl-connect.${suffix}.node`, 'package.json'])
    const manifest = JSON.parse(execFileSync('tar', ['-xOzf', packed.main, 'package/package.json'], quiet))
    assert.equal(manifest.optionalDependencies[`jtl-connect-${suffix}`], manifest.version)
    assert.ok(Object.keys(manifest.optionalDependencies).length >= 8, 'one package per napi target')

    // Without the platform package (npm --omit=optional): the error names it and how to get it.
    const bare = emptyProject(dir, 'bare')
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', '--omit=optional', packed.main], { ...quiet, cwd: bare })
    let failure
    try {
      execFileSync(process.execPath, ['-e', "require('jtl-connect')"], { ...quiet, cwd: bare })
    } catch (err) {
      failure = err.stderr
    }
    assert.match(failure, new RegExp(`looked for the package jtl-connect-${suffix}@${manifest.version}`))
    assert.match(failure, new RegExp(`npm install jtl-connect-${suffix}@${manifest.version}`))
    assert.doesNotMatch(failure, /npm has a bug/)

    const project = emptyProject(dir, 'app')
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', packed.main, packed.platform], { ...quiet, cwd: project })

    fs.writeFileSync(
      path.join(project, 'check.mjs'),
      `import { startEmulator, CloudClient, JtlError } from 'jtl-connect'
import { createRequire } from 'node:module'
const cjs = createRequire(import.meta.url)('jtl-connect')
const emulator = await startEmulator()
const client = new CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, endpoints: emulator.url })
const info = (await client.get('info')).json()
const claims = await client.sessionVerifier().verify(emulator.mintSessionToken().token)
let code
try { await client.get('items/0') } catch (err) { code = err instanceof cjs.JtlError && err.code }
await emulator.stop()
console.log(JSON.stringify({ same: cjs.CloudClient === CloudClient, tenant: info.tenantId === claims.tenantId, code }))
`,
    )
    const out = execFileSync(process.execPath, ['check.mjs'], { ...quiet, cwd: project })
    assert.deepEqual(JSON.parse(out), { same: true, tenant: true, code: 'not_found' })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
