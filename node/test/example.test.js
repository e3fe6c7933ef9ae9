'use strict'

// examples/node (a JTL Cloud App backend) runs against the emulator: the setup handshake,
// then a call with the session token, then the refusals.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { jtl } = require('./helpers.js')

const exampleDir = path.join(__dirname, '..', '..', 'examples', 'node')

/** `npm install` in the example would link jtl-connect like this (file:../../node). */
function linkPackage() {
  const link = path.join(exampleDir, 'node_modules', 'jtl-connect')
  if (fs.existsSync(link)) return
  fs.mkdirSync(path.dirname(link), { recursive: true })
  fs.symlinkSync(path.relative(path.dirname(link), path.join(__dirname, '..')), link, 'dir')
}

function startServer(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['server.js'], { cwd: exampleDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve({ child, url: match[1] })
    })
    child.on('exit', (code) => reject(new Error(`the example exited with ${code}: ${out}`)))
  })
}

test('examples/node: setup handshake against the emulator', async (t) => {
  linkPackage()
  const emulator = await jtl.startEmulator()
  t.after(() => emulator.stop())
  const tenantsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-example-')), 'tenants.json')
  const { child, url } = await startServer({
    JTL_CLIENT_ID: emulator.clientId,
    JTL_CLIENT_SECRET: emulator.clientSecret,
    JTL_ENVIRONMENT: emulator.url,
    JTL_TENANT_ID: '',
    PORT: '0',
    TENANTS_FILE: tenantsFile,
  })
  t.after(() => child.kill())

  const session = emulator.mintSessionToken({ tenantSlug: 'my-shop', userId: 'user-1' })
  const post = (body) => fetch(`${url}/api/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

  // Before the setup, the tenant is not connected.
  const early = await fetch(`${url}/api/items`, { headers: { Authorization: `Bearer ${session.token}` } })
  assert.equal(early.status, 409)

  // The setup: verify, store, call the ERP API.
  const setup = await post({ sessionToken: session.token })
  assert.equal(setup.status, 200)
  const connected = await setup.json()
  assert.equal(connected.connected, true)
  assert.equal(connected.tenant.tenantId, emulator.tenantId)
  assert.equal(connected.tenant.tenantSlug, 'my-shop')
  assert.equal(connected.erp.tenant, 'eazybusiness')
  const stored = JSON.parse(fs.readFileSync(tenantsFile, 'utf8'))
  assert.deepEqual(stored.map((s) => s.tenantId), [emulator.tenantId])

  // A later call with the session token.
  const items = await fetch(`${url}/api/items`, { headers: { Authorization: `Bearer ${session.token}` } })
  assert.equal(items.status, 200)
  const body = await items.json()
  assert.equal(body.items.length, 5)
  assert.equal(body.totalItems, 60)
  assert.ok(emulator.stats().routes['POST /erp/v2/graphql'] >= 1, 'read through GraphQL')

  // Refusals.
  assert.equal((await fetch(`${url}/api/items`)).status, 401)
  const expired = emulator.mintSessionToken({ ttlSeconds: -600 }).token
  const refused = await post({ sessionToken: expired })
  assert.equal(refused.status, 401)
  assert.equal((await refused.json()).reason, 'expired')
  assert.equal((await post({})).status, 400)
  assert.equal(emulator.stats().token, 1, 'one token for the whole app')
})
