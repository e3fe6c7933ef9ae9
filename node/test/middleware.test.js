'use strict'

// The session middleware over a real node:http server.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { jtl, setup } = require('./helpers.js')

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

async function call(server, headers = {}) {
  const { port } = server.address()
  const response = await fetch(`http://127.0.0.1:${port}/api/setup`, { headers })
  return { status: response.status, headers: response.headers, body: await response.json() }
}

test('jtlSession middleware', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const verifier = client.sessionVerifier()
  const auth = jtl.jtlSession(verifier)

  // Express style: (req, res, next); here from plain node:http.
  const server = await listen((req, res) => {
    auth(req, res, (err) => {
      if (err) {
        res.statusCode = 502
        res.end(JSON.stringify({ error: err.code }))
        return
      }
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ tenantId: req.jtlSession.tenantId, userId: req.jtlSession.userId }))
    })
  })
  t.after(() => new Promise((resolve) => server.close(resolve)))

  await t.test('a valid token passes, with its claims on req.jtlSession', async () => {
    const minted = emulator.mintSessionToken({ userId: 'user-42' })
    const answer = await call(server, { Authorization: `Bearer ${minted.token}` })
    assert.equal(answer.status, 200)
    assert.deepEqual(answer.body, { tenantId: emulator.tenantId, userId: 'user-42' })
  })

  await t.test('no token: 401 JSON', async () => {
    const answer = await call(server)
    assert.equal(answer.status, 401)
    assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer')
    assert.equal(answer.body.error, 'unauthorized')
    const basic = await call(server, { Authorization: 'Basic abc' })
    assert.equal(basic.status, 401)
  })

  await t.test('invalid tokens: 401 JSON with the reason', async () => {
    const expired = emulator.mintSessionToken({ ttlSeconds: -3600 }).token
    for (const [token, reason] of [[expired, 'expired'], ['garbage', 'malformed'], [emulator.mintSessionToken({ key: 'unpublished', kid: 'header' }).token, 'unknown_key']]) {
      const answer = await call(server, { Authorization: `Bearer ${token}` })
      assert.equal(answer.status, 401)
      assert.equal(answer.body.error, 'invalid_token')
      assert.equal(answer.body.reason, reason)
      assert.match(answer.headers.get('www-authenticate'), /invalid_token/)
    }
  })

  await t.test('keys unavailable: next(err), or 503 without next', async () => {
    const fresh = client.sessionVerifier()
    emulator.injectFault({ service: 'jwks', kind: 'status', status: 500, count: 0 })
    try {
      const token = emulator.mintSessionToken().token
      const withNext = jtl.jtlSession(fresh)
      let passed
      const res = fakeResponse()
      assert.equal(await withNext({ headers: { authorization: `Bearer ${token}` } }, res, (err) => { passed = err }), false)
      assert.ok(passed instanceof jtl.JtlError)
      assert.equal(passed.code, 'api')
      assert.equal(res.statusCode, 0, 'not answered: the error handler does that')

      const withoutNext = jtl.jtlSession(fresh)
      const res2 = fakeResponse()
      assert.equal(await withoutNext({ headers: { authorization: `Bearer ${token}` } }, res2), false)
      assert.equal(res2.statusCode, 503)
    } finally {
      emulator.clearFaults()
    }
  })

  await t.test('plain node:http without next: resolves true when verified', async () => {
    const mw = jtl.jtlSession(client, { property: 'session' })
    const req = { headers: { authorization: `Bearer ${emulator.mintSessionToken().token}` } }
    assert.equal(await mw(req, fakeResponse()), true)
    assert.equal(req.session.tenantId, emulator.tenantId)
  })

  await t.test('bearerToken', () => {
    assert.equal(jtl.bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi')
    assert.equal(jtl.bearerToken('bearer   x '), 'x')
    assert.equal(jtl.bearerToken('Basic x'), null)
    assert.equal(jtl.bearerToken(undefined), null)
    assert.throws(() => jtl.jtlSession({}), TypeError)
  })
})

function fakeResponse() {
  return {
    statusCode: 0,
    headersSent: false,
    headers: {},
    body: undefined,
    setHeader(name, value) { this.headers[name.toLowerCase()] = value },
    end(body) { this.body = body; this.headersSent = true },
  }
}
