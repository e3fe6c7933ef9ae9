'use strict'

/**
 * A JTL Cloud App backend, plain `node:http`, using jtl-connect.
 *
 * The setup handshake: JTL's App Shell opens the app's setup page; the page asks the App
 * Shell for a session token and POSTs it to `/api/setup`. The backend
 *   1. verifies the session token against JTL's keys (never trusting it unverified),
 *   2. stores the tenant it names (the app is now connected to that tenant),
 *   3. calls the ERP API for that tenant, with the app's own client credentials.
 * Later requests of the frontend carry the session token as `Authorization: Bearer`, which
 * the `jtlSession` middleware verifies; `/api/items` shows a call for the caller's tenant.
 *
 * Configuration (environment): JTL_CLIENT_ID, JTL_CLIENT_SECRET, JTL_ENVIRONMENT
 * (`production`, `beta` or an emulator URL), PORT (default 3000; 0 picks a free one),
 * TENANTS_FILE (JSON file for the connected tenants; memory only if unset).
 */
const http = require('node:http')
const { CloudClient, JtlError, jtlSession } = require('jtl-connect')
const { TenantStore } = require('./tenants.js')

const MAX_BODY = 64 * 1024

function sendJson(res, status, body) {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.end(JSON.stringify(body))
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => {
      body += chunk
      if (body.length > MAX_BODY) reject(new JtlError('body too large', { code: 'invalid_input' }))
    })
    req.on('end', () => {
      try {
        resolve(body ? JSON.parse(body) : {})
      } catch {
        reject(new JtlError('expected a JSON body', { code: 'invalid_input' }))
      }
    })
    req.on('error', reject)
  })
}

/** What a failed call tells the frontend: the stable code, and a status that fits it. */
function sendError(res, err) {
  if (!(err instanceof JtlError)) {
    console.error(err)
    return sendJson(res, 500, { error: 'internal' })
  }
  const status = {
    invalid_input: 400,
    token_invalid: 401,
    forbidden: 403,
    not_found: 404,
    rate_limited: 429,
  }[err.code] || 502
  sendJson(res, status, { error: err.code, reason: err.reason, message: err.message })
}

/**
 * The app's request handler.
 * @param {{ client: CloudClient, tenants: TenantStore }} deps
 */
function createApp({ client, tenants }) {
  // One verifier for the whole app: it caches JTL's keys.
  const verifier = client.sessionVerifier()
  const requireSession = jtlSession(verifier)

  async function setup(req, res) {
    const { sessionToken } = await readJson(req)
    if (typeof sessionToken !== 'string') {
      return sendJson(res, 400, { error: 'invalid_input', message: 'expected {"sessionToken": "<token from the App Shell>"}' })
    }
    // 1. Verify: signature, expiry, issuer; the claims name the tenant and the user.
    const session = await verifier.verify(sessionToken)
    // 2. Store the tenant.
    const tenant = tenants.save({
      tenantId: session.tenantId,
      tenantSlug: session.tenantSlug || null,
      connectedBy: session.userId,
      connectedAt: new Date().toISOString(),
    })
    // 3. Call the ERP API for it (the token is shared by every tenant of the app).
    const info = (await client.forTenant(tenant.tenantId).get('info')).json()
    sendJson(res, 200, { connected: true, tenant, erp: { version: info.Version, tenant: info.Tenant } })
  }

  async function items(req, res) {
    const { tenantId } = req.jtlSession
    if (!tenants.get(tenantId)) {
      return sendJson(res, 409, { error: 'not_connected', message: 'run the setup first' })
    }
    // ERP data goes through GraphQL (JTL's main path for it); REST works too.
    const data = await client.forTenant(tenantId).graphql(
      'query($first: Int) { QueryItems(first: $first) { nodes { id sku name } totalCount } }',
      { first: 5 },
    )
    sendJson(res, 200, { tenantId, totalItems: data.QueryItems.totalCount, items: data.QueryItems.nodes })
  }

  return async function handle(req, res) {
    try {
      const { pathname } = new URL(req.url, 'http://localhost')
      if (req.method === 'POST' && pathname === '/api/setup') return await setup(req, res)
      if (req.method === 'GET' && pathname === '/api/items') {
        if (await requireSession(req, res)) await items(req, res)
        return
      }
      if (req.method === 'GET' && pathname === '/health') return sendJson(res, 200, { ok: true })
      sendJson(res, 404, { error: 'not_found' })
    } catch (err) {
      sendError(res, err)
    }
  }
}

function main() {
  const client = CloudClient.fromEnv()
  const tenants = new TenantStore(process.env.TENANTS_FILE)
  const server = http.createServer(createApp({ client, tenants }))
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    const { port } = server.address()
    console.log(`listening on http://127.0.0.1:${port}`)
  })
  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (require.main === module) main()

module.exports = { createApp }
