// Where a page's time goes (issue 19): one 100-item page from the emulator, undici.Pool +
// JSON.parse, 1 in flight, against (a) the emulator binary in its own process and (b) the
// in-process emulator sharing the addon's runtime, with and without a sort (a sort copies
// the whole catalogue, as every list did before). Not part of run.sh.
import { spawn } from 'node:child_process'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { CloudClient, Endpoints, startEmulator } from 'jtl-connect'

const HERE = dirname(fileURLToPath(import.meta.url))
const N = Number(process.argv[2] ?? 300)
const bin = process.env.JTL_EMULATOR_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(HERE, '..', '..', 'target'), 'release', 'jtl-emulator')

async function binary() {
  const child = spawn(bin, ['--port', '0', '--rate-limit', '4000000000'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve) => child.stdout.on('data', (c) => { const m = String(c).match(/listening on (\S+)/); if (m) resolve(m[1]) }))
  child.stdout.resume()
  const s = await (await fetch(`${url}/_emulator`)).json()
  return { url, clientId: s.client_id, clientSecret: s.client_secret, tenantId: s.tenant_id, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGINT') }) }
}
async function inProcess() {
  const e = await startEmulator({ settings: { latencyMs: 0, rateLimit: 4_000_000_000 } })
  return { url: new URL(e.endpoints().tokenUrl).origin, clientId: e.clientId, clientSecret: e.clientSecret, tenantId: e.tenantId, stop: () => e.stop() }
}

async function measure(emu, label) {
  const client = new CloudClient({ clientId: emu.clientId, clientSecret: emu.clientSecret, tenantId: emu.tenantId, endpoints: Endpoints.emulator(emu.url) })
  const headers = { authorization: `Bearer ${(await client.accessToken()).expose()}`, 'x-tenant-id': emu.tenantId, accept: 'application/json' }
  const pool = new Pool(emu.url, { connections: 10 })
  const get = async (path) => JSON.parse(await (await pool.request({ path, method: 'GET', headers })).body.text())
  const time = async (path) => {
    for (let i = 0; i < 20; i++) await get(path)
    const c0 = process.cpuUsage()
    const t = process.hrtime.bigint()
    for (let i = 0; i < N; i++) await get(path)
    const cpu = process.cpuUsage(c0)
    return [Number(process.hrtime.bigint() - t) / 1e3 / N, (cpu.user + cpu.system) / N]
  }
  const rows = {}
  const total = (await get('/erp/v2/items?pageSize=1')).totalItems
  rows[`info`] = await time('/erp/v2/info')
  rows[`page, ${total} items`] = await time('/erp/v2/items?pageNumber=1&pageSize=100')
  rows[`page sorted, ${total} items`] = await time('/erp/v2/items?pageNumber=1&pageSize=100&sortBy=id')
  for (let i = total; i < 2000; i += 50) await Promise.all(Array.from({ length: Math.min(50, 2000 - i) }, (_, j) => client.post('items', { sKU: `D-${i + j}`, name: `Item ${i + j}`, price: 1 }, { idempotent: true })))
  rows[`page, 2000 items`] = await time('/erp/v2/items?pageNumber=1&pageSize=100')
  rows[`page sorted, 2000 items`] = await time('/erp/v2/items?pageNumber=1&pageSize=100&sortBy=id')
  await pool.close()
  for (const [k, v] of Object.entries(rows)) console.log(`${label.padEnd(12)} ${k.padEnd(26)} ${v[0].toFixed(0).padStart(7)} µs wall, ${v[1].toFixed(0).padStart(6)} µs CPU of this process`)
}

for (const [label, start] of [['binary', binary], ['in-process', inProcess]]) {
  const emu = await start()
  await measure(emu, label)
  await emu.stop()
}
process.exit(0)
