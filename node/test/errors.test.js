'use strict'

// Every error code arrives as a JtlError with the right fields.
const test = require('node:test')
const assert = require('node:assert/strict')
const { jtl, setup, cloudClient, rejection, thrown } = require('./helpers.js')

const noRetry = { http: { maxRetries: 0 } }

function assertJtlError(err, code, fields = {}) {
  assert.ok(err instanceof jtl.JtlError, `expected a JtlError; got ${err && err.stack}`)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'JtlError')
  assert.equal(err.code, code, err.message)
  assert.ok(jtl.ERROR_CODES[code], `${code} is in ERROR_CODES`)
  assert.equal(typeof err.message, 'string')
  assert.ok(err.message.length > 0)
  for (const [name, value] of Object.entries(fields)) assert.deepEqual(err[name], value, `${code}.${name}`)
}

test('errors', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  t.afterEach(() => emulator.clearFaults())

  await t.test('invalid_input: thrown synchronously by constructors, rejected by calls', async () => {
    assertJtlError(thrown(() => new jtl.CloudClient({ clientId: '', clientSecret: 'x' })), 'invalid_input')
    assertJtlError(thrown(() => new jtl.CloudClient({ clientId: 'id' })), 'invalid_input')
    assertJtlError(thrown(() => jtl.Endpoints.emulator('http://example.com')), 'invalid_input')
    assertJtlError(thrown(() => new jtl.Endpoints({ apiBase: 'ftp://x' })), 'invalid_input')
    assertJtlError(thrown(() => client.forTenant(' ')), 'invalid_input')
    assertJtlError(await rejection(client.request('FETCH', 'items')), 'invalid_input')
    assertJtlError(await rejection(client.request({ method: 'GET' })), 'invalid_input')
    assertJtlError(await rejection(client.get('https://evil.example/x')), 'invalid_input')
    assertJtlError(await rejection(client.get('items', { headers: { Authorization: 'x' } })), 'invalid_input')
    assertJtlError(await rejection(client.get('items', { params: { deep: { a: 1 } } })), 'invalid_input')
    assertJtlError(thrown(() => client.sessionVerifier({ algorithms: ['nope'] })), 'invalid_input')
    assertJtlError(thrown(() => emulator.injectFault({ service: 'nope' })), 'invalid_input')
  })

  await t.test('config: no tenant, missing environment variable, unsafe verifier', async () => {
    const noTenant = cloudClient(emulator, { tenantId: undefined })
    assertJtlError(await rejection(noTenant.get('info')), 'config')
    const saved = process.env.JTL_CLIENT_ID
    delete process.env.JTL_CLIENT_ID
    try {
      const err = thrown(() => jtl.CloudClient.fromEnv())
      assertJtlError(err, 'config')
      assert.match(err.message, /JTL_CLIENT_ID/)
    } finally {
      if (saved !== undefined) process.env.JTL_CLIENT_ID = saved
    }
    assertJtlError(thrown(() => client.sessionVerifier({ algorithms: ['HS256'] })), 'config')
  })

  await t.test('invalid_credentials: wrong secret (status 401, errorCode invalid_client)', async () => {
    const wrong = cloudClient(emulator, { clientSecret: 'not-the-secret' })
    const err = await rejection(wrong.get('info'))
    assertJtlError(err, 'invalid_credentials', { status: 401, errorCode: 'invalid_client' })
    assert.ok(!err.message.includes('not-the-secret'))
  })

  await t.test('unauthorized: 401 after one refresh and one retry', async () => {
    emulator.injectFault({ service: 'api', kind: 'status', status: 401, count: 2 })
    const err = await rejection(client.get('info'))
    assertJtlError(err, 'unauthorized', { status: 401 })
  })

  await t.test('forbidden: a tenant the client may not use', async () => {
    const err = await rejection(client.forTenant(emulator.foreignTenantId).get('info'))
    assertJtlError(err, 'forbidden', { status: 403, errorCode: 'TENANT_FORBIDDEN' })
  })

  await t.test('not_found', async () => {
    assertJtlError(await rejection(client.get('items/999999')), 'not_found', { status: 404, errorCode: 'NOT_FOUND' })
  })

  await t.test('conflict: a duplicate sku', async () => {
    const sku = `dup-${process.pid}-${Date.now()}`
    await client.post('items', { sKU: sku, name: 'One', price: 1 })
    const err = await rejection(client.post('items', { sKU: sku, name: 'Two', price: 1 }))
    assertJtlError(err, 'conflict', { status: 409 })
  })

  await t.test('rate_limited: Retry-After longer than the client waits', async () => {
    emulator.injectFault({ service: 'api', kind: 'status', status: 429, retryAfter: '120' })
    const err = await rejection(client.get('info'))
    assertJtlError(err, 'rate_limited', { status: 429, retryAfter: 120 })
  })

  await t.test('api: validation errors (422) and server errors', async () => {
    const err = await rejection(client.post('items', { name: 'no sku' }))
    assertJtlError(err, 'api', { status: 422, errorCode: 'VALIDATION_ERROR' })
    assert.equal(err.validationErrors.sKU, 'is required')
    assert.deepEqual(Object.keys(err.validationErrors), ['sKU'])

    emulator.injectFault({ service: 'api', kind: 'status', status: 500 })
    assertJtlError(await rejection(cloudClient(emulator, noRetry).get('info')), 'api', { status: 500 })

    emulator.injectFault({ service: 'api', kind: 'malformed_json' })
    const response = await client.get('info')
    assertJtlError(thrown(() => response.json()), 'api', { status: 200 })
  })

  await t.test('network: the connection drops', async () => {
    const quick = cloudClient(emulator, noRetry)
    await quick.accessToken()
    emulator.injectFault({ service: 'api', kind: 'drop' })
    assertJtlError(await rejection(quick.get('info')), 'network')
  })

  await t.test('timeout: no answer within the http timeout', async () => {
    const impatient = cloudClient(emulator, { http: { maxRetries: 0, timeout: 0.2 } })
    await impatient.accessToken()
    emulator.injectFault({ service: 'api', kind: 'delay', delayMs: 2000 })
    assertJtlError(await rejection(impatient.get('info')), 'timeout')
    assertJtlError(await rejection(client.get('info', { timeout: -1 })), 'invalid_input')
  })

  await t.test('token_invalid: with the reason', async () => {
    const verifier = client.sessionVerifier()
    const cases = [
      [emulator.mintSessionToken({ ttlSeconds: -3600 }).token, 'expired'],
      [emulator.mintSessionToken({ key: 'unpublished', kid: 'header' }).token, 'unknown_key'],
      [emulator.mintSessionToken({ iss: 'https://evil.example' }).token, 'wrong_issuer'],
      [emulator.mintSessionToken({ header: { alg: 'HS256' } }).token, 'algorithm_not_allowed'],
      ['not-a-jwt', 'malformed'],
      ['x'.repeat(20000), 'too_large'],
    ]
    const good = emulator.mintSessionToken().token
    const [head, body, sig] = good.split('.')
    cases.push([`${head}.${body}.${sig.slice(0, -4)}AAAA`, 'bad_signature'])
    // JTL's documented token has no iss: refused only by a verifier that requires one.
    const noIss = emulator.mintSessionToken({ iss: null }).token
    assertJtlError(await rejection(client.sessionVerifier({ requireIssuer: true }).verify(noIss)), 'token_invalid', { reason: 'missing_claim' })
    for (const [token, reason] of cases) {
      assertJtlError(await rejection(verifier.verify(token)), 'token_invalid', { reason })
    }
    assertJtlError(thrown(() => jtl.decodeUnverified('a.b')), 'token_invalid', { reason: 'malformed' })
  })

  await t.test('registration_rejected: the user rejects the Wawi registration', async () => {
    const pending = await jtl.startWawiRegistration(emulator.wawiBase, { appId: 'com.example.rejected', displayName: 'Rejected', description: 'd', version: '1.0', providerName: 'p', providerWebsite: 'https://example.com', mandatoryScopes: ['all.read'] }, { tenantId: emulator.tenantId })
    assert.equal(await pending.poll(), null, 'pending at first')
    emulator.rejectWawiRegistration(pending.requestId)
    assertJtlError(await rejection(pending.poll()), 'registration_rejected')
  })

  await t.test('the emulator after stop() throws config', async () => {
    const other = await jtl.startEmulator()
    await other.stop()
    await other.stop()
    assertJtlError(thrown(() => other.stats()), 'config')
  })

  await t.test('JtlError is a plain Error subclass users can construct and serialise', () => {
    const err = new jtl.JtlError('nope', { code: 'rate_limited', retryAfter: 3, status: 429 })
    assert.equal(err.code, 'rate_limited')
    assert.deepEqual(JSON.parse(JSON.stringify(err)), { name: 'JtlError', code: 'rate_limited', message: 'nope', status: 429, retryAfter: 3 })
    assert.match(String(err), /^JtlError: nope/)
  })
})
