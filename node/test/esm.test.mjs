// The ES module entry gives the same objects as the CommonJS one.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import jtlDefault, { CloudClient, JtlError, startEmulator, Endpoints, jtlSession } from 'jtl-connect'

const require = createRequire(import.meta.url)

test('import and require load one addon', async () => {
  const cjs = require('jtl-connect')
  assert.equal(CloudClient, cjs.CloudClient)
  assert.equal(JtlError, cjs.JtlError)
  assert.equal(jtlDefault, cjs)
  assert.equal(typeof jtlSession, 'function')
  assert.deepEqual(Object.keys(await import('jtl-connect')).filter((k) => k !== 'default').sort(), Object.keys(cjs).sort())
  const emulator = await startEmulator()
  try {
    const client = new CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, endpoints: Endpoints.emulator(emulator.url) })
    assert.equal((await client.get('info')).status, 200)
  } finally {
    await emulator.stop()
  }
})
