// accountSystems(): core's table of systems and fields, as the accounts page builds its form from it.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { accountSystems } = require('..')

test('accountSystems lists every system with its fields and secret field', () => {
  const systems = accountSystems()
  assert.deepEqual(systems.map((s) => s.system), ['jtl-cloud', 'jtl-wawi', 'jtl-scx'])
  const cloud = systems[0]
  assert.deepEqual(cloud.fields, ['clientId', 'clientSecret', 'tenantId', 'environment'])
  assert.equal(cloud.secretField, 'clientSecret')
  assert.equal(systems[1].secretField, 'apiKey')
  assert.ok(systems[1].fields.includes('baseUrl'))
  assert.equal(systems[2].secretField, 'refreshToken')
  for (const system of systems) assert.ok(system.fields.includes(system.secretField), system.system)
})
