'use strict'

/**
 * `util.inspect` (and so `console.log`) of the native classes: what their `toJSON()` shows,
 * which never includes a secret. Without this, Node would print an empty `ClassName {}`.
 */
const util = require('node:util')

const INSPECTED = [
  'AccountStore',
  'AccessToken',
  'AuthorizationCodeClient',
  'Cancellation',
  'CloudClient',
  'Emulator',
  'Endpoints',
  'Paginator',
  'Response',
  'ScxClient',
  'Secret',
  'SessionVerifier',
  'SignIn',
  'UserGrant',
  'WawiClient',
  'WawiPendingRegistration',
  'WawiRegistration',
]

function inspectWithToJSON(depth, options, inspect = util.inspect) {
  const shown = typeof this.toJSON === 'function' ? this.toJSON() : undefined
  if (shown === undefined) return typeof this.toString === 'function' ? this.toString() : this.constructor.name
  if (typeof shown === 'string') return shown
  if (depth < 0) return `[${this.constructor.name}]`
  return `${this.constructor.name} ${inspect(shown, { ...options, depth: options.depth === null ? null : options.depth - 1 })}`
}

module.exports = function patchInspect(native) {
  for (const name of INSPECTED) {
    const cls = native[name]
    if (cls && cls.prototype && !Object.prototype.hasOwnProperty.call(cls.prototype, util.inspect.custom)) {
      Object.defineProperty(cls.prototype, util.inspect.custom, { value: inspectWithToJSON, configurable: true, writable: true })
    }
  }
}
