'use strict'

/**
 * Errors: every failure of jtl-connect is a `JtlError` with a stable string `code`, the same
 * in every language jtl-connect supports. This table is the one place that says which codes
 * exist and which fields each one carries; the native addon constructs `JtlError`s with those
 * fields (its `errors` module reads them from the core's error).
 */

/** code → [meaning, fields it may carry besides `code` and `message`] */
const ERROR_CODES = Object.freeze({
  invalid_input: ['an argument was not valid', []],
  config: ['the configuration is incomplete or inconsistent (e.g. a missing environment variable)', []],
  invalid_credentials: ['the token endpoint refused the credentials', ['status', 'errorCode']],
  unauthorized: ['the API answered 401 even after one token refresh', ['status', 'errorCode']],
  forbidden: ['the API answered 403: a missing scope or tenant access', ['status', 'errorCode']],
  not_found: ['the API answered 404', ['status', 'errorCode']],
  conflict: ['the API answered 409', ['status', 'errorCode', 'validationErrors']],
  rate_limited: ['the API answered 429 and waiting within the deadline was not possible', ['status', 'errorCode', 'retryAfter']],
  api: ['any other error answer, or an answer that could not be read', ['status', 'errorCode', 'validationErrors']],
  network: ['the connection failed or broke off', []],
  timeout: ['no answer within the timeout or the deadline (or a wait was cancelled)', []],
  token_invalid: ['a session token was not accepted', ['reason']],
  store: ['the account store failed', []],
  registration_rejected: ['a Wawi app registration was rejected', []],
  graphql: ['a GraphQL answer carried errors (JTL sends them with HTTP 200)', ['errors', 'data']],
  sign_in_required: ['the user has to sign in again: invalid_grant (code or refresh token expired, revoked, reused, rotated away), access_denied, or a sign-in that took too long; never retried', ['status', 'errorCode']],
  state_mismatch: ['the state that came back to the redirect URI is not the pending sign-in\'s (nothing was exchanged)', []],
})

/** Why a session token was refused (`JtlError.reason` of `token_invalid`). */
const TOKEN_INVALID_REASONS = Object.freeze([
  'expired',
  'not_yet_valid',
  'bad_signature',
  'unknown_key',
  'wrong_issuer',
  'wrong_audience',
  'malformed',
  'algorithm_not_allowed',
  'too_large',
  'missing_claim',
  'lifetime_too_long',
])

const FIELDS = ['status', 'errorCode', 'validationErrors', 'retryAfter', 'reason', 'errors', 'data']

/**
 * The error of every jtl-connect call. `code` is one of `ERROR_CODES`; `status`,
 * `errorCode` (JTL's own code), `validationErrors` (field → message), `retryAfter` (seconds)
 * and `reason` are set where they apply; a `graphql` error carries `errors` (the answer's
 * list: `message`, `locations`, `path`, `extensions`) and `data` (the partial data, or
 * `null`). Messages never contain a secret.
 */
class JtlError extends Error {
  /**
   * @param {string} message
   * @param {{code?: string, status?: number, errorCode?: string, validationErrors?: Record<string, string>, retryAfter?: number, reason?: string, errors?: object[], data?: object | null}} [fields]
   */
  constructor(message, fields = {}) {
    super(message)
    this.code = typeof fields.code === 'string' ? fields.code : 'api'
    for (const name of FIELDS) {
      if (fields[name] !== undefined && fields[name] !== null) this[name] = fields[name]
    }
    if (this.code === 'graphql') {
      this.errors = Array.isArray(fields.errors) ? fields.errors : []
      this.data = fields.data ?? null
    }
  }

  /** `{ name, code, message, ...fields }`: what `JSON.stringify` writes. */
  toJSON() {
    const shown = { name: this.name, code: this.code, message: this.message }
    for (const name of FIELDS) if (this[name] !== undefined) shown[name] = this[name]
    return shown
  }
}
Object.defineProperty(JtlError.prototype, 'name', { value: 'JtlError', writable: true, configurable: true })

/** Tells the native addon to construct `JtlError`s. */
function register(native) {
  native.__setErrorClass(JtlError)
}

module.exports = { JtlError, ERROR_CODES, TOKEN_INVALID_REASONS, register }
