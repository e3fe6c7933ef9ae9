'use strict'

/**
 * `jtlSession(verifier)`: middleware for Express, Connect or plain `node:http` that verifies
 * the App Shell session token of `Authorization: Bearer <token>` and puts its claims on
 * `req.jtlSession`. A missing or invalid token gets `401` with a JSON body; a failure to get
 * JTL's keys goes to `next(err)` (or, without `next`, gets `503`).
 */

/** The token of an `Authorization: Bearer <token>` header value, or `null`. */
function bearerToken(header) {
  if (Array.isArray(header)) header = header[0]
  if (typeof header !== 'string') return null
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1] : null
}

function sendJson(res, status, body, headers = {}) {
  if (res.headersSent) return
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.end(JSON.stringify(body))
}

/**
 * @param {import('../index').SessionVerifier | import('../index').CloudClient} verifier a
 *   `SessionVerifier`, or a `CloudClient` whose `sessionVerifier()` is used
 * @param {{ property?: string, verifierOptions?: object }} [options]
 */
function jtlSession(verifier, options = {}) {
  if (verifier && typeof verifier.verify !== 'function' && typeof verifier.sessionVerifier === 'function') {
    verifier = verifier.sessionVerifier(options.verifierOptions)
  }
  if (!verifier || typeof verifier.verify !== 'function') {
    throw new TypeError('jtlSession: expected a SessionVerifier or a CloudClient')
  }
  const property = options.property || 'jtlSession'

  return async function jtlSessionMiddleware(req, res, next) {
    const token = bearerToken(req.headers && req.headers.authorization)
    if (!token) {
      sendJson(
        res,
        401,
        { error: 'unauthorized', message: 'expected an App Shell session token in Authorization: Bearer <token>' },
        { 'WWW-Authenticate': 'Bearer' },
      )
      return false
    }
    let claims
    try {
      claims = await verifier.verify(token)
    } catch (err) {
      if (err && err.code === 'token_invalid') {
        sendJson(
          res,
          401,
          { error: 'invalid_token', reason: err.reason, message: err.message },
          { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${err.reason}"` },
        )
        return false
      }
      if (typeof next === 'function') {
        next(err)
        return false
      }
      sendJson(res, 503, { error: err && err.code ? err.code : 'unavailable', message: 'could not verify the session token' })
      return false
    }
    req[property] = claims
    if (typeof next === 'function') next()
    return true
  }
}

module.exports = { jtlSession, bearerToken }
