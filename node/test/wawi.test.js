'use strict'

// JTL-Wawi: the two-step app registration (facts §5.1: Status 0 pending, 1 rejected,
// 2 accepted; 410 once answered; 402 no licence; v1 PascalCase, v2 camelCase), then the API
// with the key it yields (x-appid and x-appversion required, facts §5.2).
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
  const tenantId = emulator.tenantId

  await t.test('registerWawiApp resolves once the registration is approved', async () => {
    const started = Date.now()
    const registration = await jtl.registerWawiApp(emulator.wawiBase, app, { tenantId, pollInterval: 0.05, timeout: 10 })
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
    const pending = await jtl.startWawiRegistration(emulator.wawiBase, { ...app, appId: 'com.example.by-hand' }, { tenantId, challengeCode: 'node-challenge' })
    assert.ok(pending.requestId)
    assert.equal(await pending.poll(), null)
    const listed = emulator.wawiRegistrations().find((r) => r.id === pending.requestId || r.registrationRequestId === pending.requestId)
    assert.ok(listed, JSON.stringify(emulator.wawiRegistrations()))
    emulator.approveWawiRegistration(pending.requestId, ['all.read'])
    const registration = await pending.poll()
    assert.equal(registration.appId, 'com.example.by-hand')
  })

  await t.test('an AbortSignal stops the wait', async () => {
    emulator.updateSettings({ wawiAutoApproveMs: null })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const err = await rejection(jtl.registerWawiApp(emulator.wawiBase, { ...app, appId: 'com.example.aborted' }, { tenantId, pollInterval: 0.02, signal: controller.signal }))
    assert.equal(err.code, 'timeout')
    assert.match(err.message, /cancelled/)
  })

  await t.test('the demo key works without registering', async () => {
    const wawi = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, appId: 'node/1.0.0', appVersion: '1.0.0' })
    assert.equal((await wawi.get('v1/customers')).status, 200)
    assert.equal(wawi.baseUrl, `${emulator.wawiBase}/`)
  })

  await t.test('a client without app id or version is refused locally', () => {
    const before = emulator.stats().wawi
    for (const [options, missing] of [
      [{ appVersion: '1.0.0' }, /appId/],
      [{ appId: 'node/1.0.0' }, /appVersion/],
      [{}, /appId, appVersion/],
    ]) {
      assert.throws(
        () => new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, ...options }),
        (err) => err instanceof jtl.JtlError && err.code === 'invalid_input' && missing.test(err.message),
      )
    }
    assert.equal(emulator.stats().wawi, before, 'nothing was sent')
  })

  await t.test('required app fields and the tenant are checked before any request', async () => {
    const before = emulator.stats().wawiRegistration
    const err = await rejection(jtl.startWawiRegistration(emulator.wawiBase, { appId: 'a', displayName: 'A', version: '1' }, { tenantId }))
    assert.equal(err.code, 'invalid_input')
    for (const field of ['description', 'providerName', 'providerWebsite', 'mandatoryScopes']) {
      assert.match(err.message, new RegExp(field))
    }
    const noTenant = await rejection(jtl.startWawiRegistration(emulator.wawiBase, app))
    assert.match(noTenant.message, /tenantId/)
    assert.equal(emulator.stats().wawiRegistration, before)
  })
})

for (const registrationPath of ['v1', 'v2']) {
  test(`Wawi registration answers in ${registrationPath} casing`, async (t) => {
    const emulator = await jtl.startEmulator()
    t.after(() => emulator.stop())
    const options = { tenantId: emulator.tenantId, path: registrationPath }

    await t.test('accepted: the key and the granted scopes, then 410 on a later poll', async () => {
      const pending = await jtl.startWawiRegistration(emulator.wawiBase, { ...app, appId: `com.example.accepted.${registrationPath}` }, options)
      assert.equal(await pending.poll(), null, 'Status 0: pending')
      emulator.approveWawiRegistration(pending.requestId)
      const registration = await pending.poll()
      assert.deepEqual(registration.grantedScopes, ['all.read'])
      assert.ok(registration.apiKey.expose())
      const gone = await rejection(pending.poll())
      assert.equal(gone.status, 410)
      assert.match(gone.message, /already answered/)
    })

    await t.test('rejected: registration_rejected at the poll that sees it', async () => {
      const pending = await jtl.startWawiRegistration(emulator.wawiBase, { ...app, appId: `com.example.rejected.${registrationPath}` }, options)
      emulator.rejectWawiRegistration(pending.requestId)
      const err = await rejection(pending.wait({ pollInterval: 0.02, timeout: 5 }))
      assert.equal(err.code, 'registration_rejected')
    })

    await t.test('402: no licence, or the app is not authorised by JTL', async () => {
      emulator.updateSettings({ wawiLicensed: false })
      const err = await rejection(jtl.registerWawiApp(emulator.wawiBase, app, options))
      assert.equal(err.status, 402)
      assert.match(err.message, /no licence/)
      assert.match(err.message, /not authorised by JTL/)
      emulator.updateSettings({ wawiLicensed: true })
    })
  })
}
