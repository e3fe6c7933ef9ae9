'use strict'

/**
 * jtl-connect for Node: the native addon (Rust, napi-rs) plus a thin JavaScript layer:
 * the `JtlError` class and the `jtlSession` middleware. Everything else (async iteration of
 * paginators, `util.inspect` without secrets, `AbortSignal`, `processEvents`) is the addon's.
 */
const native = require('./lib/native.js')
const errors = require('./lib/errors.js')
const { jtlSession, bearerToken } = require('./lib/middleware.js')

errors.register(native)

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
  registerWawiApp: native.registerWawiApp,
  startWawiRegistration: native.startWawiRegistration,
  WawiRegistration: native.WawiRegistration,
  WawiPendingRegistration: native.WawiPendingRegistration,
  Cancellation: native.Cancellation,
  // Signing users in (authorization code + PKCE)
  AuthorizationCodeClient: native.AuthorizationCodeClient,
  SignIn: native.SignIn,
  UserGrant: native.UserGrant,
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
