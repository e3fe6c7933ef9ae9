'use strict'

// AccountStore: connected accounts with encrypted secrets, clients from them.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { execFileSync } = require('node:child_process')
const { jtl, rejection } = require('./helpers.js')

// Runs one SQL statement on the database file in another process (python3's sqlite3), as
// anyone with write access but no master key can; returns the rows.
function sql(db, query, ...params) {
  const script = 'import json, sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nrows = c.execute(sys.argv[2], sys.argv[3:]).fetchall()\nc.commit()\nprint(json.dumps(rows))'
  return JSON.parse(execFileSync('python3', ['-c', script, db, query, ...params], { encoding: 'utf8' }))
}

function editField(db, id, field, value) {
  const [[fields]] = sql(db, 'SELECT fields FROM accounts WHERE id = ?', id)
  sql(db, 'UPDATE accounts SET fields = ? WHERE id = ?', JSON.stringify({ ...JSON.parse(fields), [field]: value }), id)
}

const requests = (emulator) => {
  const stats = emulator.stats()
  return ['token', 'api', 'jwks', 'scx_auth', 'scx', 'wawi'].reduce((n, s) => n + (stats[s] || 0), 0)
}

test('AccountStore', async (t) => {
  const emulator = await jtl.startEmulator()
  t.after(() => emulator.stop())
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-store-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const key = Buffer.alloc(32, 7)
  const store = await jtl.AccountStore.open(path.join(dir, 'accounts.db'), { masterKey: key })

  await t.test('add, list, get, find, update, delete; secrets never come back', async () => {
    const cloud = await store.add('jtl-cloud', 'My shop', {
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      tenantId: emulator.tenantId,
      environment: emulator.url,
    })
    assert.equal(cloud.system, 'jtl-cloud')
    assert.equal(cloud.fields.clientId, emulator.clientId)
    assert.equal(cloud.fields.tenantId, emulator.tenantId)
    assert.ok(cloud.createdAt instanceof Date)
    const wawi = await store.add('jtl-wawi', 'Warehouse', { baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, appId: 'MyApp/1.0.0', appVersion: '1.0.0' })
    const scx = await store.add('jtl-scx', 'Marketplace', { refreshToken: emulator.scxRefreshToken, environment: emulator.url })

    const listed = await store.list()
    assert.deepEqual(listed.map((a) => a.name).sort(), ['Marketplace', 'My shop', 'Warehouse'])
    const shown = `${util.inspect(listed, { depth: 5 })}${JSON.stringify(listed)}${fs.readFileSync(path.join(dir, 'accounts.db')).toString('latin1')}`
    for (const secret of [emulator.clientSecret, emulator.wawiApiKey, emulator.scxRefreshToken]) {
      assert.ok(!shown.includes(secret), `${secret} is not shown nor stored in clear`)
    }
    assert.equal((await store.get(wawi.id)).name, 'Warehouse')
    assert.equal((await store.find('jtl-scx', 'Marketplace')).id, scx.id)
    assert.equal(await store.find('jtl-scx', 'nope'), null)
    // JTL-Wawi requires x-appid and x-appversion on data calls (facts §5.2).
    const renamed = await store.update(wawi.id, { name: 'Main warehouse', fields: { appId: 'com.example', appVersion: '1.0.0' } })
    assert.equal(renamed.name, 'Main warehouse')
    assert.equal(renamed.fields.appId, 'com.example')

    const client = await store.client(cloud.id)
    assert.ok(client instanceof jtl.CloudClient)
    assert.equal((await client.get('info')).json().tenantId, emulator.tenantId)
    const other = await store.client(cloud.id, emulator.secondTenantId)
    assert.equal(other.tenantId, emulator.secondTenantId)
    assert.ok((await store.client(wawi.id)) instanceof jtl.WawiClient)
    assert.ok((await store.client(scx.id)) instanceof jtl.ScxClient)

    for (const account of [cloud, renamed, scx]) {
      const result = await store.testConnection(account.id)
      assert.equal(result.ok, true, `${account.name}: ${result.message}`)
    }
    await store.delete(scx.id)
    const err = await rejection(store.get(scx.id))
    assert.equal(err.code, 'not_found')
  })

  await t.test('bad input and a wrong master key', async () => {
    assert.equal((await rejection(store.add('jtl-nope', 'x', {}))).code, 'invalid_input')
    assert.equal((await rejection(store.add('jtl-cloud', 'No secret', { clientId: 'a' }))).code, 'invalid_input')
    const wrong = await rejection(jtl.AccountStore.open(path.join(dir, 'accounts.db'), { masterKey: Buffer.alloc(32, 8) }))
    assert.equal(wrong.code, 'config')
    assert.equal((await rejection(jtl.AccountStore.open(path.join(dir, 'other.db'), { masterKey: Buffer.alloc(5) }))).code, 'invalid_input')
    assert.match(util.inspect(store), /AccountStore/)
  })

  await t.test('a field edited in the file is a store error, and nothing is sent', async () => {
    const db = path.join(dir, 'edited.db')
    const edited = await jtl.AccountStore.open(db, { masterKey: key })
    const wawi = await edited.add('jtl-wawi', 'Warehouse', { baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, appId: 'MyApp/1.0.0', appVersion: '1.0.0' })
    const cloud = await edited.add('jtl-cloud', 'Shop', { clientId: emulator.clientId, clientSecret: emulator.clientSecret, environment: emulator.url })
    editField(db, wawi.id, 'base_url', 'http://127.0.0.1:9/attacker')
    editField(db, cloud.id, 'environment', 'http://127.0.0.1:9')
    const before = requests(emulator)
    const fresh = await jtl.AccountStore.open(db, { masterKey: key })
    for (const account of [wawi, cloud]) {
      const err = await rejection(fresh.testConnection(account.id))
      assert.equal(err.code, 'store')
      assert.match(err.message, /changed outside the store/)
      assert.ok(err.message.includes(account.id), err.message)
      assert.equal((await rejection(fresh.client(account.id))).code, 'store')
    }
    assert.equal(requests(emulator), before, 'no request was sent')
  })

  await t.test('moving a destination needs the secret again; link-local is refused', async () => {
    const wawi = await store.add('jtl-wawi', 'Moved', { baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, appId: 'MyApp/1.0.0', appVersion: '1.0.0' })
    const err = await rejection(store.update(wawi.id, { fields: { baseUrl: 'http://127.0.0.1:9/elsewhere' } }))
    assert.equal(err.code, 'invalid_input')
    assert.match(err.message, /^apiKey: required again when baseUrl changes/)
    assert.equal((await store.get(wawi.id)).fields.baseUrl, emulator.wawiBase.replace(/\/$/, ''))
    const moved = await store.update(wawi.id, { fields: { baseUrl: 'http://192.168.0.5:5883/api', apiKey: 'new-key' } })
    assert.equal(moved.fields.baseUrl, 'http://192.168.0.5:5883/api')
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/', 'http://metadata.google.internal/']) {
      const refused = await rejection(store.add('jtl-wawi', 'Metadata', { baseUrl: url, apiKey: 'k', appId: 'MyApp/1.0.0', appVersion: '1.0.0' }))
      assert.equal(refused.code, 'invalid_input')
      assert.match(refused.message, /^baseUrl: link-local/)
    }
  })

  await t.test('testConnection reports status and code, never the body', async () => {
    const wawi = await store.add('jtl-wawi', 'Wrong key', { baseUrl: emulator.wawiBase, apiKey: 'wrong', appId: 'MyApp/1.0.0', appVersion: '1.0.0' })
    const result = await store.testConnection(wawi.id)
    assert.equal(result.ok, false)
    assert.equal(result.status, 401)
    assert.equal(result.code, 'unauthorized')
    assert.match(result.message, /did not accept the API key/)
  })

  await t.test('key rotation: old ciphertexts and the old key stop working', async () => {
    const db = path.join(dir, 'rotated.db')
    const rotated = await jtl.AccountStore.open(db, { masterKey: key })
    const wawi = await rotated.add('jtl-wawi', 'Warehouse', { baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, appId: 'MyApp/1.0.0', appVersion: '1.0.0' })
    const [[backup]] = sql(db, 'SELECT hex(secret) FROM accounts')
    assert.equal(rotated.keyGeneration, 1)
    const newKey = Buffer.alloc(32, 9)
    assert.deepEqual(await rotated.rotateMasterKey(newKey), { generation: 2, resealed: 1, unreadable: 0, grantsResealed: 0 })
    assert.equal((await rotated.testConnection(wawi.id)).ok, true)
    assert.equal((await rejection(jtl.AccountStore.open(db, { masterKey: key }))).code, 'config')
    assert.equal((await rejection(rotated.rotateMasterKey())).code, 'invalid_input')
    sql(db, `UPDATE accounts SET secret = X'${backup}'`)
    const reopened = await jtl.AccountStore.open(db, { masterKey: newKey })
    assert.equal((await rejection(reopened.testConnection(wawi.id))).code, 'store')
  })
})
