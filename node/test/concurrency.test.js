'use strict'

// Promises all the way: 1,000 cold calls share one token request, and the event loop keeps
// running while thousands of verifications and requests are in flight.
const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, cloudClient } = require('./helpers.js')

test('1,000 concurrent cold calls send exactly one token request', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  assert.equal(emulator.stats().token, 0)

  const responses = await Promise.all(Array.from({ length: 1000 }, () => client.get('info')))
  assert.equal(responses.length, 1000)
  assert.ok(responses.every((r) => r.status === 200))
  assert.equal(emulator.stats().token, 1, 'single flight: one token request for 1,000 callers')
  assert.equal(emulator.stats().api, 1000)

  // accessToken() callers share it too
  const fresh = cloudClient(emulator)
  const tokens = await Promise.all(Array.from({ length: 1000 }, () => fresh.accessToken()))
  assert.equal(new Set(tokens.map((token) => token.expose())).size, 1)
  assert.equal(emulator.stats().token, 2)
})

test('a timer fires while 1,000 verifications and 1,000 requests are in flight', async (t) => {
  // Every answer takes 150 ms, so the calls are in flight long enough to watch the loop.
  const { emulator, client } = await setup({ settings: { latencyMs: 150 } })
  t.after(() => emulator.stop())
  const verifier = client.sessionVerifier()
  const tokens = Array.from({ length: 1000 }, (_, i) => emulator.mintSessionToken({ userId: `user-${i}` }).token)

  let ticks = 0
  let last = Date.now()
  let longestGap = 0
  const timer = setInterval(() => {
    const now = Date.now()
    longestGap = Math.max(longestGap, now - last)
    last = now
    ticks += 1
  }, 5)

  const started = Date.now()
  const verifications = tokens.map((token) => verifier.verify(token))
  const requests = Array.from({ length: 1000 }, () => client.get('info'))
  const issuing = Date.now() - started
  const ticksWhenIssued = ticks
  const [claims, responses] = await Promise.all([Promise.all(verifications), Promise.all(requests)])
  const total = Date.now() - started
  clearInterval(timer)

  assert.equal(claims.length, 1000)
  assert.deepEqual(claims.map((c) => c.userId), tokens.map((_, i) => `user-${i}`))
  assert.ok(responses.every((r) => r.status === 200))
  assert.equal(ticksWhenIssued, 0, 'issuing the calls is synchronous and quick')
  assert.ok(ticks >= 5, `the timer fired ${ticks} times in ${total} ms while the calls were in flight`)
  assert.ok(longestGap < 1000, `the event loop was never blocked for long (longest gap ${longestGap} ms)`)
  t.diagnostic(`issued 2,000 calls in ${issuing} ms; all settled after ${total} ms; timer fired ${ticks} times; longest gap ${longestGap} ms`)
})
