'use strict'

/**
 * `registerWawiApp(baseUrl, app, { signal })`: an `AbortSignal` stops the wait for approval
 * (the native call takes a `Cancellation`; this turns the one into the other).
 */
module.exports = function wawi(native) {
  function withCancellation(options) {
    if (!options || !options.signal) return options
    const { signal, ...rest } = options
    const cancellation = rest.cancellation || new native.Cancellation()
    if (signal.aborted) cancellation.cancel()
    else signal.addEventListener('abort', () => cancellation.cancel(), { once: true })
    return { ...rest, cancellation }
  }

  function registerWawiApp(baseUrl, app, options) {
    return native.registerWawiApp(baseUrl, app, withCancellation(options))
  }

  function startWawiRegistration(baseUrl, app, options) {
    return native.startWawiRegistration(baseUrl, app, withCancellation(options))
  }

  const wait = native.WawiPendingRegistration.prototype.wait
  Object.defineProperty(native.WawiPendingRegistration.prototype, 'wait', {
    configurable: true,
    writable: true,
    value: function waitForApproval(options) {
      return wait.call(this, withCancellation(options))
    },
  })

  return { registerWawiApp, startWawiRegistration }
}
