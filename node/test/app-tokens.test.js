'use strict'

// Facts §4.1 and §4.2: the documented session token and JTL app tokens, against the
// in-process emulator in its default mode and with each variant setting.

const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, rejection } = require('./helpers.js')

const VARIANTS = [
  ['default', {}],
  ['kid in header', { sessionKidInHeader: true }],
  ['kid-less JWKS', { jwksWithoutKid: true }],
  ['all', { sessionKidInHeader: true, jwksWithoutKid: true, sessionIssuer: 'https://api.jtl-cloud.com' }],
]

for (const [name, settings] of VARIANTS) {
  test(`the documented session token verifies (${name})`, async () => {
    const { emulator, client } = await setup({ settings })
    try {
      const verifier = client.sessionVerifier()
      const minted = emulator.mintSessionToken()
      assert.equal(minted.customerId, emulator.customerId)
      const claims = await verifier.verify(minted.token)
      assert.equal(claims.tenantId, emulator.tenantId)
      assert.equal(claims.customerId, emulator.customerId)
      assert.ok(claims.appId == null)
      const wrong = await rejection(verifier.verify(emulator.mintSessionToken({ iss: 'https://evil.example' }).token))
      assert.equal(wrong.reason, 'wrong_issuer')
      const app = client.appTokenVerifier(emulator.appId)
      assert.equal((await app.verify(emulator.mintAppToken().token)).appId, emulator.appId)
    } finally {
      await emulator.stop()
    }
  })
}

test('app tokens verify with their claims; each failure names its check', async () => {
  const { emulator, client } = await setup()
  try {
    const verifier = client.appTokenVerifier(emulator.appId)
    assert.equal(verifier.jwksUrl, `${emulator.appIssuer}/oauth/v2/keys`)
    const minted = emulator.mintAppToken({ userId: 'user-7', tenantId: emulator.secondTenantId })
    assert.deepEqual(minted.audience, [emulator.appId])
    const claims = await verifier.verify(minted.token)
    assert.equal(claims.tenantId, emulator.secondTenantId)
    assert.equal(claims.userId, 'user-7')
    assert.equal(claims.appId, emulator.appId)
    assert.ok(claims.customerId == null)
    const cases = [
      [{ audience: ['someone-else'] }, 'wrong_audience', 'audience'],
      [{ iss: 'https://id.evil.example' }, 'wrong_issuer', 'issuer'],
      [{ ttlSeconds: -600 }, 'expired', 'expiry'],
      [{ key: 'foreign' }, 'bad_signature', 'signature'],
      [{ key: 'unpublished' }, 'unknown_key', 'signature'],
    ]
    for (const [spec, reason, check] of cases) {
      const err = await rejection(verifier.verify(emulator.mintAppToken(spec).token))
      assert.equal(err.reason, reason, err.message)
      assert.match(err.message, new RegExp(`the ${check} check failed`))
    }
    const eddsa = await rejection(verifier.verify(emulator.mintSessionToken().token))
    assert.equal(eddsa.reason, 'algorithm_not_allowed')
    const other = client.appTokenVerifier(emulator.appId, { issuer: 'https://id.jtl-cloud.com' })
    assert.equal(other.jwksUrl, 'https://id.jtl-cloud.com/oauth/v2/keys')
  } finally {
    await emulator.stop()
  }
})

test('requireIssuer and maxLifetime', async () => {
  const { emulator, client } = await setup()
  try {
    const strict = client.sessionVerifier({ requireIssuer: true })
    assert.equal((await rejection(strict.verify(emulator.mintSessionToken().token))).reason, 'missing_claim')
    const short = client.sessionVerifier({ maxLifetime: 600 })
    assert.equal((await rejection(short.verify(emulator.mintSessionToken().token))).reason, 'lifetime_too_long')
    const app = client.appTokenVerifier(emulator.appId, { maxLifetime: 600 })
    assert.equal((await rejection(app.verify(emulator.mintAppToken().token))).reason, 'lifetime_too_long')
  } finally {
    await emulator.stop()
  }
})
