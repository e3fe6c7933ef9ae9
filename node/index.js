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
  optionSchemas: native.optionSchemas,
  // Errors
  JtlError: errors.JtlError,
  ERROR_CODES: errors.ERROR_CODES,
  TOKEN_INVALID_REASONS: errors.TOKEN_INVALID_REASONS,
  // Testing
  startEmulator: native.startEmulator,
  Emulator: native.Emulator,
}
