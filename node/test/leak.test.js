'use strict'

// Issue 9's leak test in Node: a whole flow (Cloud token, refresh after a 401, retry after a
// 503, errors, session tokens, SCX, Wawi, the account store), then everything the process
// printed, every inspect/JSON/String of the objects and errors, and the database files are
// searched for every secret and token the flow used.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { jtl, setup, cloudClient, rejection } = require('./helpers.js')

test('a whole flow leaks no secret', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const printed = []
  const originals = { out: process.stdout.write, err: process.stderr.write }
  process.stdout.write = function (chunk, ...rest) { printed.push(String(chunk)); return originals.out.call(this, chunk, ...rest) }
  process.stderr.write = function (chunk, ...rest) { printed.push(String(chunk)); return originals.err.call(this, chunk, ...rest) }
  t.after(() => { process.stdout.write = originals.out; process.stderr.write = originals.err })

  const secrets = [emulator.clientSecret, emulator.wawiApiKey, emulator.scxRefreshToken]
  const texts = []
  const keep = (...values) => {
    for (const v of values) texts.push(util.inspect(v, { depth: 10, showHidden: true }), JSON.stringify(v) ?? '', String(v))
  }

  secrets.push((await client.accessToken()).expose())
  emulator.injectFault({ service: 'api', status: 401 })
  emulator.injectFault({ service: 'api', status: 503 })
  keep(await client.get('info'))
  secrets.push((await client.accessToken()).expose())
  keep(await rejection(client.get('items/99999')), client)

  const wrong = cloudClient(emulator, { clientSecret: 'wrong-secret-0123456789' })
  secrets.push('wrong-secret-0123456789')
  keep(await rejection(wrong.get('info')), wrong)

  const session = emulator.mintSessionToken()
  secrets.push(session.token)
  keep(await client.sessionVerifier().verify(session.token))

  const scx = new jtl.ScxClient({ refreshToken: emulator.scxRefreshToken, endpoints: emulator.endpoints() })
  keep(await scx.events(), scx)
  secrets.push((await scx.accessToken()).expose())
  const wawi = new jtl.WawiClient({ baseUrl: emulator.wawiBase, apiKey: emulator.wawiApiKey, appId: 'leak/1.0.0', appVersion: '1.0.0' })
  keep(await wawi.get('v1/items'), wawi)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-leak-'))
  const store = await jtl.AccountStore.open(path.join(dir, 'accounts.db'), { masterKey: new Uint8Array(32).fill(5) })
  const account = await store.add('jtl-cloud', 'Shop', {
    clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, environment: emulator.url,
  })
  keep(account, await store.list(), await store.testConnection(account.id), await store.client(account.id))
  await store.update(account.id, { fields: { clientSecret: 'replaced-secret-0123456789' } })
  secrets.push('replaced-secret-0123456789')
  keep(await store.testConnection(account.id), store)

  const files = fs.readdirSync(dir).filter((f) => !f.endsWith('.key')).map((f) => path.join(dir, f))
  assert.ok(files.some((f) => f.endsWith('accounts.db')))
  for (const secret of secrets) {
    for (const line of printed) assert.ok(!line.includes(secret), 'a secret was printed')
    for (const text of texts) assert.ok(!text.includes(secret), `a secret reached ${text.slice(0, 80)}`)
    for (const file of files) assert.ok(!fs.readFileSync(file).includes(secret), `a secret is in ${path.basename(file)}`)
  }
})
