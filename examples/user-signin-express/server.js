'use strict'

/**
 * Sign a JTL user in from an Express app and call JTL's API as that user, with jtl-connect
 * (OAuth 2.0 authorization code with PKCE, facts §0, §4.2, §5.4).
 *
 *   GET  /          signed in: the user's data, read through the API with the user's token;
 *                   else a "Sign in with JTL" button
 *   GET  /login     starts a sign-in: keeps the pending sign-in (state + PKCE verifier) in the
 *                   server-side session and sends the browser to JTL's sign-in page
 *   GET  /callback  JTL sends the browser back here with `code` and `state`: jtl-connect checks
 *                   the state, exchanges the code (with the verifier) and stores the user's
 *                   grant (refresh token sealed) in the AccountStore
 *   POST /logout    forgets the session and deletes the user's stored grant
 *
 * The session lives on the server (a Map keyed by a random HttpOnly cookie): the state and
 * the PKCE verifier are secrets and never go to the browser. `pending.serialize()` is text,
 * so an app on several machines keeps it in its shared session store (Redis, a database).
 *
 * Configuration (environment): JTL_CLIENT_ID, JTL_CLIENT_SECRET, JTL_ENVIRONMENT
 * (`production`, `beta` or an emulator URL), JTL_CONNECT_DB (the AccountStore; a temporary one
 * if unset), PUBLIC_URL (how the browser reaches this app; default http://127.0.0.1:PORT),
 * PORT (default 3000; 0 picks a free one).
 */
const crypto = require('node:crypto')
const express = require('express')
const { AccountStore, JtlError, SignIn } = require('jtl-connect')

const SESSION_COOKIE = 'sid'
/** What the app asks the user to allow (facts §5.4: `resource.permission`); jtl-connect adds
 * `openid` (who the user is) and `offline_access` (a refresh token). */
const SCOPES = ['items.read']
const ITEMS = '{ QueryItems(first: 5) { nodes { id sku name } totalCount } }'

/** Escapes text for HTML. */
function html(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
dt{font-weight:600}dd{margin:0 0 .5rem}button,.button{font:inherit;padding:.4rem 1rem;border-radius:.3rem;
border:1px solid #0a5;background:#0a5;color:#fff;text-decoration:none;cursor:pointer}
.error{color:#a00}</style></head>
<body><main><h1>${html(title)}</h1>${body}</main></body></html>`
}

/** Cookie header → { name: value }. */
function cookies(req) {
  const out = {}
  for (const part of (req.headers.cookie || '').split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name) out[name] = decodeURIComponent(rest.join('='))
  }
  return out
}

/**
 * The Express app. `store`: an open AccountStore; `accountId`: the app's jtl-cloud account in
 * it (client id + secret); `auth`: `store.authorizationCodeClient(accountId, { redirectUri })`,
 * the redirect URI being this app's `/callback` as registered with JTL for the app.
 */
function createApp({ store, accountId, auth }) {
  const sessions = new Map()
  const app = express()
  app.disable('x-powered-by')

  /** The request's session (created, with a fresh cookie, when `create`). */
  function session(req, res, create = false) {
    const id = cookies(req)[SESSION_COOKIE]
    if (id && sessions.has(id)) return sessions.get(id)
    if (!create) return undefined
    const fresh = crypto.randomBytes(24).toString('base64url')
    const value = {}
    sessions.set(fresh, value)
    res.cookie(SESSION_COOKIE, fresh, { httpOnly: true, sameSite: 'lax', path: '/' })
    return value
  }

  app.get('/', async (req, res, next) => {
    const current = session(req, res)
    if (!current?.user) {
      return res.send(page('JTL user sign-in (jtl-connect example)',
        '<p>Not signed in.</p><p><a class="button" id="sign-in" href="/login">Sign in with JTL</a></p>'))
    }
    try {
      const { userId, userName, tenantId } = current.user
      // A client for the stored user: every CloudClient method, with the user's token
      // (refreshed from the stored refresh token when it runs out).
      const client = await store.userClient(accountId, userId, tenantId)
      const info = (await client.get('info')).json()
      const items = await client.graphql(ITEMS)
      const rows = items.QueryItems.nodes
        .map((item) => `<li><code>${html(item.sku)}</code> ${html(item.name)}</li>`).join('')
      res.send(page('Signed in', `
<dl id="user">
  <dt>User</dt><dd id="user-id">${html(userId)}</dd>
  <dt>Name</dt><dd id="user-name">${html(userName ?? '')}</dd>
  <dt>Tenant</dt><dd id="tenant-id">${html(tenantId)}</dd>
  <dt>User the API answered for</dt><dd id="api-user">${html(info.user?.name)} (${html(info.user?.id)})</dd>
  <dt>Tenant the API answered for</dt><dd id="api-tenant">${html(info.tenantId)}</dd>
  <dt>Items of the tenant</dt><dd id="item-count">${html(items.QueryItems.totalCount)}</dd>
</dl>
<ul id="items">${rows}</ul>
<form method="post" action="/logout"><button id="sign-out">Sign out</button></form>`))
    } catch (err) {
      next(err)
    }
  })

  app.get('/login', (req, res, next) => {
    try {
      const current = session(req, res, true)
      const pending = auth.start()
      // The state and PKCE verifier, kept (as text) until JTL sends the browser back.
      current.pending = pending.serialize().expose()
      res.redirect(303, pending.url)
    } catch (err) {
      next(err)
    }
  })

  app.get('/callback', async (req, res, next) => {
    const current = session(req, res)
    const saved = current?.pending
    if (current) delete current.pending
    if (!saved) {
      return res.status(400).send(page('Sign-in failed',
        '<p class="error" id="error">No sign-in was started in this browser.</p><p><a href="/">Back</a></p>'))
    }
    try {
      // Checks the state (constant time), reads `code` or JTL's `error` (access_denied →
      // sign_in_required), exchanges the code with the verifier.
      const grant = await auth.finishRedirect(SignIn.deserialize(saved), req.originalUrl)
      await store.saveGrant(accountId, grant)   // sealed; the refresh token never leaves it
      current.user = { userId: grant.userId, userName: grant.userName, tenantId: grant.tenantId }
      res.redirect(303, '/')
    } catch (err) {
      next(err)
    }
  })

  app.post('/logout', async (req, res, next) => {
    const current = session(req, res)
    try {
      if (current?.user) await store.deleteGrant(accountId, current.user.userId)
      for (const [id, value] of sessions) if (value === current) sessions.delete(id)
      res.clearCookie(SESSION_COOKIE, { path: '/' })
      res.redirect(303, '/')
    } catch (err) {
      next(err)
    }
  })

  // A JtlError says what went wrong without secrets. `sign_in_required` (the user declined,
  // or the stored grant was revoked or expired) and `state_mismatch` (a forged or stale
  // callback) offer a new sign-in.
  app.use((err, req, res, _next) => {
    if (!(err instanceof JtlError)) {
      console.error(err)
      return res.status(500).send(page('Error', '<p class="error">Something went wrong.</p>'))
    }
    const status = { invalid_input: 400, state_mismatch: 400, sign_in_required: 401 }[err.code] || 502
    res.status(status).send(page('Error',
      `<p class="error" id="error" data-code="${html(err.code)}">${html(err.message)}</p><p><a href="/login">Sign in again</a></p>`))
  })
  return app
}

/** Opens the store and adds (or finds) the app's jtl-cloud account from the environment. */
async function openAccount(env = process.env) {
  const db = env.JTL_CONNECT_DB ||
    require('node:path').join(require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'user-signin-')), 'accounts.db')
  const store = await AccountStore.open(db)
  const name = 'user-signin-example'
  const existing = await store.find('jtl-cloud', name)
  const account = existing || (await store.add('jtl-cloud', name, {
    clientId: env.JTL_CLIENT_ID,
    clientSecret: env.JTL_CLIENT_SECRET,
    environment: env.JTL_ENVIRONMENT || 'production',
  }))
  return { store, accountId: account.id }
}

async function main() {
  const port = Number(process.env.PORT ?? 3000)
  const { store, accountId } = await openAccount()
  const server = require('node:http').createServer()
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  const publicUrl = process.env.PUBLIC_URL || `http://127.0.0.1:${server.address().port}`
  const auth = await store.authorizationCodeClient(accountId, { redirectUri: `${publicUrl}/callback`, scopes: SCOPES })
  server.on('request', createApp({ store, accountId, auth }))
  console.log(`listening on ${publicUrl}`)
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err.message)
    process.exit(1)
  })
}

module.exports = { createApp, openAccount, SCOPES }
