'use strict'

// JTL-Wawi: the two-step app registration, then the API with the key it yields.
const test = require('node:test')
const assert = require('node:assert/strict')
const { jtl, rejection } = require('./helpers.js')

const app = {
  appId: 'com.example.node-test',
  displayName: 'Node test',
  description: 'Registered by the jtl-connect Node tests',
  version: '1.0.0',
  providerName: 'Example',
  providerWebsite: 'https://example.com',
  mandatoryScopes: ['all.read'],
}

test('Wawi registration and client', async (t) => {
  const emulator = await jtl.startEmulator({ settings: { wawiAutoApproveMs: 200 } })
  t.after(() => emulator.stop())

  await t.test('registerWawiApp resolves once the registration is approved', async () => {
    const started = Date.now()
    const registration = await jtl.registerWawiApp(emulator.wawiBase, app, { pollIntervalMs: 50, timeoutMs: 10000 })
    assert.ok(Date.now() - started >= 150, 'it waited for the approval')
    assert.ok(registration instanceof jtl.WawiRegistration)
    assert.equal(registration.appId, app.appId)
    assert.deepEqual(registration.grantedScopes, ['all.read'])
    assert.ok(registration.apiKey instanceof jtl.Secret)

    const wawi = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: registration.apiKey.expose(), appId: app.appId, appVersion: app.version })
    const items = (await wawi.get('v1/items', { params: { pageSize: 5 } })).json()
    assert.equal(items.Items.length, 5)
    let count = 0
    for await (const item of wawi.paginate('v1/items', { pageSize: 25 })) {
      assert.ok(item.Id !== undefined)
      count += 1
    }
    assert.equal(count, 60, 'PascalCase envelopes paginate too')
  })

  await t.test('step by step: startWawiRegistration, approve, poll', async () => {
    emulator.updateSettings({ wawiAutoApproveMs: null })
    const pending = await jtl.startWawiRegistration(emulator.wawiBase, app, { challengeCode: 'node-challenge' })
    assert.ok(pending.requestId)
    assert.equal(await pending.poll(), null)
    const listed = emulator.wawiRegistrations().find((r) => r.id === pending.requestId || r.registrationRequestId === pending.requestId)
    assert.ok(listed, JSON.stringify(emulator.wawiRegistrations()))
    emulator.approveWawiRegistration(pending.requestId, ['all.read'])
    const registration = await pending.poll()
    assert.equal(registration.appId, app.appId)
  })

  await t.test('an AbortSignal stops the wait', async () => {
    emulator.updateSettings({ wawiAutoApproveMs: null })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const err = await rejection(jtl.registerWawiApp(emulator.wawiBase, app, { pollIntervalMs: 20, signal: controller.signal }))
    assert.equal(err.code, 'timeout')
    assert.match(err.message, /cancelled/)
  })

  await t.test('the demo key works without registering', async () => {
    const wawi = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey })
    assert.equal((await wawi.get('v1/customers')).status, 200)
    assert.equal(wawi.baseUrl, `${emulator.wawiBase}/`)
  })
})
