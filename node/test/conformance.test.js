'use strict'

// The shared conformance cases (conformance/cases/*.json, schema in conformance/README.md),
// one subtest per case id, each against a fresh in-process emulator. The dispatcher below maps
// the neutral snake_case call to this package's camelCase API and normalises the results.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { test } = require('node:test')

const jtl = require('..')

const ROOT = path.join(__dirname, '..', '..', 'conformance')
const STORE_KEY = Uint8Array.from({ length: 32 }, (_, i) => i)
const APP_ID = 'conformance-app'
const APP_VERSION = '1.0.0'

/** Every case of conformance/cases (not pending/), in file and list order. */
function loadCases() {
  const dir = path.join(ROOT, 'cases')
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
}

/** `client_id` → `clientId`. */
const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
/** `clientId` → `client_id`. */
const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Neutral options (snake_case, seconds) as this package's option objects (camelCase, seconds). */
function camelKeys(value) {
  if (Array.isArray(value) || value === null || typeof value !== 'object' || value instanceof jtl.Endpoints) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]))
}
const clientOptions = (options = {}) => camelKeys(options)
const verifierOptions = (options = {}) => camelKeys(options)

/** A JWT with the middle character of its signature changed (conformance/README.md). */
function tamper(token) {
  const [head, payload, signature] = token.split('.')
  const at = Math.floor(signature.length / 2)
  const swapped = signature[at] === 'A' ? 'B' : 'A'
  return `${head}.${payload}.${signature.slice(0, at)}${swapped}${signature.slice(at + 1)}`
}

/** `a.b.0.c` of a JSON value; a missing step gives undefined. */
function lookup(value, dotted) {
  for (const part of dotted.split('.').filter(Boolean)) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined
    value = Array.isArray(value) && /^\d+$/.test(part) ? value[Number(part)] : value[part]
  }
  return value
}

const seconds = (date) => (date instanceof Date ? date.getTime() / 1000 : date)

/** A result as the neutral JSON of conformance/README.md. */
function normalise(value) {
  if (value instanceof jtl.Response) {
    let json = null
    try {
      json = value.json()
    } catch {
      json = null
    }
    return { status: value.status, headers: value.headers, json }
  }
  if (value instanceof jtl.AccessToken) return { token: value.expose(), expires_at: seconds(value.expiresAt) }
  if (Array.isArray(value)) {
    if (value.length > 0 && value[0] && typeof value[0].system === 'string' && 'fields' in value[0]) {
      return { accounts: value.map(normalise), count: value.length }
    }
    return { items: value, count: value.length }
  }
  if (value && typeof value === 'object') {
    if ('system' in value && 'fields' in value && 'id' in value) {
      const fields = {}
      for (const [k, v] of Object.entries(value.fields)) fields[snake(k)] = v
      return { id: value.id, system: value.system, name: value.name, fields }
    }
    if ('tenantId' in value && 'userId' in value && 'claims' in value) {
      return {
        tenant_id: value.tenantId,
        user_id: value.userId,
        customer_id: value.customerId ?? null,
        tenant_slug: value.tenantSlug ?? null,
        expires_at: seconds(value.expiresAt),
      }
    }
    if ('pageNumber' in value && 'items' in value) {
      return {
        items: value.items,
        page_number: value.pageNumber,
        page_size: value.pageSize ?? null,
        total_items: value.totalItems ?? null,
        total_pages: value.totalPages ?? null,
        next_page: value.nextPage ?? null,
      }
    }
    if ('ok' in value && 'elapsedMs' in value) {
      return { ok: value.ok, status: value.status ?? null, code: value.code ?? null }
    }
    if (value.constructor === Object) return { data: value }
    return { constructed: true }
  }
  return value ?? null
}

class Runner {
  constructor(emu, tmp) {
    this.emu = emu
    this.tmp = tmp
    this.saved = {}
    this.objects = {}
  }

  emuValue(name) {
    const emu = this.emu
    const table = {
      url: emu.url,
      endpoints: emu.endpoints(),
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      tenant_id: emu.tenantId,
      second_tenant_id: emu.secondTenantId,
      foreign_tenant_id: emu.foreignTenantId,
      wawi_url: emu.wawiBase,
      wawi_api_key: emu.wawiApiKey,
      scx_refresh_token: emu.scxRefreshToken,
    }
    assert.ok(name in table, `unknown emulator value ${name}`)
    return table[name]
  }

  resolve(value) {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v))
    if (value && typeof value === 'object') {
      if ('$bytes_hex' in value) return Uint8Array.from(Buffer.from(value.$bytes_hex, 'hex'))
      if ('$now_plus' in value) return Math.floor(Date.now() / 1000) + value.$now_plus
      if ('$repeat' in value) return String(value.$repeat[0]).repeat(value.$repeat[1])
      if ('$tamper' in value) return tamper(String(this.resolve(value.$tamper)))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]))
    }
    if (typeof value === 'string' && value.startsWith('$')) {
      if (value.startsWith('$tmp')) return this.tmp + value.slice(4)
      const dot = value.indexOf('.')
      const head = value.slice(1, dot < 0 ? undefined : dot)
      const rest = dot < 0 ? '' : value.slice(dot + 1)
      if (head === 'emu') return this.emuValue(rest)
      assert.ok(head in this.saved, `nothing kept as ${head}`)
      return lookup(this.saved[head], rest)
    }
    return value
  }

  async admin(method, urlPath, body) {
    const answer = await fetch(this.emu.url + urlPath, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    })
    const text = await answer.text()
    assert.ok(answer.ok, `${method} ${urlPath}: ${answer.status} ${text}`)
    return text ? JSON.parse(text) : null
  }

  async builtin(name) {
    const emu = this.emu
    switch (name) {
      case 'cloud':
        return new jtl.CloudClient({ clientId: emu.clientId, clientSecret: emu.clientSecret, tenantId: emu.tenantId, endpoints: emu.endpoints() })
      case 'wawi':
        return new jtl.WawiClient({ baseUrl: emu.wawiBase, apiKey: emu.wawiApiKey, appId: APP_ID, appVersion: APP_VERSION })
      case 'scx':
        return new jtl.ScxClient({ refreshToken: emu.scxRefreshToken, endpoints: emu.endpoints() })
      case 'verifier':
        return (await this.subject('cloud')).sessionVerifier()
      case 'store':
        return jtl.AccountStore.open(path.join(this.tmp, 'accounts.db'), { masterKey: STORE_KEY })
      default:
        throw new Error(`unknown object ${name}`)
    }
  }

  async subject(name) {
    if (!(name in this.objects)) this.objects[name] = await this.builtin(name)
    return this.objects[name]
  }

  async construct(kind, args) {
    const { options, ...rest } = args
    const named = {}
    for (const [k, v] of Object.entries(rest)) named[camel(k)] = v
    switch (kind) {
      case 'cloud_client':
        return new jtl.CloudClient({ ...named, ...clientOptions(options) })
      case 'wawi_client':
        return new jtl.WawiClient({ ...named, ...clientOptions(options) })
      case 'scx_client':
        return new jtl.ScxClient({ ...named, ...clientOptions(options) })
      case 'account_store':
        return jtl.AccountStore.open(rest.path, { masterKey: rest.master_key, ...clientOptions(options) })
      case 'endpoints_emulator':
        return jtl.Endpoints.emulator(rest.url)
      default:
        throw new Error(`unknown constructor ${kind}`)
    }
  }

  /** One neutral call on `target`, as this package spells it. */
  async call(target, method, a) {
    const request = (extra = {}) => {
      const options = { ...extra, ...camelKeys(a.options ?? {}) }
      if (a.params !== undefined) options.params = a.params
      if (a.headers !== undefined) options.headers = a.headers
      return options
    }
    const fields = (f = {}) => Object.fromEntries(Object.entries(f).map(([k, v]) => [camel(k), v]))
    const collect = async (iterable) => {
      const items = []
      for await (const item of iterable) items.push(item)
      return items
    }
    if (target instanceof jtl.AccountStore) {
      switch (method) {
        case 'add':
          return target.add(a.system, a.name, fields(a.fields))
        case 'update':
          return target.update(a.id, { name: a.name, fields: a.fields ? fields(a.fields) : undefined })
        case 'get':
          return target.get(a.id)
        case 'delete':
          return target.delete(a.id)
        case 'list':
          return target.list()
        case 'client':
          return target.client(a.id, a.tenant_id)
        case 'test_connection':
          return target.testConnection(a.id, a.tenant_id)
        default:
          throw new Error(`unknown store call ${method}`)
      }
    }
    switch (method) {
      case 'get':
      case 'delete':
        return target[method](a.path, request())
      case 'post':
      case 'put':
      case 'patch':
        return target[method](a.path, a.json, request())
      case 'request':
        return target.request(a.method, a.path, request({ json: a.json, idempotent: a.idempotent }))
      case 'page':
        return target.page(a.path, { params: a.params, pageNumber: a.page_number, pageSize: a.page_size, ...camelKeys(a.options ?? {}) })
      case 'paginate':
        return collect(target.paginate(a.path, { params: a.params, pageSize: a.page_size, ...camelKeys(a.options ?? {}) }))
      case 'graphql':
        return target.graphql(a.query, a.variables ?? null, a.operation_name ? { operationName: a.operation_name } : undefined)
      case 'paginate_graphql':
        return collect(target.paginateGraphql(a.query, { connection: a.connection, variables: a.variables, pageSize: a.page_size }))
      case 'access_token':
        return target.accessToken()
      case 'for_tenant':
        return target.forTenant(a.tenant_id)
      case 'run_as':
        return target.runAs(a.user_id)
      case 'session_verifier':
        return target.sessionVerifier(verifierOptions(a.options))
      case 'verify':
        return target.verify(a.token)
      default:
        throw new Error(`unknown call ${method}`)
    }
  }

  async run(c) {
    for (const step of c.setup ?? []) {
      const answer = await this.admin(step.admin, step.path, this.resolve(step.body))
      if (step.as) this.saved[step.as] = answer
    }
    let result
    let error
    for (const [index, step] of c.steps.entries()) {
      const args = this.resolve(step.args ?? {})
      let value
      try {
        value = step.new ? await this.construct(step.new, args) : await this.call(await this.subject(step.on), step.call, args)
      } catch (err) {
        if (!(err instanceof jtl.JtlError)) throw err
        assert.equal(index, c.steps.length - 1, `step ${index} failed: ${err.code}: ${err.message}`)
        error = err
        break
      }
      if (step.as) {
        this.objects[step.as] = value
        this.saved[step.as] = normalise(value)
      }
      result = value
    }
    const expect = c.expect
    if (expect.error) {
      assert.ok(error, `expected an error, got ${JSON.stringify(normalise(result))}`)
      this.checkError(this.resolve(expect.error), error)
    } else {
      assert.equal(error, undefined, error && `unexpected error ${error.code}: ${error.message}`)
      checks(normalise(result), this.resolve(expect.value ?? []))
    }
    if (expect.stats) {
      const stats = await this.admin('GET', '/_emulator/stats')
      for (const [name, count] of Object.entries(expect.stats)) assert.equal(stats[name], count, `stats.${name}`)
    }
  }

  checkError(want, error) {
    const got = `${error.code}: ${error.message}`
    if ('code' in want) assert.equal(error.code, want.code, got)
    if ('code_in' in want) assert.ok(want.code_in.includes(error.code), got)
    if ('status' in want) assert.equal(error.status, want.status, `status: ${got}`)
    if ('reason' in want) assert.equal(error.reason, want.reason, `reason: ${got}`)
    if ('reason_in' in want) assert.ok(want.reason_in.includes(error.reason), `reason ${error.reason}: ${got}`)
    if ('error_code' in want) assert.equal(error.errorCode, want.error_code, `errorCode: ${got}`)
    if ('retry_after' in want) assert.equal(error.retryAfter, want.retry_after, `retryAfter: ${got}`)
    if ('param' in want) {
      const spelled = want.param_by_language?.node ?? camel(want.param)
      assert.ok(error.message.includes(spelled), `parameter ${spelled} not named: ${got}`)
    }
    if ('suggestion' in want) {
      const at = error.message.indexOf('did you mean')
      assert.ok(at >= 0 && error.message.slice(at).includes(camel(want.suggestion)), `no "did you mean ${camel(want.suggestion)}": ${got}`)
    }
    for (const text of want.message_contains ?? []) assert.ok(error.message.includes(text), `${text} not in: ${got}`)
    const everything = JSON.stringify({ ...error, message: error.message })
    for (const text of want.message_excludes ?? []) assert.ok(!everything.includes(text), `shown: ${text}`)
    for (const key of want.validation_error_keys ?? []) assert.ok(key in (error.validationErrors ?? {}), `validationErrors: ${got}`)
  }
}

function checks(result, wanted) {
  for (const check of wanted) {
    const found = lookup(result, check.path)
    const where = `${check.path} = ${JSON.stringify(found)}`
    if ('eq' in check) assert.deepEqual(found ?? null, check.eq, where)
    if ('len' in check) assert.equal(found?.length, check.len, where)
    if ('gte' in check) assert.ok(found >= check.gte, where)
    if ('contains' in check) assert.ok(found?.includes(check.contains), where)
    if ('present' in check) assert.equal(found !== undefined && found !== null, check.present, where)
  }
}

/** Case ids conformance/pending/languages.json lists for Node: not run, not counted. */
function pendingHere() {
  const file = path.join(ROOT, 'pending', 'languages.json')
  return new Set(fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).node ?? [] : [])
}

const ALL_CASES = loadCases()
const PENDING = pendingHere()
const CASES = ALL_CASES.filter((c) => !PENDING.has(c.id))

test('conformance: at least 40 cases, unique ids', () => {
  const ids = ALL_CASES.map((c) => c.id)
  assert.equal(new Set(ids).size, ids.length)
  assert.ok(CASES.length >= 40, `${CASES.length} cases run in Node`)
})

for (const c of CASES) {
  test(`conformance: ${c.id}`, async () => {
    const emu = await jtl.startEmulator()
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-conformance-'))
    try {
      await new Runner(emu, tmp).run(c)
    } finally {
      await emu.stop()
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })
}
