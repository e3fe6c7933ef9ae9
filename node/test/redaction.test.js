'use strict'

// Issue 14.3: a hostile server (the emulator's `echo` fault) repeats the client's
// credentials in every field of its error answer, in every dialect; no property of the
// JtlError may carry one: not `message`, `stack`, `errorCode`, a `validationErrors` key or
// value, nor what `JSON.stringify`, `util.inspect` or `String()` show.
// Covered: Cloud (client secret, its HTTP Basic value, access token), Wawi (API key),
// SCX (refresh token, auth token).
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { jtl, rejection } = require('./helpers.js')

const SHAPES = [undefined, 'erp', 'wawi', 'oauth', 'scx', 'problem', 'text', 'cut']
const ODD_ID = 'node-redaction-client'
const ODD_SECRET = 'Nv5/+ sécret=&"x\\y-8Jd3qWz6'

/** Every string reachable from the error: own properties (enumerable or not), nested
 * values and keys, and the ways it is shown. */
function texts(err) {
  const found = [String(err), JSON.stringify(err), util.inspect(err, { depth: 10, showHidden: true })]
  const walk = (value, depth) => {
    if (depth > 5 || value === null || value === undefined) return
    if (typeof value === 'string') found.push(value)
    else if (typeof value === 'object') {
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key === 'string') found.push(key)
        const descriptor = Object.getOwnPropertyDescriptor(value, key)
        if (descriptor && 'value' in descriptor) walk(descriptor.value, depth + 1)
      }
    }
  }
  walk(err, 0)
  for (const name of ['message', 'stack', 'code', 'errorCode', 'status', 'validationErrors', 'reason']) {
    walk(err[name], 1)
  }
  return found
}

function forms(secret, clientId) {
  const found = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]
  if (clientId !== undefined) {
    const pair = `${clientId}:${secret}`
    found.push(pair)
    for (const encoding of ['base64', 'base64url']) {
      const encoded = Buffer.from(pair).toString(encoding)
      found.push(encoded, encoded.replace(/=+$/, ''))
    }
  }
  return found
}

/** No form of a secret, and no 8 consecutive characters of one that are not also part of
 * the public client id (a prefix a cut left behind). */
function assertClean(what, err, secrets) {
  assert.ok(err instanceof jtl.JtlError, `${what}: expected a JtlError; got ${err && err.stack}`)
  for (const text of texts(err)) {
    for (const [secret, clientId] of secrets) {
      for (const form of forms(secret, clientId)) {
        assert.ok(!text.includes(form), `${what}: ${JSON.stringify(form)} in ${JSON.stringify(text)}`)
      }
      for (let start = 0; start + 8 <= secret.length; start++) {
        const piece = secret.slice(start, start + 8)
        if (clientId !== undefined && clientId.includes(piece)) continue
        assert.ok(!text.includes(piece), `${what}: ${JSON.stringify(piece)} of a secret in ${JSON.stringify(text)}`)
      }
    }
  }
}

test('errors never carry an echoed secret', async (t) => {
  const emulator = await jtl.startEmulator()
  t.after(() => emulator.stop())
  t.afterEach(() => emulator.clearFaults())
  emulator.registerClient({ clientId: ODD_ID, clientSecret: ODD_SECRET, tenants: [emulator.tenantId] })
  const cloud = (clientId, clientSecret) =>
    new jtl.CloudClient({ clientId, clientSecret, tenantId: emulator.tenantId, endpoints: emulator.endpoints() })

  await t.test('Cloud token endpoint: client secret and Basic value, every shape', async () => {
    for (const [id, secret] of [
      [emulator.clientId, emulator.clientSecret],
      [ODD_ID, ODD_SECRET],
    ]) {
      for (const shape of SHAPES) {
        emulator.injectFault({ service: 'token', kind: 'echo', shape })
        const err = await rejection(cloud(id, secret).get('info'))
        assert.equal(err.status, 401, err.message)
        assert.match(err.message, /\*\*\*/)
        assertClean(`token ${shape}`, err, [[secret, id]])
      }
    }
  })

  await t.test('Cloud API: access token, and a body echoing the client secret', async () => {
    const client = cloud(ODD_ID, ODD_SECRET)
    for (const shape of SHAPES) {
      const token = (await client.accessToken()).expose()
      emulator.injectFault({ service: 'api', kind: 'echo', shape })
      const err = await rejection(client.get('info'))
      assert.equal(err.status, 422, err.message)
      assertClean(`api ${shape}`, err, [
        [token, undefined],
        [ODD_SECRET, ODD_ID],
      ])
    }
    const basic = Buffer.from(`${ODD_ID}:${ODD_SECRET}`).toString('base64')
    emulator.injectFault({
      service: 'api',
      status: 400,
      body: {
        errorCode: ODD_SECRET,
        errorMessage: `Authorization: Basic ${basic}`,
        validationErrors: { [ODD_SECRET]: basic, [basic]: ODD_SECRET },
      },
    })
    const err = await rejection(client.get('info'))
    assert.equal(err.errorCode, '***')
    assert.equal(Object.keys(err.validationErrors).length, 2, JSON.stringify(err.validationErrors))
    assertClean('api body', err, [[ODD_SECRET, ODD_ID]])
  })

  await t.test('Wawi: the API key, every shape', async () => {
    const key = emulator.issueWawiApiKey(['all.read'])
    const client = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: key, appId: 'MyApp/1.0.0', appVersion: '1.0.0' })
    for (const shape of SHAPES) {
      emulator.injectFault({ service: 'wawi', kind: 'echo', shape })
      assertClean(`wawi ${shape}`, await rejection(client.get('v1/items')), [[key, undefined]])
    }
  })

  await t.test('SCX: refresh token and auth token, every shape', async () => {
    const refresh = emulator.issueScxRefreshToken()
    const endpoints = emulator.endpoints()
    for (const shape of SHAPES) {
      emulator.injectFault({ service: 'scx_auth', kind: 'echo', shape })
      const err = await rejection(new jtl.ScxClient({ refreshToken: refresh, endpoints }).events())
      assertClean(`scx_auth ${shape}`, err, [[refresh, undefined]])

      const client = new jtl.ScxClient({ refreshToken: refresh, endpoints })
      const token = (await client.accessToken()).expose()
      emulator.injectFault({ service: 'scx', kind: 'echo', shape })
      assertClean(`scx ${shape}`, await rejection(client.events()), [
        [token, undefined],
        [refresh, undefined],
      ])
    }
  })
})
