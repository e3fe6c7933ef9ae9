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
    emulator.pushScxEvent('Seller:Order.Created', { orderId: 'A-1' })
    emulator.pushScxEvent('Seller:Order.Cancelled', { orderId: 'A-2' })
    const events = await scx.events()
    assert.equal(events.length, 2)
    assert.equal(events[0].type, 'Seller:Order.Created')
    assert.deepEqual(events[0].event, { orderId: 'A-1' })
    assert.ok(events[0].id)
    await scx.acknowledge(events.map((e) => e.id))
    assert.deepEqual(await scx.events(), [])
    assert.equal(emulator.stats().scxAuth, 1, 'one token exchange')
  })

  await t.test('seller sign-up link and raw requests', async () => {
    const link = await scx.sellerSignUp('my-channel')
    assert.match(link.signUpUrl, /^https?:\/\//)
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
