'use strict'

// SCX: refresh-token exchange, the event queue, acknowledgements.
const test = require('node:test')
const assert = require('node:assert/strict')
const { jtl, rejection } = require('./helpers.js')

test('ScxClient events', async (t) => {
  const emulator = await jtl.startEmulator()
  t.after(() => emulator.stop())
  const scx = new jtl.ScxClient({ refreshToken: emulator.scxRefreshToken, endpoints: emulator.endpoints(), acceptLanguage: 'en' })

  await t.test('events are listed, then acknowledged', async () => {
    assert.deepEqual(await scx.events(), [])
    emulator.pushScxEvent('Seller:Order.Accepted', { orderId: 'A-1' })
    emulator.pushScxEvent('Seller:Order.Cancellation.Request', { orderId: 'A-2' })
    const events = await scx.events()
    assert.equal(events.length, 2)
    assert.equal(events[0].type, 'Seller:Order.Accepted')
    assert.deepEqual(events[0].event, { orderId: 'A-1' })
    assert.ok(events[0].id)
    await scx.acknowledge(events.map((e) => e.id))
    assert.deepEqual(await scx.events(), [])
    assert.equal(emulator.stats().scxAuth, 1, 'one token exchange')
  })

  await t.test('processEvents acknowledges only the events whose handler succeeded', async () => {
    emulator.updateSettings({ scxRedeliveryTimeoutMs: 0 })
    const good = emulator.pushScxEvent('Seller:Order.Accepted', { orderId: 'B-1' })
    const bad = emulator.pushScxEvent('Seller:Order.Payment', { orderId: 'B-2' })
    const outcome = await scx.processEvents(async (event) => {
      if (event.type === 'Seller:Order.Payment') throw new Error('payment service down')
    })
    assert.deepEqual(outcome.acknowledged, [good.id])
    assert.deepEqual(outcome.failed.map((f) => f.id), [bad.id])
    assert.match(outcome.failed[0].error.message, /payment service down/)
    const left = await scx.events()
    assert.deepEqual(left.map((e) => e.id), [bad.id], 'the failed event is delivered again')
    await scx.acknowledge([bad.id])
    emulator.updateSettings({ scxRedeliveryTimeoutMs: 60000 })
  })

  await t.test('seller sign-up is a Seller API call', async () => {
    const seller = new jtl.ScxClient({ refreshToken: emulator.scxSellerRefreshToken, endpoints: emulator.endpoints() })
    const link = await seller.sellerSignUp('MYCHANNEL', 'Wawi/1.11.0.3')
    assert.match(link.signUpUrl, /^https?:\/\//)
    assert.ok(link.expiresAt instanceof Date && link.expiresAt > new Date())
    const wrongToken = await rejection(scx.sellerSignUp('MYCHANNEL', 'Wawi/1.11.0.3'))
    assert.equal(wrongToken.code, 'invalid_input')
    assert.match(wrongToken.message, /Seller API/)
    const badName = await rejection(seller.sellerSignUp('my-channel', 'Wawi/1.11.0.3'))
    assert.match(badName.message, /channel/)
  })

  await t.test('raw requests', async () => {
    const raw = await scx.get('channel/event')
    assert.deepEqual(raw.json().eventList, [])
    const token = await scx.accessToken()
    assert.ok(token.expiresAt > new Date())
  })

  await t.test('an unknown refresh token is invalid_credentials or unauthorized', async () => {
    const bad = new jtl.ScxClient({ refreshToken: 'not-a-token', endpoints: emulator.url })
    const err = await rejection(bad.events())
    assert.ok(err instanceof jtl.JtlError)
    assert.ok(['invalid_credentials', 'unauthorized'].includes(err.code), err.code)
    assert.equal(err.status, 401)
    assert.equal(err.errorCode, 'ATH100')
  })
})
