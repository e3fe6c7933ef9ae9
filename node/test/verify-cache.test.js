'use strict'

// A verified token is answered from the verifier's cache synchronously (verifyCached, and
// verify's fast path), never past its exp and never for a token that was not verified.
const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, rejection } = require('./helpers.js')

test('cache hits skip the async round trip and agree with verify', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const verifier = client.sessionVerifier()
  const minted = emulator.mintSessionToken({ tenantSlug: 'shop' })
  assert.equal(verifier.verifyCached(minted.token), null, 'nothing verified yet')
  const first = await verifier.verify(minted.token)
  const cached = verifier.verifyCached(minted.token)
  assert.equal(cached.tenantId, first.tenantId)
  assert.equal(cached.userId, minted.userId)
  const again = await verifier.verify(minted.token)
  assert.equal(again.tenantSlug, 'shop')
  assert.equal(verifier.stats().cacheHits, 2, 'verifyCached and the second verify were hits')
  assert.equal(verifier.stats().signatureChecks, 1)
  assert.equal(verifier.verifyCached('x.y.z'), null)
  const err = await rejection(verifier.verify('x.y.z'))
  assert.equal(err.code, 'token_invalid')
  assert.equal(err.reason, 'malformed')
})
