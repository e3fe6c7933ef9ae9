'use strict'

// No secret in util.inspect, JSON.stringify, toString or error messages.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { jtl, setup, cloudClient, rejection } = require('./helpers.js')

function shownEverywhere(value) {
  return [
    util.inspect(value),
    util.inspect(value, { showHidden: true, depth: 10, getters: true }),
    JSON.stringify(value),
    String(value),
    `${value}`,
  ]
}

function assertHidden(value, secrets) {
  for (const shown of shownEverywhere(value)) {
    for (const secret of secrets) assert.ok(!shown.includes(secret), `${JSON.stringify(secret)} shown in ${shown}`)
  }
}

test('secrets never print', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())

  await t.test('clients, tokens, verifiers', async () => {
    const secret = emulator.clientSecret
    assertHidden(client, [secret])
    assertHidden(client.forTenant(emulator.secondTenantId), [secret])
    assert.match(util.inspect(client), /clientId: 'demo-client-id'/, 'what is shown is useful')

    const token = await client.accessToken()
    const value = token.expose()
    assertHidden(token, [value, value.slice(0, 40), value.split('.')[2]])
    assert.match(util.inspect(token), new RegExp(token.fingerprint))

    assertHidden(client.sessionVerifier(), [secret])

    const wawi = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: 'wawi-key-secret-123', appId: 'secrets/1.0.0', appVersion: '1.0.0' })
    assertHidden(wawi, ['wawi-key-secret-123'])
    const scx = new jtl.ScxClient({ refreshToken: 'scx-refresh-secret-123', endpoints: emulator.endpoints() })
    assertHidden(scx, ['scx-refresh-secret-123'])

    const wrapped = new jtl.Secret('hunter2-hunter2')
    assertHidden(wrapped, ['hunter2'])
    assert.equal(String(wrapped), 'Secret(***)')
    assert.equal(util.inspect(wrapped), 'Secret(***)')
    assert.equal(wrapped.expose(), 'hunter2-hunter2')
  })

  await t.test('the options object is not kept by the client', () => {
    const options = { clientId: 'id-1', clientSecret: 'very-secret-value-1', endpoints: emulator.url, tenantId: emulator.tenantId }
    const c = new jtl.CloudClient(options)
    assert.deepEqual(Object.keys(c), [], 'no own properties')
    assertHidden(c, ['very-secret-value-1'])
  })

  await t.test('error messages', async () => {
    const wrong = cloudClient(emulator, { clientSecret: 'wrong-secret-xyz-987' })
    const err = await rejection(wrong.get('info'))
    assert.equal(err.code, 'invalid_credentials')
    for (const shown of [err.message, err.stack, util.inspect(err), JSON.stringify(err)]) {
      assert.ok(!shown.includes('wrong-secret-xyz-987'), shown)
    }
    const badWawi = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: 'wawi-key-secret-456', appId: 'secrets/1.0.0', appVersion: '1.0.0' })
    const wawiErr = await rejection(badWawi.get('v1/items'))
    assert.equal(wawiErr.code, 'unauthorized')
    assert.ok(!util.inspect(wawiErr).includes('wawi-key-secret-456'))
  })

  await t.test('Wawi registration keys', async () => {
    emulator.updateSettings({ wawiAutoApproveMs: 0 })
    const registration = await jtl.registerWawiApp(
      emulator.wawiBase,
      { appId: 'com.example.secret', displayName: 'Secret', description: 'd', version: '1.0', providerName: 'p', providerWebsite: 'https://example.com', mandatoryScopes: ['all.read'] },
      { tenantId: emulator.tenantId, pollInterval: 0.02, timeout: 5 },
    )
    const key = registration.apiKey.expose()
    assert.ok(key.length > 8)
    assertHidden(registration, [key])
    assertHidden(registration.apiKey, [key])
  })
})
