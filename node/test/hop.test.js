'use strict'

// Issue 19: JSON bodies and pages go through JSON.parse, a verification whose keys are
// cached needs no async round trip (verifyNow), and clients share one HTTP client.
// Timings are the benchmarks' business (bench/node/hop.mjs); these check behaviour.
const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, cloudClient, rejection, thrown } = require('./helpers.js')

test('json() and page items are plain JavaScript values equal to the answer', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const body = (await client.get('items', { params: { pageSize: '25' } })).json()
  assert.equal(body.items.length, 25)
  const page = await client.page('items', { pageSize: 25 })
  assert.deepEqual(page.items, body.items, "page() has the answer's items")
  assert.equal(page.pageNumber, 1)
  assert.equal(page.nextPage, 2)
  assert.equal(typeof page.totalItems, 'number')
  assert.equal(Object.getPrototypeOf(page.items[0]), Object.prototype, 'plain objects')
  const paged = await client.paginate('items', { pageSize: 25 }).nextPage()
  assert.deepEqual(paged.items, body.items)
  let walked = 0
  for await (const item of client.paginate('items', { pageSize: 25 })) walked += item.id ? 1 : 0
  assert.equal(walked, page.totalItems)
  const info = (await client.get('info')).json()
  assert.equal(info.tenantId, emulator.tenantId)
})

test('verifyNow: null until the keys are cached, then the same answers as verify', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const verifier = client.sessionVerifier({ verifiedCacheSize: 0 })
  const first = emulator.mintSessionToken({ tenantSlug: 'shop' })
  assert.equal(verifier.verifyNow(first.token), null, 'no keys yet: the async path')
  const claims = await verifier.verify(first.token)
  assert.equal(claims.tenantSlug, 'shop')
  const second = emulator.mintSessionToken({ userId: 'u-2' })
  const now = verifier.verifyNow(second.token)
  assert.equal(now.userId, 'u-2')
  assert.equal(now.tenantId, claims.tenantId)
  assert.equal(verifier.stats().signatureChecks, 2)
  const expired = emulator.mintSessionToken({ ttlSeconds: -3600 }).token
  assert.equal(thrown(() => verifier.verifyNow(expired)).reason, 'expired')
  assert.equal((await rejection(verifier.verify(expired))).reason, 'expired')
  const [head, payload, signature] = emulator.mintSessionToken().token.split('.')
  const forged = `${head}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
  assert.equal((await rejection(verifier.verify(forged))).reason, 'bad_signature')
  // A key the cached set lacks: the async path (which may refetch) answers.
  const unpublished = emulator.mintSessionToken({ key: 'unpublished', kid: 'header' }).token
  assert.equal(verifier.verifyNow(unpublished), null)
  assert.equal((await rejection(verifier.verify(unpublished))).reason, 'unknown_key')
})

test('a thousand clients (one per account) all work', async (t) => {
  const { emulator } = await setup()
  t.after(() => emulator.stop())
  const clients = Array.from({ length: 1000 }, () => cloudClient(emulator))
  assert.equal((await clients[0].get('info')).status, 200)
  assert.equal((await clients[999].get('info')).status, 200)
})
