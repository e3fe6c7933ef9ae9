'use strict'

// AccountStore: connected accounts with encrypted secrets, clients from them.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { jtl, rejection } = require('./helpers.js')

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
    const wawi = await store.add('jtl-wawi', 'Warehouse', { baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey })
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
    assert.equal(wrong.code, 'store')
    assert.equal((await rejection(jtl.AccountStore.open(path.join(dir, 'other.db'), { masterKey: Buffer.alloc(5) }))).code, 'invalid_input')
    assert.match(util.inspect(store), /AccountStore/)
  })
})
