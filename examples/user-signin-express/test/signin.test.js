// A real Chromium (Debian's, driven by playwright-core) signs demo users in through the
// Express example: the example's "Sign in with JTL" → the emulator's sign-in and consent page
// (/oauth2/auth, facts §0, §5.4) → back to /callback → the page shows the data the ERP API
// answers with that user's token. Everything is real: the example's server, an encrypted
// AccountStore, the emulator over HTTP, the browser.
'use strict'

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { chromium } = require('playwright-core')
const { startEmulator } = require('jtl-connect')
const { createApp, openAccount, SCOPES } = require('../server.js')

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
process.env.JTL_CONNECT_MASTER_KEY = Buffer.alloc(32, 5).toString('base64')

let emulator
let users
let site
let browser

before(async () => {
  emulator = await startEmulator()
  users = await (await fetch(`${emulator.url}/_emulator/users`)).json()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-signin-express-'))
  const { store, accountId } = await openAccount({
    JTL_CONNECT_DB: path.join(dir, 'accounts.db'),
    JTL_CLIENT_ID: emulator.clientId,
    JTL_CLIENT_SECRET: emulator.clientSecret,
    JTL_ENVIRONMENT: emulator.url,
  })
  const server = http.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  const auth = await store.authorizationCodeClient(accountId, { redirectUri: `${base}/callback`, scopes: SCOPES })
  server.on('request', createApp({ store, accountId, auth }))
  site = { server, store, accountId, base, dir }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})

after(async () => {
  await browser?.close()
  site?.server.close()
  await emulator?.stop()
})

/** Signs `user` in through the example in a fresh browser context; returns its page. */
async function signIn(user) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(site.base)
  await page.click('#sign-in')
  // The emulator's sign-in page: one button per demo user, and Deny.
  await page.waitForURL((url) => url.href.startsWith(`${emulator.url}/oauth2/auth`))
  const button = page.locator(`button[data-user="${user.id}"]`)
  assert.match(await button.textContent(), new RegExp(user.name))
  await button.click()
  await page.waitForURL(`${site.base}/`)
  await page.waitForSelector('#user-id')
  return { context, page }
}

test('the emulator lists two demo users of the demo tenant', () => {
  assert.equal(users.length, 2)
  assert.notEqual(users[0].id, users[1].id)
  for (const user of users) assert.equal(user.tenant_id, emulator.tenantId)
})

test('a demo user signs in through the example and sees their own data, a second user theirs', async () => {
  const seen = []
  for (const user of users) {
    const { context, page } = await signIn(user)
    assert.equal(await page.textContent('#user-id'), user.id)
    assert.equal(await page.textContent('#user-name'), user.name)
    // What the ERP API answered for the user's token (/erp/v2/info names its user).
    assert.equal(await page.textContent('#api-user'), `${user.name} (${user.id})`)
    assert.equal(await page.textContent('#api-tenant'), emulator.tenantId)
    // GraphQL as the user: the tenant's items.
    assert.ok(Number(await page.textContent('#item-count')) > 0)
    assert.ok((await page.locator('#items li').count()) > 0)
    // The browser holds only the session cookie: no token, code, state or verifier.
    const cookies = await context.cookies()
    assert.deepEqual(cookies.map((c) => c.name), ['sid'])
    assert.equal(cookies[0].httpOnly, true)
    seen.push({ context, page, user })
  }
  // Each browser still sees its own user after the other signed in.
  for (const { page, user } of seen) {
    await page.reload()
    assert.equal(await page.textContent('#user-id'), user.id)
    assert.equal(await page.textContent('#api-user'), `${user.name} (${user.id})`)
  }
  // Both grants are stored (sealed; the store shows no token), one per user.
  const grants = await site.store.grants(site.accountId)
  assert.deepEqual(grants.map((g) => g.userId).sort(), users.map((u) => u.id).sort())
  assert.ok(!JSON.stringify(grants).includes('token'), 'no token in the stored grants as listed')
  const db = fs.readFileSync(path.join(site.dir, 'accounts.db'))
  assert.ok(!db.includes(Buffer.from(users[0].name)), 'the grant is sealed in the database file')
  // Signing out deletes the user's grant.
  const first = seen[0]
  await first.page.click('#sign-out')
  await first.page.waitForSelector('#sign-in')
  const left = await site.store.grants(site.accountId)
  assert.deepEqual(left.map((g) => g.userId), [seen[1].user.id])
  for (const { context } of seen) await context.close()
})

test('the user token is refreshed (rotation kept), and a revoked grant asks to sign in again', async () => {
  const user = users[1]
  // Short-lived access tokens, so that the next page view needs a refresh.
  emulator.updateSettings({ token_lifetime_secs: 2 })
  try {
    const { context, page } = await signIn(user)
    const before = await site.store.grant(site.accountId, user.id)
    await new Promise((resolve) => setTimeout(resolve, 2500))
    await page.reload()
    assert.equal(await page.textContent('#api-user'), `${user.name} (${user.id})`)
    const after = await site.store.grant(site.accountId, user.id)
    assert.ok(after.accessExpiresAt > before.accessExpiresAt, 'the refreshed grant was stored')
    // JTL revokes the user's grant: the next refresh answers invalid_grant.
    const revoked = await fetch(`${emulator.url}/_emulator/users/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: user.id }),
    })
    assert.equal(revoked.status, 200)
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const refused = await page.reload()
    assert.equal(refused.status(), 401)
    assert.equal(await page.getAttribute('#error', 'data-code'), 'sign_in_required')
    // The page offers a new sign-in, which works.
    await page.click('text=Sign in again')
    await page.waitForURL((url) => url.href.startsWith(`${emulator.url}/oauth2/auth`))
    await page.click(`button[data-user="${user.id}"]`)
    await page.waitForURL(`${site.base}/`)
    assert.equal(await page.textContent('#api-user'), `${user.name} (${user.id})`)
    await context.close()
  } finally {
    emulator.updateSettings({ token_lifetime_secs: 3600 })
  }
})

test('denying at the sign-in page shows the sign-in-again error', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(site.base)
  await page.click('#sign-in')
  await page.waitForURL((url) => url.href.startsWith(`${emulator.url}/oauth2/auth`))
  await page.click('#deny')
  await page.waitForSelector('#error')
  assert.equal(await page.getAttribute('#error', 'data-code'), 'sign_in_required')
  assert.match(await page.textContent('#error'), /access_denied/)
  await context.close()
})

test('a callback that did not start here, or with a forged state, exchanges nothing', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const response = await page.goto(`${site.base}/callback?code=abc&state=forged`)
  assert.equal(response.status(), 400)
  assert.match(await page.textContent('#error'), /No sign-in was started/)
  // Start a sign-in, then come back with another state: state_mismatch.
  await page.goto(site.base)
  await page.click('#sign-in')
  await page.waitForURL((url) => url.href.startsWith(`${emulator.url}/oauth2/auth`))
  const forged = await page.goto(`${site.base}/callback?code=abc&state=forged`)
  assert.equal(forged.status(), 400)
  assert.equal(await page.getAttribute('#error', 'data-code'), 'state_mismatch')
  await context.close()
})
