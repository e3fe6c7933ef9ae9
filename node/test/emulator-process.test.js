'use strict'

// startEmulator() runs the emulator binary as a child process (issue 17: the emulator is no
// longer inside the addon): how it is found, that it dies with this process, and that its
// errors are the same JtlErrors as before.
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const path = require('node:path')
const fs = require('node:fs')
const os = require('node:os')
const { spawn } = require('node:child_process')
const { jtl, rejection, thrown } = require('./helpers.js')

/** Whether something accepts connections at `url`. */
function accepts(url) {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

async function closedWithin(url, ms) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!(await accepts(url))) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

/** Runs `fn` with environment variables changed, restoring them afterwards. */
async function withEnv(changes, fn) {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

test('a missing binary says where it looked and how to get it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-emu-'))
  const missing = path.join(dir, 'no-such', 'jtl-emulator')
  let err = await withEnv({ JTL_EMULATOR_BIN: missing }, () => rejection(jtl.startEmulator()))
  assert.ok(err instanceof jtl.JtlError, String(err))
  assert.equal(err.code, 'config')
  assert.ok(err.message.includes(`JTL_EMULATOR_BIN is ${missing}`), err.message)
  err = await withEnv({ JTL_EMULATOR_BIN: undefined, PATH: dir }, () => rejection(jtl.startEmulator()))
  assert.equal(err.code, 'config')
  assert.ok(err.message.includes('neither jtl-emulator nor jtl-connect is on PATH'), err.message)
  assert.ok(err.message.includes('cargo install --locked --path emulator'), err.message)
  assert.ok(err.message.includes('make dist'), err.message)
})

test('a killed process leaves no emulator behind', async () => {
  const script = "require('.').startEmulator().then((e) => { console.log(e.url); setInterval(() => {}, 1000) })"
  const parent = spawn(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    parent.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) resolve(out.trim())
    })
    parent.once('exit', (code) => reject(new Error(`the parent exited with ${code} before printing the URL`)))
  })
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.ok(await accepts(url))
  const exited = new Promise((resolve) => parent.once('exit', resolve))
  parent.kill('SIGKILL')
  await exited
  assert.ok(await closedWithin(url, 10000), 'the emulator outlived the process that started it')
})

test('stop() closes the port, and the emulator errors keep their codes', async () => {
  const started = await rejection(jtl.startEmulator({ prot: 0 }))
  assert.equal(started.code, 'invalid_input')
  assert.ok(started.message.includes('unknown option "prot"'), started.message)

  const emulator = await jtl.startEmulator({ settings: { rateLimit: 4 } })
  assert.equal(emulator.settings().rateLimit, 4)
  assert.equal(thrown(() => emulator.injectFault({ service: 'nowhere' })).code, 'invalid_input')
  assert.equal(thrown(() => emulator.updateSettings({ noSuchSetting: 1 })).code, 'invalid_input')
  const missing = thrown(() => emulator.approveWawiRegistration('no-such-registration'))
  assert.ok(missing instanceof jtl.JtlError)
  assert.equal(missing.code, 'not_found')

  const app = {
    appId: 'com.example.node-twice',
    displayName: 'Approved twice',
    description: 'Approved twice by the jtl-connect Node tests',
    version: '1.0.0',
    providerName: 'Example',
    providerWebsite: 'https://example.com',
    mandatoryScopes: ['all.read'],
  }
  const pending = await jtl.startWawiRegistration(emulator.wawiBase, app, { tenantId: emulator.tenantId })
  emulator.approveWawiRegistration(pending.requestId)
  assert.equal(thrown(() => emulator.approveWawiRegistration(pending.requestId)).code, 'conflict')

  assert.ok(await accepts(emulator.url))
  await emulator.stop()
  assert.ok(!(await accepts(emulator.url)), 'the port is closed once stop() resolves')
  assert.equal(thrown(() => emulator.stats()).code, 'config')
  await emulator.stop() // again: nothing
})
