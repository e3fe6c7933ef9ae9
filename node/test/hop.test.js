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

test('accessToken(): the same AccessToken object while the token is cached, a new one after a refresh', async (t) => {
  // 2 s tokens: the core refreshes after half their life (its margin is min(300 s, life / 2)).
  const { emulator, client } = await setup({ settings: { tokenLifetimeSecs: 2 } })
  t.after(() => emulator.stop())
  const first = await client.accessToken() // fetched: the Promise path
  const again = client.accessToken() // cached: answered at once, no Promise
  assert.equal(typeof again.then, 'undefined', 'a cached token is not a Promise')
  assert.equal(again, first, 'the same object while the token is the same')
  assert.equal(await client.accessToken(), first)
  assert.equal(client.forTenant(emulator.tenantId).accessToken(), first, 'forTenant shares the cache and the object')
  // Long enough for the token to be past its usable life: the next call fetches a new one.
  await new Promise((resolve) => setTimeout(resolve, 2100))
  const renewed = await client.accessToken()
  assert.notEqual(renewed, first, 'a new token is a new object')
  assert.notEqual(renewed.expose(), first.expose())
  assert.ok(renewed.expiresAt > first.expiresAt)
  assert.equal(await client.accessToken(), renewed, 'and then that one stays')
  assert.equal(first.fingerprint.length, 8, 'the old object still reads its own token')
  const other = cloudClient(emulator)
  assert.notEqual(await other.accessToken(), renewed, 'another client has its own cache')
})

test('paginate() requests the next page while the current one is read, never beyond the last', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  await client.accessToken()
  const api = () => emulator.stats().api
  const until = async (n) => {
    for (let i = 0; i < 500 && api() < n; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    return api()
  }
  // 60 seeded items in pages of 25: three pages, three requests.
  const records = client.paginate('items', { pageSize: 25 })[Symbol.asyncIterator]()
  const first = await records.next()
  assert.equal(first.done, false)
  assert.equal(await until(2), 2, 'page 2 requested while page 1 is read')
  let n = 1
  for (let step = await records.next(); !step.done; step = await records.next()) n += 1
  assert.equal(n, 60)
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(api(), 3, 'nothing after the last page')
  assert.equal((await records.next()).done, true)
  assert.equal(api(), 3)
})

test('paginate(): a failed page rejects after every record before it', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  await client.accessToken()
  const records = client.paginate('items', { pageSize: 25 })[Symbol.asyncIterator]()
  assert.equal((await records.next()).done, false)
  // Page 2 answered (prefetched); the request of page 3 meets a 404 (not retried).
  for (let i = 0; i < 500 && emulator.stats().api < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  emulator.injectFault({ service: 'api', kind: 'status', status: 404 })
  let read = 1
  const err = await (async () => {
    try {
      for (;;) {
        const step = await records.next()
        if (step.done) return null
        read += 1
      }
    } catch (e) {
      return e
    }
  })()
  assert.ok(err, `expected page 3 to fail; the walk ended after ${read} records`)
  assert.equal(err.code, 'not_found')
  assert.equal(read, 50, 'every record of pages 1 and 2 before the error')
  assert.equal(emulator.stats().api, 3)
})

test('paginate(): next() calls made at once get the records in order; toArray() after a partial walk has the rest', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const expected = (await client.get('items', { params: { pageSize: '60' } })).json().items.map((i) => i.id)
  assert.equal(expected.length, 60)
  // 60 records in pages of 25, asked for all at once (no await in between) and one more.
  const records = client.paginate('items', { pageSize: 25 })[Symbol.asyncIterator]()
  const steps = await Promise.all(Array.from({ length: 61 }, () => records.next()))
  assert.deepEqual(steps.slice(0, 60).map((s) => s.value.id), expected)
  assert.equal(steps[60].done, true)
  // Half a page read, then toArray(): the records not read yet, in order, none twice.
  const walk = client.paginate('items', { pageSize: 25 })
  const it = walk[Symbol.asyncIterator]()
  for (let i = 0; i < 30; i++) await it.next()
  const rest = await walk.toArray()
  assert.deepEqual(rest.map((i) => i.id), expected.slice(30))
})
