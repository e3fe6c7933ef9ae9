'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { jtl, setup, cloudClient } = require('./helpers.js')

test('CloudClient against the emulator', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())

  await t.test('access token, then GET /info with the tenant header', async () => {
    const token = await client.accessToken()
    assert.ok(token instanceof jtl.AccessToken)
    assert.ok(token.expiresAt instanceof Date)
    assert.ok(token.expiresAt.getTime() > Date.now() + 30 * 60 * 1000, 'an hour of lifetime')
    assert.equal(token.expose().split('.').length, 3, 'a JWT')
    assert.match(token.fingerprint, /^[0-9a-f]{8}$/)

    const response = await client.get('info')
    assert.ok(response instanceof jtl.Response)
    assert.equal(response.status, 200)
    assert.equal(response.ok, true)
    const info = response.json()
    assert.equal(info.tenantId, emulator.tenantId)
    assert.equal(typeof response.text, 'string')
    assert.deepEqual(JSON.parse(response.text), info)
    assert.equal(response.headers['content-type'], 'application/json')
    assert.equal(response.header('Content-Type'), 'application/json')
    assert.equal(response.rateLimit.limit, 10000)
    assert.equal(emulator.stats().token, 1, 'the token is cached')
  })

  await t.test('pagination over 3+ pages with for await', async () => {
    const before = emulator.stats().routes['GET /erp/v2/{resource}'] || 0
    const ids = []
    for await (const item of client.paginate('items', { pageSize: 20 })) ids.push(item.id)
    assert.equal(ids.length, 60, 'the emulator has 60 items per tenant')
    assert.equal(new Set(ids).size, 60, 'no record twice')
    const pages = emulator.stats().routes['GET /erp/v2/{resource}'] - before
    assert.equal(pages, 3, 'one request per page')

    const sizes = []
    for await (const page of client.paginate('customers', { pageSize: 7 }).pages()) sizes.push(page.items.length)
    assert.deepEqual(sizes, [7, 7, 7, 7, 2], '30 customers in pages of 7')

    const orders = await client.paginate('sales-orders', { params: { pageSize: 10 }, pageSize: 10 }).toArray()
    assert.equal(orders.length, 25)

    const page = await client.page('items', { pageNumber: 2, pageSize: 25 })
    assert.equal(page.pageNumber, 2)
    assert.equal(page.items.length, 25)
    assert.equal(page.totalItems, 60)
    assert.equal(page.nextPage, 3)
  })

  await t.test('request in both forms, and the write helpers', async () => {
    const a = await client.request({ method: 'GET', path: 'items', params: { pageSize: 2, pageNumber: 1 } })
    const b = await client.request('get', 'items', { params: [['pageSize', 2]] })
    assert.equal(a.json().items.length, 2)
    assert.deepEqual(a.json().items, b.json().items)

    const sku = `node-${process.pid}-${Date.now()}`
    const created = await client.post('items', { sKU: sku, name: 'From Node', price: 9.5 })
    assert.equal(created.status, 201)
    const item = created.json()
    assert.equal(item.sKU, sku)
    const id = item.id
    const put = await client.put(`items/${id}`, { sKU: sku, name: 'Renamed', price: 10 })
    assert.equal(put.json().name, 'Renamed')
    const patched = await client.patch(`items/${id}`, { name: 'Patched' })
    assert.equal(patched.json().name, 'Patched')
    const deleted = await client.delete(`items/${id}`)
    assert.ok(deleted.status === 204 || deleted.status === 200)
  })

  await t.test('forTenant shares the token cache; runAs sends X-RunAs', async () => {
    const tokens = emulator.stats().token
    const other = client.forTenant(emulator.secondTenantId)
    assert.equal(other.tenantId, emulator.secondTenantId)
    const info = (await other.get('info')).json()
    assert.equal(info.tenantId, emulator.secondTenantId)
    const asUser = (await client.runAs('user-7').get('info')).json()
    assert.equal(asUser.runAs, 'user-7')
    assert.equal(emulator.stats().token, tokens, 'no new token for another tenant')
  })

  await t.test('Endpoints: named, emulator, custom', () => {
    const production = jtl.Endpoints.production()
    assert.equal(production.name, 'production')
    assert.equal(production.apiBase, 'https://api.jtl-cloud.com/erp/v2/')
    assert.equal(jtl.Endpoints.beta().name, 'beta')
    assert.equal(jtl.Endpoints.sandbox().scxBase, 'https://scx-sbx.api.jtl-software.com/v1/')
    const emu = jtl.Endpoints.emulator(emulator.url)
    assert.equal(emu.tokenUrl, `${emulator.url}/oauth2/token`)
    assert.equal(emu.jwksUrl, `${emulator.url}/account/.well-known/jwks.json`)
    const custom = new jtl.Endpoints({ apiBase: 'https://proxy.example/erp/v2', scxBase: 'https://scx.example/v1' })
    assert.equal(custom.name, 'custom')
    assert.equal(custom.apiBase, 'https://proxy.example/erp/v2/')
    assert.equal(custom.tokenUrl, production.tokenUrl)
    assert.deepEqual(Object.keys(custom.toJSON()).sort(), ['apiBase', 'jwksUrl', 'name', 'scxBase', 'tokenUrl'])
    assert.equal(jtl.Endpoints.fromName('qa').name, 'qa')
    // A URL string works wherever endpoints are taken.
    const byUrl = cloudClient(emulator, { endpoints: emulator.url })
    assert.equal(byUrl.endpoints.name, 'emulator')
  })

  await t.test('CloudClient.fromEnv reads JTL_* variables', async () => {
    const saved = { ...process.env }
    try {
      process.env.JTL_CLIENT_ID = emulator.clientId
      process.env.JTL_CLIENT_SECRET = emulator.clientSecret
      process.env.JTL_TENANT_ID = emulator.tenantId
      process.env.JTL_ENVIRONMENT = emulator.url
      const fromEnv = jtl.CloudClient.fromEnv()
      assert.equal(fromEnv.tenantId, emulator.tenantId)
      assert.equal((await fromEnv.get('info')).status, 200)
    } finally {
      for (const name of ['JTL_CLIENT_ID', 'JTL_CLIENT_SECRET', 'JTL_TENANT_ID', 'JTL_ENVIRONMENT']) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
    }
  })

  await t.test('session tokens: verify, decodeUnverified', async () => {
    const verifier = client.sessionVerifier({ unknownKidCooldown: 0 })
    assert.ok(verifier instanceof jtl.SessionVerifier)
    assert.equal(verifier.jwksUrl, `${emulator.url}/account/.well-known/jwks.json`)
    const minted = emulator.mintSessionToken({ tenantSlug: 'my-shop', ttlSeconds: 600, claims: { role: 'admin' } })
    const claims = await verifier.verify(minted.token)
    assert.equal(claims.tenantId, emulator.tenantId)
    assert.equal(claims.userId, minted.userId)
    assert.equal(claims.tenantSlug, 'my-shop')
    assert.ok(claims.expiresAt instanceof Date)
    assert.equal(claims.expiresAt.getTime(), minted.expiresAt * 1000)
    assert.equal(claims.claims.role, 'admin')
    await verifier.verify(minted.token)
    assert.equal(verifier.stats().jwksFetches, 1)
    assert.equal(verifier.stats().cacheHits, 1)

    // the documented token: the payload kid is the customer id
    assert.equal(claims.customerId, emulator.customerId)
    // the key id in the payload (the first edition's reading) is no key selector either
    const inPayload = emulator.mintSessionToken({ kid: 'payload' })
    assert.equal((await verifier.verify(inPayload.token)).userId, inPayload.userId)

    // after a key rotation the new key is fetched once
    emulator.rotateKeys()
    const rotated = emulator.mintSessionToken()
    assert.equal((await verifier.verify(rotated.token)).userId, rotated.userId)
    assert.equal(verifier.stats().jwksFetches, 2)

    const decoded = jtl.decodeUnverified(minted.token)
    assert.equal(decoded.header.alg, 'EdDSA')
    assert.equal(decoded.claims.tenantSlug, 'my-shop')
  })
})
