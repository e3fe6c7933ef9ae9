'use strict'

// Option objects are checked by the core's schemas: unknown names are errors in Node's
// spelling with a "did you mean", durations are seconds (issue 16).
const test = require('node:test')
const assert = require('node:assert/strict')
const jtl = require('..')

const base = { clientId: 'id', clientSecret: 'secret' }

function invalid(fn, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof jtl.JtlError, String(err))
    assert.equal(err.code, 'invalid_input')
    assert.match(err.message, pattern)
    return true
  })
}

test('an unknown client option is invalid_input naming it, with a suggestion in camelCase', () => {
  invalid(() => new jtl.CloudClient({ ...base, tenantID: 'x' }), /"tenantID".*did you mean "tenantId"/)
  invalid(() => new jtl.CloudClient({ ...base, tenant_id: 'x' }), /did you mean "tenantId"/)
  invalid(() => new jtl.ScxClient({ refreshToken: 't', acceptLangauge: 'en' }), /did you mean "acceptLanguage"/)
  invalid(() => new jtl.WawiClient({ baseUrl: 'http://127.0.0.1:1/api/eazybusiness', apiKey: 'k', appID: 'a' }), /did you mean "appId"/)
})

test('HTTP options: seconds, checked types, unknown names refused', () => {
  assert.ok(new jtl.CloudClient({ ...base, http: { timeout: 1.5, deadline: 3, maxRetries: 0, maxRetryAfter: 2 } }))
  invalid(() => new jtl.CloudClient({ ...base, http: { timeoutMs: 5000 } }), /http: unknown option "timeoutMs"/)
  invalid(() => new jtl.CloudClient({ ...base, http: { timeout: '5' } }), /http\.timeout: expected a number of seconds/)
  invalid(() => new jtl.CloudClient({ ...base, http: { timeout: -1 } }), /http\.timeout/)
})

test('verifier options: verifyIssuer, seconds, unknown names refused', () => {
  const client = new jtl.CloudClient(base)
  assert.ok(client.sessionVerifier({ verifyIssuer: false, leeway: 0.5, jwksTtl: 60 }))
  invalid(() => client.sessionVerifier({ leewaySecs: 30 }), /sessionVerifier: unknown option "leewaySecs"/)
  invalid(() => client.sessionVerifier({ jwksTtl: 'soon' }), /sessionVerifier\.jwksTtl/)
  invalid(() => client.appTokenVerifier('app', { audience: ['x'] }), /appTokenVerifier: unknown option "audience"/)
})

test('optionSchemas lists every option of the core in camelCase, with defaults', () => {
  const schemas = jtl.optionSchemas()
  const http = Object.fromEntries(schemas.http.map((o) => [o.name, o]))
  assert.deepEqual(http.maxRetries, { name: 'maxRetries', type: 'count', default: 3 })
  assert.equal(http.timeout.default, 30)
  const verifier = schemas.sessionVerifier.map((o) => o.name)
  assert.ok(verifier.includes('verifyIssuer') && verifier.includes('unknownKidCooldown'))
  assert.deepEqual(Object.keys(jtl.ERROR_CODES).length, 17)
  assert.ok('sign_in_required' in jtl.ERROR_CODES && 'state_mismatch' in jtl.ERROR_CODES)
  assert.ok(jtl.TOKEN_INVALID_REASONS.includes('lifetime_too_long'))
})

test('a cached verification is answered synchronously by verify (no JS patch)', async () => {
  assert.equal(Object.getOwnPropertyDescriptor(jtl.SessionVerifier.prototype, 'verify').value.toString().includes('[native code]'), true)
  const emulator = await jtl.startEmulator()
  try {
    const client = new jtl.CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, endpoints: emulator.endpoints() })
    const verifier = client.sessionVerifier()
    const { token } = emulator.mintSessionToken()
    const first = verifier.verify(token)
    assert.ok(first instanceof Promise)
    assert.equal((await first).tenantId, emulator.tenantId)
    const second = verifier.verify(token)
    assert.ok(!(second instanceof Promise), 'a cache hit comes back at once')
    assert.equal((await second).tenantId, emulator.tenantId)
  } finally {
    await emulator.stop()
  }
})
