'use strict'

// PostgreSQL: accounts and tokens shared by every process of an app, on the private cluster
// scripts/postgres.sh starts (JTL_CONNECT_TEST_PG, set by `make test`). Without it these
// tests fail: they never skip.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const { execFileSync, spawn } = require('node:child_process')
const { jtl, rejection } = require('./helpers.js')

const PROCESSES = 4
const CALLS = 50
// The master key every process of a test shares (test data, not a secret).
const KEY_HEX = Buffer.from('node-pg-test-key-thirty-two-byte').toString('hex')

function server() {
  const url = process.env.JTL_CONNECT_TEST_PG
  assert.ok(url, 'JTL_CONNECT_TEST_PG is not set: run through scripts/postgres.sh (make test does)')
  return url
}

// psql, found as scripts/postgres.sh finds the server binaries.
function psql() {
  for (const dir of (process.env.PATH || '').split(':').concat(
    fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`) : [],
  )) {
    const candidate = path.join(dir, 'psql')
    if (fs.existsSync(candidate)) return candidate
  }
  throw new Error('psql not found (Debian package postgresql-client)')
}

function freshDatabase(tag) {
  const url = server()
  const name = `jtl_node_${tag}_${crypto.randomBytes(6).toString('hex')}`
  execFileSync(psql(), [url, '-qc', `CREATE DATABASE ${name}`])
  return url.slice(0, url.lastIndexOf('/') + 1) + name
}

// One child: opens the store by URL (key from JTL_CONNECT_MASTER_KEY), finds the parent's
// account, adds its own, then 50 concurrent accessToken() calls on a cold shared cache.
const CHILD = `
const jtl = require(${JSON.stringify(path.join(__dirname, '..'))})
const [db, emuUrl, index, startAt] = process.argv.slice(1)
;(async () => {
  const store = await jtl.AccountStore.open(db)
  if (!(await store.find('jtl-cloud', 'Shared shop'))) throw new Error('the parent account is not listed')
  await store.add('jtl-scx', 'child ' + index, { refreshToken: 'rt-child-0123456789' })
  const client = new jtl.CloudClient({
    clientId: 'demo-client-id', clientSecret: 'demo-client-secret',
    tenantId: '00000000-0000-4000-8000-000000000001',
    endpoints: jtl.Endpoints.emulator(emuUrl), tokenCache: db,
  })
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())))
  const tokens = await Promise.all(Array.from({ length: ${CALLS} }, () => client.accessToken()))
  for (const token of tokens) console.log('TOKEN ' + token.expose().slice(-16))
})().catch((err) => { console.error(err); process.exit(1) })
`

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD, ...args], { env })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { err += d })
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

test('PostgreSQL', async (t) => {
  const emulator = await jtl.startEmulator()
  t.after(() => emulator.stop())
  const key = Buffer.from(KEY_HEX, 'hex')

  await t.test('4 processes x 50 calls on a cold shared cache send one token request', async () => {
    const db = freshDatabase('procs')
    const store = await jtl.AccountStore.open(db, { masterKey: key })
    await store.add('jtl-cloud', 'Shared shop', {
      clientId: emulator.clientId, clientSecret: emulator.clientSecret, environment: emulator.url,
    })
    emulator.reset()
    // A slow first answer: the other processes wait on the holder's lock.
    emulator.injectFault({ service: 'token', kind: 'delay', delayMs: 700 })
    const startAt = Date.now() + 2500
    const env = { ...process.env, JTL_CONNECT_MASTER_KEY: KEY_HEX }
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) => run([db, emulator.url, String(i), String(startAt)], env)),
    )
    const tokens = []
    for (const { code, out, err } of results) {
      assert.equal(code, 0, `a child failed:\n${out}\n${err}`)
      for (const line of out.split('\n')) if (line.startsWith('TOKEN ')) tokens.push(line.slice(6))
    }
    assert.equal(tokens.length, PROCESSES * CALLS, 'every call answered')
    assert.equal(new Set(tokens).size, 1, 'one token for every process')
    assert.equal(emulator.stats().token, 1, 'exactly one token request')
    const names = new Set((await store.list()).map((a) => a.name))
    for (let i = 0; i < PROCESSES; i++) assert.ok(names.has(`child ${i}`), `child ${i} is listed`)
  })

  await t.test('a PostgreSQL store hands out clients on the shared token cache', async () => {
    const db = freshDatabase('store')
    const one = await jtl.AccountStore.open(db, { masterKey: key })
    const two = await jtl.AccountStore.open(db, { masterKey: key })
    const shop = await one.add('jtl-cloud', 'Shop', {
      clientId: emulator.clientId, clientSecret: emulator.clientSecret, environment: emulator.url,
    })
    assert.equal((await two.get(shop.id)).name, 'Shop')
    emulator.reset()
    const a = await (await one.client(shop.id)).accessToken()
    const b = await (await two.client(shop.id)).accessToken()
    assert.equal(a.expose(), b.expose())
    assert.equal(emulator.stats().token, 1, 'the second handle read the shared token')
    const wrong = await rejection(jtl.AccountStore.open(db, { masterKey: Buffer.alloc(32, 8) }))
    assert.equal(wrong.code, 'config')
  })

  await t.test('other schemes are invalid_input, a database that is down a store error', async () => {
    const bad = await rejection(jtl.AccountStore.open('mysql://u:hunter2@h/db', { masterKey: key }))
    assert.equal(bad.code, 'invalid_input')
    assert.match(bad.message, /postgresql:\/\//)
    assert.doesNotMatch(bad.message, /hunter2/)
    const down = await rejection(
      jtl.AccountStore.open('postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2', { masterKey: key }),
    )
    assert.equal(down.code, 'store')
    assert.doesNotMatch(down.message, /hunter2/)
  })
})
