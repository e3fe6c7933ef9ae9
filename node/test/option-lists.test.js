'use strict'

// The options Node exposes (the option interfaces users see in the .d.ts files, and the
// names the constructors accept) against the core's schemas (`optionSchemas()`, read from the
// core). Known differences are listed in conformance/pending/option-lists.json; the test fails
// on any other difference, and when a listed one has gone.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')

const jtl = require('..')

const ROOT = path.join(__dirname, '..', '..')

/** The core schema → the interface that declares it to users. */
const INTERFACES = {
  http: 'HttpOptions',
  sessionVerifier: 'VerifierOptions',
  appTokenVerifier: 'AppTokenVerifierOptions',
  cloudClient: 'CloudClientOptions',
  wawiClient: 'WawiClientOptions',
  scxClient: 'ScxClientOptions',
  registration: 'RegistrationSettings',
  accountStore: 'AccountStoreOptions',
  pagination: 'PageOptions',
  request: 'RequestOptions',
}

/** Member names of every `interface Name { ... }` of the package's declaration files. */
function declared() {
  const files = ['index.d.ts', 'binding.d.ts', 'lib/options.d.ts', 'lib/testing.d.ts']
  const members = {}
  for (const file of files) {
    const full = path.join(__dirname, '..', file)
    if (!fs.existsSync(full)) continue
    const text = fs.readFileSync(full, 'utf8')
    for (const match of text.matchAll(/interface (\w+)(?: extends [^{]+)? \{([\s\S]*?)\n\}/g)) {
      const names = [...match[2].matchAll(/^\s{2}(\w+)\??:/gm)].map((m) => m[1])
      members[match[1]] = [...new Set([...(members[match[1]] ?? []), ...names])]
    }
  }
  return members
}

test('Node option interfaces list exactly the core options', () => {
  const schemas = jtl.optionSchemas()
  assert.deepEqual(Object.keys(schemas).sort(), Object.keys(INTERFACES).sort(), 'one interface per core schema')
  const members = declared()
  const pending = JSON.parse(fs.readFileSync(path.join(ROOT, 'conformance', 'pending', 'option-lists.json'), 'utf8'))
  const found = {}
  for (const [schema, iface] of Object.entries(INTERFACES)) {
    const want = new Set(schemas[schema].map((o) => o.name))
    const have = new Set(members[iface] ?? [])
    const missing = [...want].filter((n) => !have.has(n)).sort()
    const extra = [...have].filter((n) => !want.has(n)).sort()
    if (missing.length || extra.length) found[schema] = { missing, extra }
  }
  assert.deepEqual(found, pending.node ?? {}, `Node's options differ from the core's: ${JSON.stringify(found, null, 1)}`)
})

test('every core client option name is accepted by the Node constructors', () => {
  const schemas = jtl.optionSchemas()
  const base = { cloudClient: { clientId: 'id', clientSecret: 'secret' }, scxClient: { refreshToken: 't' }, wawiClient: { baseUrl: 'http://127.0.0.1:1/api/eazybusiness', apiKey: 'k', appId: 'a', appVersion: '1' } }
  const make = { cloudClient: (o) => new jtl.CloudClient(o), scxClient: (o) => new jtl.ScxClient(o), wawiClient: (o) => new jtl.WawiClient(o) }
  for (const [schema, build] of Object.entries(make)) {
    for (const { name } of schemas[schema]) {
      try {
        build({ ...base[schema], [name]: base[schema][name] })
      } catch (err) {
        assert.doesNotMatch(String(err.message), /unknown option/, `${schema}.${name}`)
      }
    }
    for (const { name } of schemas.http) {
      build({ ...base[schema], http: { [name]: undefined } })
    }
  }
})
