'use strict'

// User sign-in (authorization code + PKCE, facts §0, §4.2, §5.4) against the emulator over
// real HTTP: the sign-in page, the code exchange, grants in the AccountStore, the user's
// client (REST, GraphQL), refresh with rotation, invalid_grant → sign_in_required, and no
// secret in util.inspect, JSON or errors.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const jtl = require('..')
const { rejection, thrown } = require('./helpers.js')

const REDIRECT = 'http://127.0.0.1:9/callback'
let emulator
let users

before(async () => {
  emulator = await jtl.startEmulator()
  users = await (await fetch(`${emulator.url}/_emulator/users`)).json()
})

after(async () => {
  await emulator?.stop()
})

/** Where a redirect answer of `url` (GET, or POST of `form`) points. */
async function location(url, form) {
  const init = form
    ? { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' }
    : { redirect: 'manual' }
  const answer = await fetch(url, init)
  assert.ok([302, 303].includes(answer.status), `${answer.status} ${await answer.text()}`)
  return answer.headers.get('location')
}

/** Presses the button of `userId` on the emulator's sign-in page at `url`. */
async function signInOnPage(url, userId) {
  const page = await (await fetch(url)).text()
  assert.ok(page.includes(`data-user="${userId}"`))
  const form = {}
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form[name] = value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  }
  form.user = userId
  return location(`${emulator.url}/oauth2/auth`, form)
}

async function openStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-signin-'))
  const store = await jtl.AccountStore.open(path.join(dir, 'accounts.db'), { masterKey: new Uint8Array(32).fill(3) })
  const account = await store.add('jtl-cloud', 'app', {
    clientId: emulator.clientId, clientSecret: emulator.clientSecret, environment: emulator.url,
  })
  return { store, accountId: account.id, dbPath: path.join(dir, 'accounts.db') }
}

function resetSettings() {
  emulator.updateSettings({ sign_in_mode: 'page', token_lifetime_secs: 3600 })
}

test('the whole flow: page, code exchange, stored grant, the user client (REST, GraphQL)', async () => {
  resetSettings()
  const { store, accountId, dbPath } = await openStore()
  const auth = await store.authorizationCodeClient(accountId, { redirectUri: REDIRECT, scopes: ['items.read'] })
  assert.ok(auth instanceof jtl.AuthorizationCodeClient)
  assert.deepEqual(auth.scopes, ['openid', 'offline_access', 'items.read'])
  const pending = auth.start()
  const url = new URL(pending.url)
  assert.equal(`${url.origin}${url.pathname}`, `${emulator.url}/oauth2/auth`)
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256')
  assert.equal(url.searchParams.get('state'), pending.state.expose())
  // Kept in a session as text, restored on the callback.
  const saved = pending.serialize().expose()
  const restored = jtl.SignIn.deserialize(saved)
  assert.equal(restored.url, pending.url)

  const [anna, ben] = users
  const grant = await auth.finishRedirect(restored, await signInOnPage(restored.url, anna.id))
  assert.ok(grant instanceof jtl.UserGrant)
  assert.equal(grant.userId, anna.id)
  assert.equal(grant.userName, anna.name)
  assert.equal(grant.tenantId, emulator.tenantId)
  assert.ok(grant.expiresAt > new Date())
  const stored = await store.saveGrant(accountId, grant)
  assert.equal(stored.userId, anna.id)
  assert.equal(stored.accountId, accountId)

  const client = await store.userClient(accountId, anna.id)
  assert.ok(client instanceof jtl.CloudClient)
  assert.deepEqual((await client.get('info')).json().user, { id: anna.id, name: anna.name })
  const data = await client.graphql('{ QueryItems(first: 3) { nodes { sku } totalCount } }')
  assert.equal(data.QueryItems.nodes.length, 3)
  let walked = 0
  for await (const _ of client.paginateGraphql(
    'query($first: Int, $after: String) { QueryItems(first: $first, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } totalCount } }',
    { connection: 'QueryItems', pageSize: 25 },
  )) walked += 1
  assert.equal(walked, data.QueryItems.totalCount)

  // A second user, their own data.
  const second = auth.start()
  const grantB = await auth.finishRedirect(second, await signInOnPage(second.url, ben.id))
  await store.saveGrant(accountId, grantB)
  const benInfo = (await (await store.userClient(accountId, ben.id)).get('info')).json()
  assert.deepEqual(benInfo.user, { id: ben.id, name: ben.name })
  assert.deepEqual((await store.grants(accountId)).map((g) => g.userId).sort(), [anna.id, ben.id].sort())

  // Sealed: no token in the database file.
  const raw = fs.readFileSync(dbPath)
  for (const secret of [grant.refreshToken, grant.accessToken, grantB.refreshToken]) {
    assert.ok(!raw.includes(Buffer.from(secret.expose())))
  }
  await store.deleteGrant(accountId, anna.id)
  assert.equal((await rejection(store.grant(accountId, anna.id))).code, 'not_found')
  assert.equal((await rejection(store.userClient(accountId, anna.id))).code, 'not_found')
  await store.delete(accountId)
  assert.deepEqual(await store.grants(accountId), [])
})

test('the state is checked, a code works once, a refresh rotates, a replay means sign in again', async () => {
  resetSettings()
  const auth = new jtl.AuthorizationCodeClient({
    clientId: emulator.clientId, clientSecret: emulator.clientSecret, redirectUri: REDIRECT, endpoints: emulator.endpoints(),
  })
  assert.equal(auth.isConfidential, true)
  const pending = auth.start()
  const back = new URL(await signInOnPage(pending.url, users[0].id))
  const code = back.searchParams.get('code')
  const crossed = await rejection(auth.finish(pending, 'not-the-state', code))
  assert.ok(crossed instanceof jtl.JtlError)
  assert.equal(crossed.code, 'state_mismatch')
  const grant = await auth.finish(pending, back.searchParams.get('state'), code)

  const fresh = await auth.refresh(grant)
  assert.notEqual(fresh.refreshToken.expose(), grant.refreshToken.expose(), 'rotation')
  const replay = await rejection(auth.refresh(grant))
  assert.equal(replay.code, 'sign_in_required')
  assert.ok(!replay.message.includes(grant.refreshToken.expose()))

  // RFC 6749 §4.1.2: a code works once; used again, it is invalid_grant.
  const reused = await rejection(auth.finish(pending, back.searchParams.get('state'), code))
  assert.equal(reused.code, 'sign_in_required')
  assert.equal(reused.errorCode, 'invalid_grant')
  assert.ok(!reused.message.includes(code))
  assert.ok(!reused.message.includes(pending.verifier.expose()))
  assert.ok(jtl.ERROR_CODES.sign_in_required && jtl.ERROR_CODES.state_mismatch)
  // Restored from its serialized text, a grant works as the original would.
  const copy = jtl.UserGrant.deserialize(fresh.serialize())
  assert.equal(copy.refreshToken.expose(), fresh.refreshToken.expose())
})

test('a revoked grant: the stored user client rejects with sign_in_required', async () => {
  const { store, accountId } = await openStore()
  emulator.updateSettings({ sign_in_mode: 'approve', token_lifetime_secs: 2 })
  try {
    const auth = await store.authorizationCodeClient(accountId, { redirectUri: REDIRECT })
    const pending = auth.start()
    const grant = await auth.finishRedirect(pending, await location(pending.url))
    await store.saveGrant(accountId, grant)
    const client = await store.userClient(accountId, grant.userId)
    const first = (await store.grant(accountId, grant.userId)).accessExpiresAt
    await new Promise((resolve) => setTimeout(resolve, 2200))
    // Refreshed from the stored refresh token; the rotated grant is sealed back.
    assert.equal((await client.get('info')).json().user.id, grant.userId)
    assert.ok((await store.grant(accountId, grant.userId)).accessExpiresAt > first)
    await fetch(`${emulator.url}/_emulator/users/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: grant.userId }),
    })
    await new Promise((resolve) => setTimeout(resolve, 2200))
    const stopped = await rejection(client.get('info'))
    assert.equal(stopped.code, 'sign_in_required')
    assert.match(stopped.message, /sign (the user )?in again/)
  } finally {
    resetSettings()
  }
})

test('denied at the page; no secret in util.inspect, JSON or toString', async () => {
  const auth = new jtl.AuthorizationCodeClient({ clientId: emulator.clientId, redirectUri: REDIRECT, endpoints: emulator.url })
  assert.equal(auth.isConfidential, false)
  emulator.updateSettings({ sign_in_mode: 'deny' })
  try {
    const pending = auth.start()
    const back = await location(pending.url)
    assert.equal(new URL(back).searchParams.get('error'), 'access_denied')
    const denied = await rejection(auth.finishRedirect(pending, back))
    assert.equal(denied.code, 'sign_in_required')
    for (const shown of [util.inspect(pending), JSON.stringify(pending), String(pending), util.inspect(auth)]) {
      assert.ok(!shown.includes(pending.state.expose()), shown)
      assert.ok(!shown.includes(pending.verifier.expose()), shown)
    }
    emulator.updateSettings({ sign_in_mode: 'approve' })
    const next = auth.start()
    const grant = await auth.finishRedirect(next, await location(next.url))
    for (const shown of [util.inspect(grant), JSON.stringify(grant), String(grant), JSON.stringify({ grant })]) {
      assert.ok(!shown.includes(grant.refreshToken.expose()), shown)
      assert.ok(!shown.includes(grant.accessToken.expose()), shown)
    }
    assert.match(util.inspect(grant), new RegExp(grant.userId))
    assert.equal(thrown(() => jtl.SignIn.deserialize('{}')).code, 'invalid_input')
    assert.equal(thrown(() => new jtl.AuthorizationCodeClient({ clientId: 'x', redirectUri: 'http://example.com/cb' })).code, 'invalid_input')
  } finally {
    resetSettings()
  }
})
