'use strict'

// Shared set-up of the tests: one in-process emulator per test file, and clients for it.
const jtl = require('..')

/** Starts an emulator and returns it with a client of its demo tenant. */
async function setup(options) {
  const emulator = await jtl.startEmulator(options)
  const client = cloudClient(emulator)
  return { emulator, client }
}

/** A client of the emulator's demo client and tenant; `extra` is merged into the options. */
function cloudClient(emulator, extra = {}) {
  return new jtl.CloudClient({
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    tenantId: emulator.tenantId,
    endpoints: emulator.endpoints(),
    ...extra,
  })
}

/** Runs `promise` and returns the error it rejects with (fails if it resolves). */
async function rejection(promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection; the promise resolved')
}

/** Calls `fn` and returns the error it throws (fails if it does not throw). */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an exception; none was thrown')
}

module.exports = { jtl, setup, cloudClient, rejection, thrown }
