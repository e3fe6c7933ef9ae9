'use strict'

// Every options object of a call refuses names it does not know (issue 16): a typo such as
// `{ timeOut: 5 }` is a JtlError invalid_input naming it, with the core's "did you mean",
// instead of silently doing nothing. Nothing is sent before the check.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const jtl = require('..')
const { setup } = require('./helpers.js')

/** `fn` throws or rejects with invalid_input whose message matches `pattern`. */
async function refused(fn, pattern) {
  await assert.rejects(async () => fn(), (err) => {
    assert.ok(err instanceof jtl.JtlError, String(err))
    assert.equal(err.code, 'invalid_input', err.message)
    assert.match(err.message, pattern)
    return true
  })
}

test('request, method helpers, page and paginate refuse unknown option names', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  await refused(() => client.get('info', { timeOut: 5 }), /request: unknown option "timeOut"; did you mean "timeout"/)
  await refused(() => client.post('items', { sKU: 'x' }, { idempotnet: true }), /did you mean "idempotent"/)
  await refused(() => client.delete('items/1', { header: { a: 'b' } }), /did you mean "headers"/)
  await refused(() => client.request('GET', 'info', { param: {} }), /did you mean "params"/)
  await refused(() => client.request({ method: 'GET', path: 'info', jsn: {} }), /did you mean "json"/)
  await refused(() => client.page('items', { pageSise: 5 }), /pagination: unknown option "pageSise"; did you mean "pageSize"/)
  await refused(() => client.paginate('items', { page_size: 5 }), /did you mean "pageSize"/)
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json()
  assert.equal(stats.api, 0, 'nothing was sent')
  // The known names still work, the object form of request() included.
  assert.equal((await client.request({ method: 'GET', path: 'info', timeout: 5 })).status, 200)
  assert.equal((await client.page('items', { pageSize: 2, pageNumber: 1, params: {} })).items.length, 2)
})

test('graphql and paginateGraphql refuse unknown option names', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  await refused(() => client.graphql('{ __typename }', null, { operationname: 'x' }), /graphql: unknown option "operationname"; did you mean "operationName"/)
  await refused(() => client.paginateGraphql('query { x }', { connection: 'QueryItems', pagesize: 5 }), /did you mean "pageSize"/)
  assert.ok(await client.graphql('query Q { QueryItems(first: 1) { totalCount } }', null, 'Q'))
})

test('Endpoints, AuthorizationCodeClient and the Wawi registration refuse unknown names', async (t) => {
  const { emulator } = await setup()
  t.after(() => emulator.stop())
  await refused(() => new jtl.Endpoints({ tokenURL: 'http://127.0.0.1:1/token' }), /endpoints: unknown option "tokenURL"; did you mean "tokenUrl"/)
  await refused(() => new jtl.AuthorizationCodeClient({ clientId: 'x', redirectUrl: 'http://127.0.0.1/cb' }), /did you mean "redirectUri"/)
  const app = { appId: 'com.example.options', displayName: 'Options', version: '1.0', description: 'd', providerName: 'p', providerWebsite: 'https://example.com', mandatoryScopes: ['all.read'] }
  await refused(() => jtl.registerWawiApp(emulator.wawiBase, { ...app, mandatoryScope: ['all.read'] }, { tenantId: emulator.tenantId }), /wawiApp: unknown option "mandatoryScope"; did you mean "mandatoryScopes"/)
  await refused(() => jtl.startWawiRegistration(emulator.wawiBase, app, { tenantId: emulator.tenantId, pollIntervall: 1 }), /registration: unknown option "pollIntervall"; did you mean "pollInterval"/)
  await refused(() => jtl.startWawiRegistration(emulator.wawiBase, app, { tenantId: emulator.tenantId, registrationPath: 'v2' }), /registration: unknown option "registrationPath"/)
  // core's name `path` chooses the registration path; `signal` and `cancellation` are Node's own.
  const pending = await jtl.startWawiRegistration(emulator.wawiBase, app, { tenantId: emulator.tenantId, path: 'v2', signal: new AbortController().signal, cancellation: new jtl.Cancellation() })
  assert.ok(pending.requestId)
})

test('AccountStore.open takes path as an option; open, update and sign-in refuse unknown names', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-options-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const masterKey = Uint8Array.from({ length: 32 }, (_, i) => i)
  const file = path.join(dir, 'accounts.db')
  await refused(() => jtl.AccountStore.open(file, { masterkey: masterKey }), /accountStore: unknown option "masterkey"; did you mean "masterKey"/)
  await refused(() => jtl.AccountStore.open(file, { path: file, masterKey }), /path: given twice/)
  const store = await jtl.AccountStore.open({ path: file, masterKey })
  assert.equal(store.path, file)
  const account = await store.add('jtl-cloud', 'Shop', { clientId: 'id', clientSecret: 'secret', tenantId: '00000000-0000-4000-8000-000000000001' })
  await refused(() => store.update(account.id, { nmae: 'Other' }), /accountChanges: unknown option "nmae"; did you mean "name"/)
  await refused(() => store.authorizationCodeClient(account.id, { redirectUri: 'http://127.0.0.1/cb', scope: ['a'] }), /did you mean "scopes"/)
  assert.equal((await store.update(account.id, { name: 'Other' })).name, 'Other')
})
