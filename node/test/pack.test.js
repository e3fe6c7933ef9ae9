'use strict'

// `npm pack` gives a package that installs into an empty project and works there
// (CommonJS and ESM, native addon included).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }

test('npm pack installs into an empty project and works there', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-connect-pack-'))
  try {
    const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { ...quiet, cwd: path.join(__dirname, '..') }))
    const files = packed[0].files.map((f) => f.path)
    for (const expected of ['index.js', 'index.mjs', 'index.d.ts', 'binding.js', 'binding.d.ts', 'lib/errors.js', 'package.json']) {
      assert.ok(files.includes(expected), `${expected} is packed`)
    }
    assert.ok(files.some((f) => f.endsWith('.node')), 'the native addon is packed')
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f === 'Cargo.toml'), 'no sources or tests')

    const project = path.join(dir, 'app')
    fs.mkdirSync(project)
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', path.join(dir, packed[0].filename)], { ...quiet, cwd: project })

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
