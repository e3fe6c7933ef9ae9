'use strict'

/**
 * jtl-connect for Node: the native addon (Rust, napi-rs) plus a thin JavaScript layer:
 * the `JtlError` class, `util.inspect` without secrets, async iteration of paginators,
 * `AbortSignal` for the Wawi registration, and the `jtlSession` middleware.
 */
const native = require('./lib/native.js')
const errors = require('./lib/errors.js')
const { jtlSession, bearerToken } = require('./lib/middleware.js')

errors.register(native)
require('./lib/inspect.js')(native)
require('./lib/paginator.js')(native)
require('./lib/scx.js')(native)
const { registerWawiApp, startWawiRegistration } = require('./lib/wawi.js')(native)

// With the keys cached, a token is verified synchronously (verifyNow: a cache hit ~1 µs,
// a signature check ~35 µs); the hop through the async runtime alone costs ~50 µs. Only a
// token whose keys must be fetched takes the asynchronous path.
const verifyAsync = native.SessionVerifier.prototype.verify
native.SessionVerifier.prototype.verify = function verify(token) {
  if (typeof token === 'string') {
    let claims
    try {
      claims = this.verifyNow(token)
    } catch (err) {
      return Promise.reject(err)
    }
    if (claims) return Promise.resolve(claims)
  }
  return verifyAsync.call(this, token)
}

module.exports = {
  // Clients and their results
  CloudClient: native.CloudClient,
  WawiClient: native.WawiClient,
  ScxClient: native.ScxClient,
  Endpoints: native.Endpoints,
  Response: native.Response,
  AccessToken: native.AccessToken,
  Secret: native.Secret,
  Paginator: native.Paginator,
  // Session tokens
  SessionVerifier: native.SessionVerifier,
  decodeUnverified: native.decodeUnverified,
  jtlSession,
  bearerToken,
  // JTL-Wawi app registration
  registerWawiApp,
  startWawiRegistration,
  WawiRegistration: native.WawiRegistration,
  WawiPendingRegistration: native.WawiPendingRegistration,
  Cancellation: native.Cancellation,
  // Connected accounts
  AccountStore: native.AccountStore,
  accountSystems: native.accountSystems,
  // Errors
  JtlError: errors.JtlError,
  ERROR_CODES: errors.ERROR_CODES,
  TOKEN_INVALID_REASONS: errors.TOKEN_INVALID_REASONS,
  // Testing
  startEmulator: native.startEmulator,
  Emulator: native.Emulator,
}
