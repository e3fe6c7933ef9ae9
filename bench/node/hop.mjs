// Issue 19's Node rows: the cost of the binding hop, measured side by side in one run.
//
//   (h1) cold session-token verification at 1 in flight (distinct tokens, cache off) against
//        jose + createLocalJWKSet;
//   (h2) a cached access token: `await client.accessToken()`;
//   (h3) GET of one 100-item page + json(): jtl-connect `get(...).json()` and `page()`
//        against undici.Pool + JSON.parse and fetch + json();
//   (h4) walking 2,000 items in pages of 100: `for await (... client.paginate(...))` against
//        a fetch loop and an undici.Pool loop;
//   (h5) 1,000 clients (one per stored account): the time to build them and the RSS they
//        add, each case in a fresh child process, against 1,000 undici.Pool.
//
// Method as run.mjs: warm-up, R interleaved repetitions, the median reported. Appends the
// section "## Issue 19" to RESULTS.md (run.mjs writes the rest first).
//
// The server is the release `jtl-emulator` binary in a process of its own (run.sh builds
// it; JTL_EMULATOR_BIN overrides the path), so the clients measured do not share a runtime
// or an event loop with it, and its admin API (/_emulator/) mints the session tokens.
//
//   node --expose-gc hop.mjs [--quick] [--reps 7] [--no-write]

import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { createLocalJWKSet, jwtVerify } from 'jose'
import { CloudClient, Endpoints } from 'jtl-connect'
import { Pool } from 'undici'

const HERE = dirname(fileURLToPath(import.meta.url))
const joseOptions = {
  algorithms: ['EdDSA'], clockTolerance: 60,
  requiredClaims: ['exp', 'tenantId', 'userId'], // a session token has no iss, no iat (facts §4.1)
}
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string', default: '7' },
    'no-write': { type: 'boolean', default: false },
    'clients-child': { type: 'string' },
    'emulator-url': { type: 'string' },
  },
})
let [REPS, VERIFY_N, TOKEN_N, PAGE_N, WALKS] = [Number(args.reps), 2000, 20000, 300, 3]
if (args.quick) [REPS, VERIFY_N, TOKEN_N, PAGE_N, WALKS] = [2, 200, 2000, 30, 1]
const ITEMS = 2000

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
const summary = (xs) => [median(xs), Math.min(...xs), Math.max(...xs)]
const rssKib = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\s+(\d+)/)[1])

async function interleaved(cases, reps, measure) {
  const samples = Object.fromEntries(Object.keys(cases).map((c) => [c, []]))
  const names = Object.keys(cases)
  for (let rep = 0; rep < reps; rep++) {
    const k = rep % names.length
    for (const name of [...names.slice(k), ...names.slice(0, k)]) {
      globalThis.gc?.()
      samples[name].push(await measure(name, rep))
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([c, xs]) => [c, summary(xs)]))
}

async function opsPerSec(n, op) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await op(i)
  return n / (Number(process.hrtime.bigint() - start) / 1e9)
}

// ------------------------------------------------------------------------------------

// The release emulator binary in its own process; resolves once it listens.
async function startEmulatorProcess() {
  const root = join(HERE, '..', '..')
  const bin = process.env.JTL_EMULATOR_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'jtl-emulator')
  if (!existsSync(bin)) throw new Error(`${bin} not found: build it with cargo build --release -p jtl-emulator (run.sh does)`)
  const child = spawn(bin, ['--port', '0', '--latency-ms', '0', '--rate-limit', '4000000000'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`jtl-emulator exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      out += chunk
      const line = out.match(/^listening on (\S+)/m)
      if (line) resolve(line[1])
    })
  })
  child.stdout.resume()
  const emulator = await connectEmulator(url)
  emulator.stop = () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGINT') })
  return emulator
}

// The emulator at `url` through its admin API: the demo credentials and token minting.
async function connectEmulator(url) {
  const admin = async (path, body) => {
    const r = await fetch(`${url}/_emulator${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (!r.ok) throw new Error(`admin ${path} answered ${r.status}: ${await r.text()}`)
    return r.json()
  }
  const summary = await admin('')
  return {
    url,
    clientId: summary.client_id,
    clientSecret: summary.client_secret,
    tenantId: summary.tenant_id,
    endpoints: () => Endpoints.emulator(url),
    // n session tokens, minted 50 at a time
    mintSessionTokens: async (n, spec) => {
      const tokens = []
      while (tokens.length < n) {
        const batch = Math.min(50, n - tokens.length)
        tokens.push(...(await Promise.all(Array.from({ length: batch }, () => admin('/session-tokens', spec)))).map((m) => m.token))
      }
      return tokens
    },
  }
}

async function clientsChild(kind) {
  const emulator = await connectEmulator(args['emulator-url'])
  const endpoints = emulator.endpoints()
  const origin = new URL(endpoints.apiBase).origin
  const make = kind === 'undici.Pool'
    ? (i) => new Pool(origin, { connections: 10, headers: { 'x-tenant-id': emulator.tenantId, 'x-client': `c-${i}` } })
    : (i) => new CloudClient({ clientId: `client-${i}`, clientSecret: 'secret', tenantId: emulator.tenantId, endpoints })
  const keep = [make(-1)] // what every process pays once (the addon, the shared HTTP client)
  globalThis.gc?.()
  const before = rssKib()
  const start = process.hrtime.bigint()
  for (let i = 0; i < 1000; i++) keep.push(make(i))
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  globalThis.gc?.()
  const grown = rssKib() - before
  process.stdout.write(JSON.stringify({ kind, ms, rssKib: grown, kept: keep.length }) + '\n')
  process.exit(0)
}

if (args['clients-child']) await clientsChild(args['clients-child'])

const load0 = os.loadavg()[0]
const started = new Date()
const emulator = await startEmulatorProcess()
const endpoints = emulator.endpoints()
const client = new CloudClient({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tenantId: emulator.tenantId, endpoints })
const base = endpoints.apiBase.replace(/\/$/, '')
const origin = new URL(base).origin
const prefix = new URL(base).pathname
const auth = `Bearer ${(await client.accessToken()).expose()}` // hand-cached, valid for the run
const headers = { authorization: auth, 'x-tenant-id': emulator.tenantId, accept: 'application/json' }

// The catalogue: 60 seeded items, topped up to 2,000.
{
  const first = await (await client.get('items', { params: { pageSize: '1' } })).json()
  const missing = ITEMS - first.totalItems
  for (let i = 0; i < missing; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, missing - i) }, (_, j) =>
      client.post('items', { sKU: `HOP-${i + j}`, name: `Benchmark item ${i + j}`, price: 1 + j }, { idempotent: true })))
  }
}

const results = {}

// (h1) cold verify, 1 in flight
{
  console.log('(h1) cold verify, 1 in flight')
  const jwks = await (await fetch(endpoints.jwksUrl, { headers: { authorization: auth } })).json()
  const local = createLocalJWKSet(jwks)
  const off = client.sessionVerifier({ verifiedCacheSize: 0 })
  const cases = {
    'jose + createLocalJWKSet': async (t) => { const { payload } = await jwtVerify(t, local, joseOptions); return payload.tenantId },
    'jtl-connect SessionVerifier, cache off': async (t) => (await off.verify(t)).tenantId,
  }
  const tokens = await emulator.mintSessionTokens(200 + REPS * VERIFY_N * 2, { ttlSeconds: 3600 })
  for (const f of Object.values(cases)) for (const t of tokens.slice(0, 200)) await f(t)
  let next = 200
  results.verify = await interleaved(cases, REPS, async (c) => {
    const batch = tokens.slice(next, next + VERIFY_N); next += VERIFY_N
    return opsPerSec(batch.length, (i) => cases[c](batch[i]))
  })
}

// (h2) cached token
{
  console.log('(h2) cached token')
  await client.accessToken()
  results.token = await interleaved({ 'await client.accessToken()': 0 }, REPS, () => opsPerSec(TOKEN_N, () => client.accessToken()))
}

// (h3) one 100-item page
const pool = new Pool(origin, { connections: 10 })
{
  console.log('(h3) GET one 100-item page + json')
  const path = `${prefix}/items?pageNumber=2&pageSize=100`
  const cases = {
    'undici.Pool + JSON.parse': async () => {
      const r = await pool.request({ path, method: 'GET', headers })
      if (r.statusCode !== 200) throw new Error(`answered ${r.statusCode}`)
      return JSON.parse(await r.body.text()).items.length
    },
    'fetch + json()': async () => {
      const r = await fetch(origin + path, { headers })
      if (!r.ok) throw new Error(`answered ${r.status}`)
      return (await r.json()).items.length
    },
    "jtl-connect get('items').json()": async () =>
      (await client.get('items', { params: { pageNumber: '2', pageSize: '100' } })).json().items.length,
    "jtl-connect page('items').items": async () =>
      (await client.page('items', { pageNumber: 2, pageSize: 100 })).items.length,
  }
  for (const f of Object.values(cases)) if ((await f()) !== 100) throw new Error('a page of 100 expected')
  // CPU time of this process per request too (every thread: the event loop's and the
  // runtime's; the server's is not counted).
  const cpu = Object.fromEntries(Object.keys(cases).map((c) => [c, []]))
  results.page = await interleaved(cases, REPS, async (c) => {
    const before = process.cpuUsage()
    const ops = await opsPerSec(PAGE_N, cases[c])
    const used = process.cpuUsage(before)
    cpu[c].push((used.user + used.system) / PAGE_N)
    return ops
  })
  results.pageCpu = Object.fromEntries(Object.entries(cpu).map(([c, xs]) => [c, summary(xs)[0]]))
}

// (h4) walking 2,000 items
{
  console.log('(h4) walking 2,000 items')
  const loop = (get) => async () => {
    let n = 0
    for (let page = 1; page; ) {
      const body = await get(`${prefix}/items?pageNumber=${page}&pageSize=100`)
      for (const item of body.items) n += item.id ? 1 : 0
      page = body.nextPageNumber
    }
    return n
  }
  const cases = {
    'fetch loop': loop(async (path) => (await fetch(origin + path, { headers })).json()),
    'undici.Pool loop': loop(async (path) => JSON.parse(await (await pool.request({ path, method: 'GET', headers })).body.text())),
    "jtl-connect for await (paginate('items'))": async () => {
      let n = 0
      for await (const item of client.paginate('items', { pageSize: 100 })) n += item.id ? 1 : 0
      return n
    },
  }
  for (const f of Object.values(cases)) { const n = await f(); if (n !== ITEMS) throw new Error(`walked ${n} of ${ITEMS}`) }
  results.walk = await interleaved(cases, REPS, async (c) => {
    const start = process.hrtime.bigint()
    for (let w = 0; w < WALKS; w++) await cases[c]()
    return (WALKS * ITEMS) / (Number(process.hrtime.bigint() - start) / 1e9)
  })
}
await pool.close()

// (h5) 1,000 clients, fresh processes
console.log('(h5) 1,000 clients')
const kinds = ['jtl-connect CloudClient', 'undici.Pool']
const clientRuns = Object.fromEntries(kinds.map((k) => [k, { ms: [], rssKib: [] }]))
for (let rep = 0; rep < Math.max(3, REPS >> 1); rep++) {
  for (const kind of rep % 2 ? [...kinds].reverse() : kinds) {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--clients-child', kind, '--emulator-url', emulator.url], { encoding: 'utf8' })
    if (child.status !== 0) { console.error(child.stderr); throw new Error(`clients child ${kind} failed`) }
    const got = JSON.parse(child.stdout.trim().split('\n').pop())
    clientRuns[kind].ms.push(got.ms)
    clientRuns[kind].rssKib.push(got.rssKib)
  }
}
const clients = Object.fromEntries(Object.entries(clientRuns).map(([k, v]) => [k, { ms: median(v.ms), rssKib: median(v.rssKib) }]))
await emulator.stop()
const load1 = os.loadavg()[0]

// ------------------------------------------------------------------------------------

const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
const rows = (r, unit = 'ops/s') => [
  `| case | ${unit} (median) | µs/op | min-max |`, '|---|---:|---:|---:|',
  ...Object.entries(r).map(([n, [m, lo, hi]]) => `| ${n} | ${fmt(m)} | ${fmt(1e6 / m, 2)} | ${fmt(lo)}-${fmt(hi)} |`),
]
const m = (r, k) => r[k][0]
const met = (ok) => (ok ? 'met' : '**missed**')
const verifyRatio = m(results.verify, 'jtl-connect SessionVerifier, cache off') / m(results.verify, 'jose + createLocalJWKSet')
const tokenUs = 1e6 / m(results.token, 'await client.accessToken()')
const pageRatio = m(results.page, "jtl-connect get('items').json()") / m(results.page, 'undici.Pool + JSON.parse')
const pageRatio2 = m(results.page, "jtl-connect page('items').items") / m(results.page, 'undici.Pool + JSON.parse')
const walkRatio = m(results.walk, "jtl-connect for await (paginate('items'))") / m(results.walk, 'fetch loop')
const jc = clients['jtl-connect CloudClient']
const up = clients['undici.Pool']
const body = [
  '## Issue 19: the binding hop (hop.mjs)',
  '',
  `- run: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${REPS} repetitions per case, interleaved, median reported; ` +
    `load average ${load0.toFixed(2)} at the start, ${load1.toFixed(2)} at the end (${os.cpus().length} CPUs, shared)`,
  `- Node ${process.versions.node}; jose, undici: bench/node/package-lock.json`,
  '- server: the release `jtl-emulator` binary in its own process (loopback, no latency), sharing the CPUs',
  '',
  `### (h1) Cold verification, 1 in flight, distinct tokens (${fmt(VERIFY_N)} per repetition)`, '', ...rows(results.verify), '',
  `### (h2) A cached access token (${fmt(TOKEN_N)} calls per repetition)`, '', ...rows(results.token), '',
  `### (h3) GET one 100-item page + json(), 1 in flight (${PAGE_N} per repetition)`, '', ...rows(results.page), '',
  'CPU time of this process per request (the event loop\'s thread and the runtime\'s; the server\'s not counted), median: ' +
    Object.entries(results.pageCpu).map(([c, us]) => `${c} ${us.toFixed(0)} µs`).join('; ') +
    `. jtl-connect's runtime worker spins around each call instead of parking (\`core/src/warm.rs\`; window in this run: ${process.env.JTL_CONNECT_SPIN_MICROS ?? '250 (the default)'} µs), ` +
    'trading CPU for wake-ups; `JTL_CONNECT_SPIN_MICROS=0` turns that off.', '',
  `### (h4) Walking ${fmt(ITEMS)} items in pages of 100 (${WALKS} walks per repetition; items/s)`, '', ...rows(results.walk, 'items/s'), '',
  '### (h5) 1,000 clients, each case in a fresh process (median of the runs)', '',
  '| case | time to build 1,000 | RSS added |', '|---|---:|---:|',
  ...Object.entries(clients).map(([k, v]) => `| ${k} | ${fmt(v.ms, 1)} ms | ${fmt(v.rssKib / 1024, 2)} MiB |`), '',
  "### Against issue 19's targets", '',
  '| target | measured | |', '|---|---:|---|',
  `| cold verify at 1 in flight ≥ 3x jose | ${verifyRatio.toFixed(2)}x | ${met(verifyRatio >= 3)} |`,
  `| cached token ≤ 2 µs | ${tokenUs.toFixed(2)} µs | ${met(tokenUs <= 2)} |`,
  `| GET + json of a 100-item page ≥ 1.5x undici.Pool + JSON.parse | ${pageRatio.toFixed(2)}x (page(): ${pageRatio2.toFixed(2)}x) | ${met(pageRatio >= 1.5)} |`,
  `| walking 2,000 items ≥ 1.5x a fetch loop | ${walkRatio.toFixed(2)}x | ${met(walkRatio >= 1.5)} |`,
  `| 1,000 clients ≤ 50 ms | ${fmt(jc.ms, 1)} ms (undici.Pool ${fmt(up.ms, 1)} ms) | ${met(jc.ms <= 50)} |`,
  `| 1,000 clients ≤ 10 MiB | ${fmt(jc.rssKib / 1024, 2)} MiB (undici.Pool ${fmt(up.rssKib / 1024, 2)} MiB) | ${met(jc.rssKib <= 10 * 1024)} |`,
  '',
]
console.log(body.join('\n'))
if (!args['no-write'] && !args.quick) {
  const file = join(HERE, 'RESULTS.md')
  const previous = existsSync(file) ? readFileSync(file, 'utf8').split('\n## Issue 19: the binding hop')[0].trimEnd() : ''
  writeFileSync(file, `${previous}\n\n${body.join('\n')}`)
  console.log(`wrote ${file}`)
}
