'use strict'

/**
 * Errors: every failure of jtl-connect is a `JtlError` with a stable string `code`, the same
 * in every language jtl-connect supports. Which codes exist and which fields each one carries
 * comes from the core's table; the native addon constructs `JtlError`s with those fields.
 */

const native = require('./native.js')

// The tables are the core's (`jtl_connect::codes`), the same in every language.
const tables = native.errorTables()

/** code → [meaning, fields it may carry besides `code` and `message`] */
const ERROR_CODES = Object.freeze(
  Object.fromEntries(
    Object.entries(tables.errorCodes).map(([code, [meaning, fields]]) => [code, Object.freeze([meaning, Object.freeze(fields)])]),
  ),
)

/** Why a session token was refused (`JtlError.reason` of `token_invalid`). */
const TOKEN_INVALID_REASONS = Object.freeze(tables.tokenInvalidReasons)

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
