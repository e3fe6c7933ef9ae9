'use strict'

// The native classes are whole in Rust: async iteration, util.inspect, processEvents and the
// AbortSignal of a registration wait are the addon's own methods, not JavaScript patches
// (issue 16: no prototype patching in node/).
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { jtl, cloudClient, rejection } = require('./helpers.js')

const native = (fn) => typeof fn === 'function' && fn.toString().includes('[native code]')

test('the iteration, inspection and event methods are native', () => {
  assert.ok(native(jtl.Paginator.prototype[Symbol.asyncIterator]))
  assert.ok(native(jtl.Paginator.prototype.pages))
  assert.ok(native(jtl.Paginator.prototype.toArray))
  assert.ok(native(jtl.ScxClient.prototype.processEvents))
  assert.ok(native(jtl.WawiPendingRegistration.prototype.wait))
  for (const name of ['CloudClient', 'WawiClient', 'ScxClient', 'Secret', 'AccountStore', 'Paginator']) {
    assert.ok(native(jtl[name].prototype[util.inspect.custom]), `${name}[util.inspect.custom]`)
  }
})

test('paginator: records, pages and the rest after a partial walk; a failed page is a JtlError', async () => {
  const emulator = await jtl.startEmulator()
  try {
    const client = cloudClient(emulator)
    const walk = client.paginate('items', { pageSize: 20 })
    assert.equal(util.inspect(walk), 'Paginator')
    const iterator = walk[Symbol.asyncIterator]()
    const first = await iterator.next()
    assert.equal(first.done, false)
    const rest = await walk.toArray()
    const all = await client.paginate('items', { pageSize: 20 }).toArray()
    assert.equal(rest.length + 1, all.length, 'toArray continues where the iterator stopped')
    assert.deepEqual((await iterator.next()).done, true)
    const bad = cloudClient(emulator, { clientSecret: 'wrong' })
    const err = await rejection((async () => { for await (const _ of bad.paginate('items')) break })())
    assert.ok(err instanceof jtl.JtlError)
    assert.equal(err.code, 'invalid_credentials')
  } finally {
    await emulator.stop()
  }
})

test('processEvents: plain and async handlers, synchronous throws, non-Error rejections', async () => {
  const emulator = await jtl.startEmulator()
  try {
    emulator.updateSettings({ scxRedeliveryTimeoutMs: 60000 })
    const scx = new jtl.ScxClient({ refreshToken: emulator.scxRefreshToken, endpoints: emulator.endpoints() })
    const a = emulator.pushScxEvent('Seller:Order.Accepted', { orderId: 'C-1' })
    const b = emulator.pushScxEvent('Seller:Order.Payment', { orderId: 'C-2' })
    const c = emulator.pushScxEvent('Seller:Order.Shipping', { orderId: 'C-3' })
    const seen = []
    const outcome = await scx.processEvents((event) => {
      seen.push(event.event.orderId)
      if (event.id === b.id) throw new TypeError('sync failure')
      if (event.id === c.id) return Promise.reject('plain string')
      return 42
    })
    assert.deepEqual(seen, ['C-1', 'C-2', 'C-3'])
    assert.deepEqual(outcome.acknowledged, [a.id])
    assert.deepEqual(outcome.failed.map((f) => [f.id, f.type]), [[b.id, 'Seller:Order.Payment'], [c.id, 'Seller:Order.Shipping']])
    assert.ok(outcome.failed[0].error instanceof Error)
    assert.match(outcome.failed[0].error.message, /sync failure/)
    assert.match(outcome.failed[1].error.message, /plain string/)
    emulator.updateSettings({ scxRedeliveryTimeoutMs: 0 })
    assert.deepEqual((await scx.events()).map((e) => e.id).sort(), [b.id, c.id].sort(), 'the failed ones come again')
  } finally {
    await emulator.stop()
  }
})

test('durations are seconds, checked by core: request timeout, registration pollInterval/timeout', async () => {
  const emulator = await jtl.startEmulator()
  try {
    const client = cloudClient(emulator)
    assert.equal((await client.get('info', { timeout: 5 })).status, 200)
    const bad = await rejection(client.get('info', { timeout: -0.5 }))
    assert.equal(bad.code, 'invalid_input')
    assert.match(bad.message, /timeout/)
    const nan = await rejection(client.get('info', { timeout: NaN }))
    assert.match(nan.message, /timeout/)
    const app = { appId: 'com.example.seconds', displayName: 'S', version: '1', description: 'd', providerName: 'p', providerWebsite: 'https://example.com', mandatoryScopes: ['all.read'] }
    const wrong = await rejection(jtl.registerWawiApp(emulator.wawiBase, app, { tenantId: emulator.tenantId, pollInterval: -1 }))
    assert.equal(wrong.code, 'invalid_input')
    assert.match(wrong.message, /pollInterval/)
  } finally {
    await emulator.stop()
  }
})
