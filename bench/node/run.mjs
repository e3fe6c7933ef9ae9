// Benchmarks of jtl-connect (Node binding) against what JTL integrators use today: jose for
// session tokens and plain fetch (undici) with a hand-cached bearer token for the ERP API.
//
// Everything runs against ONE in-process emulator of JTL's servers (startEmulator()); no
// request leaves the machine. Run it through run.sh (which builds the addon in release).
//
//   (a) session-token verification on distinct, freshly minted tokens, 1 and 32 in flight:
//       jose jwtVerify + createLocalJWKSet (JWKS fetched once, the set built once),
//       jose jwtVerify + createRemoteJWKSet (jose fetches and caches the JWKS itself),
//       jtl-connect SessionVerifier.verify, verified-token cache off (verifiedCacheSize: 0)
//       and on (default, 1024). EdDSA pinned, issuer, 60 s leeway and the claims jtl-connect
//       requires are checked by every library. As a floor, not a peer: node:crypto's
//       synchronous Ed25519 check alone (no header, no claims).
//   (b) authenticated GET /erp/v2/info + json(): fetch with a manually cached bearer token vs
//       CloudClient.get('info'), concurrency 1 and 32; node:http with a keep-alive Agent as
//       the leanest built-in peer.
//   (c) memory of 10,000 operations of each, one fresh child process per case: peak RSS
//       growth (VmHWM after resetting it) and RSS retained.
//
// Method: warm-up, then R repetitions of each case, interleaved (the order rotates every
// repetition); the median ops/s is reported; ratio = jtl-connect ops/s / peer ops/s
// (> 1: jtl-connect faster). Prints a table and writes RESULTS.md beside this file.
//
//   node run.mjs [--quick] [--reps 11] [--verify-n 2000] [--get-n 2000] [--memory-ops 10000] [--no-write]

import { spawnSync } from 'node:child_process'
import { createPublicKey, verify as cryptoVerify } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose'
import { CloudClient, startEmulator } from 'jtl-connect'

const HERE = dirname(fileURLToPath(import.meta.url))
const ISSUER = 'https://api.jtl-cloud.com'
const LEEWAY = 60
const REQUIRED = ['exp', 'tenantId', 'userId'] // what a session token carries (facts §4.1: no iss, no iat)
const TOKEN_MARGIN_MS = 300_000
const CONCURRENCY = [1, 32]

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string', default: '11' },
    'verify-n': { type: 'string', default: '2000' },
    'get-n': { type: 'string', default: '2000' },
    'memory-ops': { type: 'string', default: '10000' },
    'no-write': { type: 'boolean', default: false },
    'memory-child': { type: 'string' },
  },
})
let REPS = Number(args.reps)
let VERIFY_N = Number(args['verify-n'])
let GET_N = Number(args['get-n'])
let MEMORY_OPS = Number(args['memory-ops'])
if (args.quick) [REPS, VERIFY_N, GET_N, MEMORY_OPS] = [3, 300, 300, 1000]

// ------------------------------------------------------------------------------------
// The peers, written the way a careful integrator writes them

/** The hand-written access-token cache: one token, reused until 5 min before expiry,
 *  one fetch at a time. */
class BearerCache {
  constructor(tokenUrl, clientId, clientSecret) {
    this.url = tokenUrl
    this.basic = 'Basic ' + Buffer.from(`${clientId}:${clientSecret}`).toString('base64')
    this.value = ''
    this.refreshAt = 0
    this.pending = null
  }
  async fetchToken() {
    const r = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: this.basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    if (!r.ok) throw new Error(`token endpoint answered ${r.status}`)
    const body = await r.json()
    this.value = `Bearer ${body.access_token}`
    this.refreshAt = Date.now() + body.expires_in * 1000 - TOKEN_MARGIN_MS
  }
  async header() {
    if (Date.now() < this.refreshAt) return this.value
    this.pending ??= this.fetchToken().finally(() => { this.pending = null })
    await this.pending
    return this.value
  }
}

const joseOptions = { algorithms: ['EdDSA'], clockTolerance: LEEWAY, requiredClaims: REQUIRED }

// ------------------------------------------------------------------------------------
// Set-up shared by the timing run and the memory children

async function makeWorld() {
  // No artificial latency; a rate limit the benchmark cannot reach.
  const emulator = await startEmulator({ settings: { latencyMs: 0, rateLimit: 4_000_000_000 } })
  const endpoints = emulator.endpoints()
  const client = new CloudClient({
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    tenantId: emulator.tenantId,
    endpoints,
  })
  const bearer = new BearerCache(endpoints.tokenUrl, emulator.clientId, emulator.clientSecret)
  const infoUrl = endpoints.apiBase.replace(/\/$/, '') + '/info'
  const jwksUrl = endpoints.jwksUrl
  const tenant = emulator.tenantId

  const mint = (n) => Array.from({ length: n }, () => emulator.mintSessionToken({ ttlSeconds: 3600 }).token)

  async function verifiers() {
    const auth = await bearer.header()
    const jwks = await (await fetch(jwksUrl, { headers: { authorization: auth } })).json()
    const local = createLocalJWKSet(jwks)
    const remote = createRemoteJWKSet(new URL(jwksUrl), {
      headers: { authorization: auth }, // JTL's JWKS wants a bearer token
      cacheMaxAge: 600_000,
      cooldownDuration: 30_000,
    })
    // Not a peer: the floor under any Node verifier, the Ed25519 check alone (split,
    // base64url of the signature, node:crypto's synchronous verify; no header, no claims).
    const floorKey = createPublicKey({ key: jwks.keys[0], format: 'jwk' })
    const floor = (t) => {
      const dot = t.lastIndexOf('.')
      if (!cryptoVerify(null, Buffer.from(t.slice(0, dot)), floorKey, Buffer.from(t.slice(dot + 1), 'base64url'))) {
        throw new Error('bad signature')
      }
    }
    const off = client.sessionVerifier({ verifiedCacheSize: 0 })
    const on = client.sessionVerifier()
    return {
      // Every case resolves to [tenant id, user id]: what an app reads from a session.
      cases: {
        'floor: node:crypto Ed25519 verify alone': floor,
        'jose + createLocalJWKSet': async (t) => {
          const { payload } = await jwtVerify(t, local, joseOptions)
          return [payload.tenantId, payload.userId]
        },
        'jose + createRemoteJWKSet': async (t) => {
          const { payload } = await jwtVerify(t, remote, joseOptions)
          return [payload.tenantId, payload.userId]
        },
        'jtl-connect, cache off': async (t) => {
          const session = await off.verify(t)
          return [session.tenantId, session.userId]
        },
        'jtl-connect, cache on': async (t) => {
          const session = await on.verify(t)
          return [session.tenantId, session.userId]
        },
      },
      on,
    }
  }

  function getters() {
    const headers = { 'x-tenant-id': tenant, accept: 'application/json' }
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
    const httpGet = (authorization) => new Promise((resolve, reject) => {
      const req = http.get(infoUrl, { agent, headers: { ...headers, authorization } }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`GET info answered ${res.statusCode}`))
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        })
        res.on('error', reject)
      })
      req.on('error', reject)
    })
    return {
      'node:http (keep-alive Agent)': async () => httpGet(await bearer.header()),
      fetch: async () => {
        const r = await fetch(infoUrl, { headers: { ...headers, authorization: await bearer.header() } })
        if (!r.ok) throw new Error(`GET info answered ${r.status}`)
        return r.json()
      },
      'jtl-connect CloudClient': async () => (await client.get('info')).json(),
    }
  }

  return { emulator, client, mint, verifiers, getters, stop: () => emulator.stop() }
}

// ------------------------------------------------------------------------------------
// Timing

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const summary = (xs) => [median(xs), Math.min(...xs), Math.max(...xs)]

/** ops/s of `op(items[i])` for every item (or `count` calls), `concurrency` in flight. */
async function timeOps(op, { items, count, concurrency }) {
  const total = items ? items.length : count
  let next = 0
  const worker = async () => {
    for (let i = next++; i < total; i = next++) await op(items ? items[i] : i)
  }
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return total / (Number(process.hrtime.bigint() - start) / 1e9)
}

async function interleaved(cases, measure) {
  const names = Object.keys(cases)
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (let rep = 0; rep < REPS; rep++) {
    const k = rep % names.length
    for (const name of [...names.slice(k), ...names.slice(0, k)]) {
      globalThis.gc?.()
      samples[name].push(await measure(name, rep))
    }
  }
  return Object.fromEntries(names.map((n) => [n, summary(samples[n])]))
}

async function benchVerify(world, concurrency, tokens, warmup) {
  const { cases, on } = await world.verifiers()
  const before = on.stats().cacheHits
  for (const verify of Object.values(cases)) for (const t of tokens.slice(0, warmup)) await verify(t)
  const slices = Array.from({ length: REPS }, (_, r) => tokens.slice(warmup + r * VERIFY_N, warmup + (r + 1) * VERIFY_N))
  // Every case sees the same tokens, each once per case: the cache on never hits.
  const results = await interleaved(cases, (name, rep) => timeOps(cases[name], { items: slices[rep], concurrency }))
  if (on.stats().cacheHits !== before) throw new Error('distinct tokens must never hit the cache')
  // Not a peer comparison: what the verified-token cache buys for a repeated token.
  const hit = world.client.sessionVerifier()
  await hit.verify(tokens[0])
  const same = Array(VERIFY_N).fill(tokens[0])
  const hits = []
  const hitCall = async (t) => {
    const session = await hit.verify(t)
    return [session.tenantId, session.userId]
  }
  for (let r = 0; r < REPS; r++) hits.push(await timeOps(hitCall, { items: same, concurrency }))
  results['jtl-connect, cache on, repeated token'] = summary(hits)
  return results
}

async function benchGet(world, concurrency, warmup) {
  const cases = world.getters()
  for (const op of Object.values(cases)) await timeOps(op, { count: warmup, concurrency })
  return interleaved(cases, (name) => timeOps(cases[name], { count: GET_N, concurrency }))
}

// ------------------------------------------------------------------------------------
// Memory: one fresh child process per case

const MEMORY_CASES = [
  'verify:jose + createLocalJWKSet',
  'verify:jose + createRemoteJWKSet',
  'verify:jtl-connect, cache off',
  'verify:jtl-connect, cache on',
  'get:fetch',
  'get:node:http (keep-alive Agent)',
  'get:jtl-connect CloudClient',
]

const status = (field) => {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field + ':'))
  return line ? Number(line.split(/\s+/)[1]) : 0
}

async function memoryChild(kase) {
  const [kind, name] = [kase.slice(0, kase.indexOf(':')), kase.slice(kase.indexOf(':') + 1)]  // 'get:node:http ...' too
  const world = await makeWorld()
  try {
    let run
    if (kind === 'verify') {
      const verify = (await world.verifiers()).cases[name]
      const tokens = world.mint(MEMORY_OPS + 10)
      for (const t of tokens.slice(0, 10)) await verify(t)
      const batch = tokens.slice(10)
      run = () => timeOps(verify, { items: batch, concurrency: 1 })
    } else {
      const op = world.getters()[name]
      await timeOps(op, { count: 50, concurrency: 1 })
      run = () => timeOps(op, { count: MEMORY_OPS, concurrency: 1 })
    }
    globalThis.gc?.()
    const before = status('VmRSS')
    let reset = true
    try { writeFileSync('/proc/self/clear_refs', '5') } catch { reset = false }
    const heapBefore = process.memoryUsage().heapUsed
    await run()
    const peak = status('VmHWM')
    globalThis.gc?.()
    const heapAfter = process.memoryUsage().heapUsed
    const after = status('VmRSS')
    return {
      case: kase, ops: MEMORY_OPS, rssBeforeKiB: before, peakGrowthKiB: Math.max(0, peak - before),
      retainedKiB: after - before, heapGrowthKiB: Math.round((heapAfter - heapBefore) / 1024), hwmReset: reset,
    }
  } finally {
    await world.stop()
  }
}

function benchMemory() {
  const out = []
  for (const kase of MEMORY_CASES) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--memory-child', kase, '--memory-ops', String(MEMORY_OPS)], { encoding: 'utf8' })
    if (child.status !== 0) {
      process.stderr.write(child.stderr)
      throw new Error(`memory child ${kase} failed`)
    }
    out.push(JSON.parse(child.stdout.trim().split('\n').at(-1)))
    console.log(`  ${kase}: done`)
  }
  return out
}

// ------------------------------------------------------------------------------------
// Report

const fmt = (x) => Math.round(x).toLocaleString('en-US')

function table(title, results, jtl, peers) {
  const lines = [`### ${title}`, '', '| library | ops/s (median) | µs/op | min-max ops/s |', '|---|---:|---:|---:|']
  for (const [name, [med, lo, hi]] of Object.entries(results)) {
    lines.push(`| ${name} | ${fmt(med)} | ${(1e6 / med).toFixed(1)} | ${fmt(lo)}-${fmt(hi)} |`)
  }
  lines.push('', `| ratio (jtl-connect / peer, ops/s) | ${peers.join(' | ')} |`, `|---|${'---:|'.repeat(peers.length)}`)
  for (const j of jtl) lines.push(`| ${j} | ${peers.map((p) => (results[j][0] / results[p][0]).toFixed(2) + 'x').join(' | ')} |`)
  return [...lines, '']
}

function memoryTable(mem) {
  const lines = [
    `### (c) Memory, ${mem[0].ops.toLocaleString('en-US')} operations each (fresh process per case, concurrency 1)`,
    '',
    '| case | peak RSS growth (KiB) | RSS retained after GC (KiB) | V8 heap retained after GC (KiB) |',
    '|---|---:|---:|---:|',
  ]
  for (const m of mem) lines.push(`| ${m.case} | ${fmt(m.peakGrowthKiB)} | ${fmt(m.retainedKiB)} | ${fmt(m.heapGrowthKiB)} |`)
  if (!mem.every((m) => m.hwmReset)) lines.push('', '(the peak RSS mark could not be reset)')
  return [...lines, '']
}

async function main() {
  if (args['memory-child']) {
    console.log(JSON.stringify(await memoryChild(args['memory-child'])))
    return
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  const loadStart = os.loadavg()[0]
  const started = new Date()
  const versions = {
    'jtl-connect': JSON.parse(readFileSync(join(HERE, 'node_modules/jtl-connect/package.json'), 'utf8')).version,
    jose: JSON.parse(readFileSync(join(HERE, 'node_modules/jose/package.json'), 'utf8')).version,
    node: process.version,
  }
  console.log(`${os.cpus().length} CPUs (${cpu}), load average ${loadStart.toFixed(2)}; ` +
    Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', '))

  const world = await makeWorld()
  const body = []
  const peersV = ['jose + createLocalJWKSet', 'jose + createRemoteJWKSet']
  const jtlV = ['jtl-connect, cache off', 'jtl-connect, cache on']  // a repeated token has no peer equivalent
  try {
    const warmup = 300
    for (const c of CONCURRENCY) {
      console.log(`(a) session-token verification, concurrency ${c}: minting ${warmup + REPS * VERIFY_N} tokens ...`)
      const tokens = world.mint(warmup + REPS * VERIFY_N)
      const r = await benchVerify(world, c, tokens, warmup)
      body.push(...table(`(a) Session-token verification, distinct tokens, concurrency ${c} (${fmt(VERIFY_N)} per repetition)`, r, jtlV, peersV))
    }
    for (const c of CONCURRENCY) {
      console.log(`(b) GET /erp/v2/info, concurrency ${c}`)
      const r = await benchGet(world, c, 200)
      body.push(...table(`(b) GET /erp/v2/info + json(), concurrency ${c} (${fmt(GET_N)} per repetition)`, r, ['jtl-connect CloudClient'], ['fetch', 'node:http (keep-alive Agent)']))
    }
  } finally {
    await world.stop()
  }
  console.log('(c) memory')
  body.push(...memoryTable(benchMemory()))
  const loadEnd = os.loadavg()[0]
  console.log('\n' + body.join('\n'))

  if (args['no-write'] || args.quick) return
  const head = [
    '# Node benchmark results (one run)',
    '',
    'Written by `bench/node/run.mjs` (see `bench/README.md` for what each case does).',
    '',
    `- run: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${REPS} repetitions per case, interleaved, median reported`,
    `- machine: ${os.cpus().length} CPUs (${cpu}), shared with other developers' builds: load average ${loadStart.toFixed(2)} at the start, ${loadEnd.toFixed(2)} at the end`,
    `- ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}; fetch is Node's built-in (undici)`,
    '- jtl-connect addon built by `run.sh` with `npm run build:release` (release profile)',
    '- server: one in-process emulator from `startEmulator()` (loopback, no latency), sharing the CPUs',
    '- ratio = jtl-connect ops/s ÷ peer ops/s: above 1 jtl-connect is faster',
    '',
  ]
  writeFileSync(join(HERE, 'RESULTS.md'), [...head, ...body].join('\n'))
  console.log(`wrote ${join(HERE, 'RESULTS.md')}`)
}

await main()
