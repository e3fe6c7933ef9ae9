// The Accounts Integration page: a small node:http server over jtl-connect's AccountStore.
//
//   node server.js     PORT, JTL_CONNECT_DB, JTL_CONNECT_MASTER_KEY, JTL_CONNECT_PAGE_TOKEN,
//                      JTL_CONNECT_PAGE_HOSTS from the environment
//
// Security (the page holds secrets that open a merchant's shop):
// - Access token: `JTL_CONNECT_PAGE_TOKEN`, or a random one printed in the start URL
//   (`http://127.0.0.1:PORT/?token=…`, as Jupyter does). Opening that URL sets an HttpOnly,
//   SameSite=Strict session cookie and redirects to drop the token from the address bar;
//   scripts send `Authorization: Bearer <token>` instead. Everything under /api/ is 401
//   without one of the two; tokens are compared in constant time.
// - Host allow-list (DNS rebinding): 127.0.0.1, localhost and [::1] with the page's port,
//   plus `JTL_CONNECT_PAGE_HOSTS`; any other Host is 421.
// - Cookie sessions need the page's CSRF token (header) and a same-origin Origin for every
//   state-changing request; Bearer requests need neither (a browser cannot send one by itself).
// - Moving a secret (Cloud/SCX environment, SCX sandbox, Wawi base URL) needs the secret again
//   in the same request (422 otherwise); link-local and metadata destinations are refused.
// - Test answers ok, an error code and the page's own sentence: never the target's text.
// - Secrets are write-only (the store never returns them); a strict CSP forbids inline
//   script, and the page renders data with textContent only.
//
// API (JSON; Bearer or cookie + X-CSRF-Token): GET /api/systems (the systems table),
// GET /api/accounts, GET /api/accounts/:id, POST /api/accounts { system, name, fields },
// PUT /api/accounts/:id { name?, fields? }, DELETE /api/accounts/:id, POST /api/accounts/:id/test.
// POST and PUT test the connection first and answer 422 connection_failed (nothing saved)
// when it fails, unless the body says saveAnyway: true; test: false skips the test.
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { AccountStore, accountSystems } = require('jtl-connect');
const { validateForm } = require('./public/validate.js');

const PUBLIC = path.join(__dirname, 'public');
const BODY_LIMIT = 64 * 1024;
const MAX_SESSIONS = 64;
const STATIC = new Map([
  ['app.js', 'text/javascript; charset=utf-8'],
  ['validate.js', 'text/javascript; charset=utf-8'],
  ['styles.css', 'text/css; charset=utf-8'],
]);
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The systems table, as core exports it (labels, required, kinds, destinations). */
function buildSystems() {
  const systems = Object.create(null);
  for (const { system, label, summary, secretField, form } of accountSystems()) {
    systems[system] = {
      id: system,
      label,
      summary: snake(summary),
      secretField: snake(secretField),
      fields: form.map(({ name, label: fieldLabel, required, secret, kind, destination }) => ({
        name: snake(name),
        label: fieldLabel,
        required,
        kind,
        ...(destination ? { destination: true } : {}),
        secret,
      })),
    };
  }
  return systems;
}

// Test outcomes in the page's words, by error code; `field` is the form field it concerns
// ('secret' and 'destination' stand for the system's secret and address fields).
const TEST_MESSAGES = {
  invalid_credentials: {
    'jtl-cloud': 'JTL rejected this client id and secret.',
    'jtl-wawi': 'JTL-Wawi rejected this API key.',
    'jtl-scx': 'SCX rejected this refresh token.',
    field: 'secret',
  },
  unauthorized: { any: '{system} signed in but refused the call (401): check the credentials.', field: 'secret' },
  forbidden: {
    'jtl-cloud': 'JTL refused access to this tenant: check the Tenant ID and that your app is installed for it.',
    any: '{system} refused access with these credentials.',
    'jtl-cloud:field': 'tenant_id',
    field: 'secret',
  },
  not_found: { any: '{system} has no such service at this address: check the {destination}.', field: 'destination' },
  network: { any: 'Could not reach {system}: check the {destination} and the network.', field: 'destination' },
  timeout: { any: '{system} did not answer in time: try again, or check the {destination}.', field: 'destination' },
  rate_limited: { any: '{system} is limiting requests right now: try again in a minute.' },
  config: { any: 'The account is incomplete; check its fields.' },
  invalid_input: { any: 'The account is incomplete; check its fields.' },
  store: { any: 'The account store could not read this account; see the server log.' },
  api: { any: '{system} answered with an error the page does not know.' },
};

function destinationOf(table) {
  return table.fields.find((f) => f.destination && f.kind !== 'bool');
}

/** A connection test in the page's words: never core's text, so never the target's body. */
function describeTest(table, result) {
  const testedAt = new Date().toISOString();
  const elapsedMs = Math.round(result.elapsedMs || 0);
  if (result.ok) return { ok: true, code: null, field: null, message: `Connected to ${table.label}.`, elapsedMs, testedAt };
  const code = typeof result.code === 'string' ? result.code : 'api';
  const entry = Object.hasOwn(TEST_MESSAGES, code) ? TEST_MESSAGES[code] : null;
  const destination = destinationOf(table);
  const template = entry ? (entry[table.id] || entry.any) : `The connection test failed (${code}).`;
  const message = template.replace('{system}', table.label).replace('{destination}', destination.label);
  let field = entry ? (entry[`${table.id}:field`] || entry.field || null) : null;
  if (field === 'secret') field = table.secretField;
  if (field === 'destination') field = destination.name;
  return { ok: false, code, field, message, elapsedMs, testedAt };
}

class HttpError extends Error {
  constructor(status, code, message, field, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.extra = extra;
  }
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
    ...headers,
  });
  res.end(text);
}

function cookies(req) {
  const out = new Map();
  for (const part of (req.headers.cookie || '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) out.set(name, rest.join('='));
  }
  return out;
}

/** Constant-time comparison of two strings of any length (both hashed first). */
function sameSecret(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return false;
  const digest = (s) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

function readJson(req) {
  const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    return Promise.reject(new HttpError(415, 'invalid_input', 'send the request body as Content-Type: application/json'));
  }
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new HttpError(413, 'invalid_input', 'request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        resolve(value);
      } catch {
        reject(new HttpError(400, 'invalid_input', 'expected a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

/** 422 with one message per field, from the shared rules. */
function checkForm(systems, system, form, editing) {
  const problems = validateForm(systems, system, form, editing);
  if (!problems.length) return;
  const fields = Object.create(null);
  for (const [field, message] of problems) if (!fields[field]) fields[field] = message;
  const [field, message] = problems[0];
  const known = (name) => name === 'name' || (Object.hasOwn(systems, system) && systems[system].fields.some((f) => f.name === name));
  // An unknown system or field name (`__proto__`, `constructor`, ...) is a bad request.
  const status = problems.some(([name]) => !known(name)) ? 400 : 422;
  throw new HttpError(status, 'invalid_input', problems.length === 1 ? message : 'Check the highlighted fields.', field, { fields });
}

/** The body's `fields` as an own-property-only object of strings (booleans become text). */
function formFields(body) {
  const given = body.fields;
  if (given === undefined || given === null) return Object.create(null);
  if (typeof given !== 'object' || Array.isArray(given)) throw new HttpError(400, 'invalid_input', 'fields: expected an object');
  const fields = Object.create(null);
  for (const [name, value] of Object.entries(given)) {
    fields[name] = typeof value === 'boolean' ? String(value) : value;
  }
  return fields;
}

/** Where a secret goes, as one comparable value per destination field. */
function normalizeDestination(spec, value) {
  const text = String(value ?? '').trim();
  if (spec.kind === 'bool') return ['true', '1', 'yes', 'on'].includes(text.toLowerCase()) ? 'true' : 'false';
  if (!text) return '';
  if (text.includes('://')) {
    try {
      return new URL(text).href.replace(/\/+$/, '');
    } catch {
      return text;
    }
  }
  const name = text.toLowerCase();
  return name === 'prod' ? 'production' : name;
}

/** 422 unless the secret comes along when the request moves where it is sent. */
function checkSecretMove(table, existing, fields) {
  const secret = fields[table.secretField];
  if (typeof secret === 'string' && secret.trim()) return;
  for (const spec of table.fields.filter((f) => f.destination)) {
    if (!Object.hasOwn(fields, spec.name)) continue;
    if (normalizeDestination(spec, fields[spec.name]) !== normalizeDestination(spec, existing[spec.name])) {
      const secretLabel = table.fields.find((f) => f.secret).label;
      throw new HttpError(422, 'secret_required',
        `Changing the ${spec.label} sends the ${secretLabel} to a new place: enter the ${secretLabel} again.`,
        table.secretField, { fields: { [table.secretField]: `Enter the ${secretLabel} again to change the ${spec.label}.` } });
    }
  }
}

/** A store error as JSON, in the page's words; core messages start with their field. */
function fromStoreError(error, systems, system, during) {
  const code = typeof error.code === 'string' ? error.code : 'internal';
  const status = { invalid_input: 422, conflict: 409, not_found: 404, config: 400 }[code] || 500;
  if (status === 500) {
    console.error(`accounts page: ${code} error${during ? ` during ${during}` : ''}`);
    return new HttpError(500, code, 'Something went wrong on the server; see its log.');
  }
  const table = system && systems[system];
  const prefix = String(error.message).split(':')[0].trim();
  const spec = table && table.fields.find((f) => f.name === prefix);
  if (code === 'not_found') return new HttpError(404, code, 'There is no such account (it may have been deleted).');
  if (code === 'conflict' || (prefix === 'name' && /already exists/.test(error.message))) {
    const label = table ? table.label : 'this system';
    const message = `An account with this name already exists for ${label}: choose another name.`;
    return new HttpError(409, 'conflict', message, 'name', { fields: { name: message } });
  }
  if (code === 'invalid_input' && spec) {
    // An invalid_input about the secret on update: the store's own "moving a secret needs
    // the secret again" rule (or a missing secret); other fields: the store's format checks.
    const message = spec.secret
      ? `Enter the ${spec.label} again to make this change.`
      : `Check the ${spec.label}: it is not in the form JTL expects.`;
    return new HttpError(422, spec.secret && during === 'update' ? 'secret_required' : code, message, spec.name,
      { fields: { [spec.name]: message } });
  }
  if (code === 'invalid_input' && prefix === 'name') {
    const message = 'Use at most 100 printable characters for the name.';
    return new HttpError(422, code, message, 'name', { fields: { name: message } });
  }
  return new HttpError(status, code, 'The account could not be saved; check its fields.');
}

/** The store never returns secrets; the page speaks the store's snake_case field names. */
function publicAccount(account, lastTests) {
  const fields = Object.create(null);
  for (const [name, value] of Object.entries(account.fields)) fields[snake(name)] = value;
  return {
    id: account.id,
    system: account.system,
    name: account.name,
    fields,
    secretHint: account.secretHint ?? null,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    lastTest: lastTests.get(account.id) || null,
  };
}

function page401(port) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Access link needed · Accounts Integration</title><link rel="stylesheet" href="/static/styles.css"></head>
<body class="locked"><main class="locked-card"><h1>Access link needed</h1>
<p>This page holds the secrets of your JTL accounts, so it opens only from its access link.</p>
<p>Open the address the server printed when it started: <code>http://127.0.0.1:${port}/?token=…</code>
(or set <code>JTL_CONNECT_PAGE_TOKEN</code> before starting it).</p></main></body></html>`;
}

/**
 * The page's HTTP server over `store`. Options: `token` (else `JTL_CONNECT_PAGE_TOKEN`, else
 * random; read it back as `server.accessToken`), `hosts` (extra allowed Host names, else
 * `JTL_CONNECT_PAGE_HOSTS`), `scratchDir` (where unsaved accounts are tested).
 */
function createServer(store, options = {}) {
  const token = options.token || process.env.JTL_CONNECT_PAGE_TOKEN || crypto.randomBytes(24).toString('base64url');
  const extraHosts = (options.hosts || (process.env.JTL_CONNECT_PAGE_HOSTS || '').split(','))
    .map((h) => h.trim().toLowerCase()).filter(Boolean);
  const systems = buildSystems();
  const page = fs.readFileSync(path.join(PUBLIC, 'index.html'), 'utf8');
  const sessions = new Map(); // session id -> CSRF token
  const lastTests = new Map(); // account id -> the last test, in the page's words
  let scratch; // a throwaway store where unsaved accounts are tested before they are saved

  function allowedHost(host, port) {
    if (typeof host !== 'string') return false;
    const h = host.toLowerCase();
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      if (h === `${name}:${port}` || (port === 80 && h === name)) return true;
    }
    return extraHosts.some((extra) => {
      const hasPort = /^\[[^\]]*\]:\d+$/.test(extra) || /^[^:[]+:\d+$/.test(extra);
      return h === extra || (!hasPort && h === `${extra}:${port}`);
    });
  }

  function session(req, port) {
    const id = cookies(req).get(`jtl_page_${port}`);
    if (!id) return null;
    for (const [known, csrf] of sessions) if (sameSecret(id, known)) return { id: known, csrf };
    return null;
  }

  function bearer(req) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
    return match ? match[1] : null;
  }

  /** The caller of an /api/ request: a Bearer script or a cookie session, else 401. */
  function authenticate(req, res, port) {
    const given = bearer(req);
    if (given !== null) {
      if (sameSecret(given, token)) return { kind: 'bearer' };
    } else {
      const s = session(req, port);
      if (s) return { kind: 'cookie', csrf: s.csrf };
    }
    throw new HttpError(401, 'unauthorized', 'Open the page from its access link (the URL with ?token=… the server printed), or send Authorization: Bearer <token>.');
  }

  function checkCsrf(req, caller) {
    if (caller.kind === 'bearer') return;
    const header = req.headers['x-csrf-token'];
    const origin = req.headers.origin;
    const sameOrigin = origin === undefined || origin === `http://${req.headers.host}`;
    const crossSite = req.headers['sec-fetch-site'] && !['same-origin', 'none'].includes(req.headers['sec-fetch-site']);
    if (!sameSecret(header, caller.csrf) || !sameOrigin || crossSite) {
      throw new HttpError(403, 'csrf', 'Missing or wrong CSRF token: reload the page.');
    }
  }

  async function scratchStore() {
    if (!scratch) {
      const dir = options.scratchDir || fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-page-scratch-'));
      scratch = AccountStore.open(path.join(dir, 'scratch.db'), { masterKey: crypto.randomBytes(32) });
    }
    return scratch;
  }

  /** Tests an account that is not saved yet, in the throwaway store. */
  async function testUnsaved(system, fields) {
    const scratchStoreNow = await scratchStore();
    const account = await scratchStoreNow.add(system, `test ${crypto.randomUUID()}`, fields);
    try {
      return await scratchStoreNow.testConnection(account.id);
    } finally {
      await scratchStoreNow.delete(account.id).catch(() => {});
    }
  }

  function connectionFailed(test) {
    const fields = test.field ? { [test.field]: test.message } : {};
    return new HttpError(422, 'connection_failed', test.message, test.field || undefined,
      { fields, test, canSaveAnyway: true });
  }

  function clean(fields) {
    const out = Object.create(null);
    for (const [name, value] of Object.entries(fields)) if (String(value).trim()) out[name] = String(value).trim();
    return out;
  }

  async function addAccount(body) {
    const system = body.system;
    const fields = formFields(body);
    checkForm(systems, system, { name: body.name, fields }, false);
    const table = systems[system];
    const name = body.name.trim();
    if (await store.find(system, name)) {
      throw fromStoreError({ code: 'conflict', message: 'name: already exists' }, systems, system);
    }
    let test = null;
    if (body.test !== false) {
      try {
        test = describeTest(table, await testUnsaved(system, clean(fields)));
      } catch (error) {
        throw fromStoreError(error, systems, system, 'add');
      }
      if (!test.ok && body.saveAnyway !== true) throw connectionFailed(test);
    }
    let account;
    try {
      account = await store.add(system, name, fields);
    } catch (error) {
      throw fromStoreError(error, systems, system, 'add');
    }
    if (test) lastTests.set(account.id, test);
    return account;
  }

  async function updateAccount(id, body) {
    const existing = await store.get(id);
    const system = existing.system;
    const table = systems[system];
    const fields = formFields(body);
    checkForm(systems, system, { name: body.name, fields }, true);
    const before = publicAccount(existing, lastTests).fields;
    checkSecretMove(table, before, fields);
    // A destination sent unchanged (the form sends every field) is left out, so the store
    // never sees a no-op as a move (it, too, wants the secret again for a real one).
    for (const spec of table.fields.filter((f) => f.destination)) {
      if (Object.hasOwn(fields, spec.name) && normalizeDestination(spec, fields[spec.name]) === normalizeDestination(spec, before[spec.name])) {
        delete fields[spec.name];
      }
    }
    const changes = { fields };
    if (typeof body.name === 'string') changes.name = body.name.trim();
    const secret = fields[table.secretField];
    const withSecret = typeof secret === 'string' && secret.trim() !== '';
    const testFirst = body.test !== false;
    let test = null;
    if (testFirst && withSecret) {
      // Every field is known (stored ones plus the changes): test before anything is saved.
      const merged = Object.assign(Object.create(null), before, fields);
      try {
        test = describeTest(table, await testUnsaved(system, clean(merged)));
      } catch (error) {
        throw fromStoreError(error, systems, system, 'update');
      }
      if (!test.ok && body.saveAnyway !== true) throw connectionFailed(test);
    }
    let account;
    try {
      account = await store.update(id, changes);
    } catch (error) {
      throw fromStoreError(error, systems, system, 'update');
    }
    if (testFirst && !withSecret) {
      // The stored secret is needed (the destination is unchanged, see checkSecretMove):
      // test the saved account, and put the old values back if it fails.
      test = describeTest(table, await store.testConnection(id));
      if (!test.ok && body.saveAnyway !== true) {
        const restore = Object.create(null);
        for (const name of Object.keys(fields)) if (name !== table.secretField) restore[name] = before[name] ?? '';
        await store.update(id, { name: existing.name, fields: restore });
        throw connectionFailed(test);
      }
    }
    if (test) lastTests.set(id, test);
    return account;
  }

  const server = http.createServer(async (req, res) => {
    const port = req.socket.localPort;
    try {
      if (!allowedHost(req.headers.host, port)) {
        throw new HttpError(421, 'misdirected', 'This page answers only on 127.0.0.1, localhost, [::1] (and JTL_CONNECT_PAGE_HOSTS).');
      }
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname === '/') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'method not allowed');
        const given = url.searchParams.get('token');
        if (given !== null) {
          if (!sameSecret(given, token)) return send(res, 401, page401(port));
          const id = crypto.randomBytes(32).toString('base64url');
          sessions.set(id, crypto.randomBytes(32).toString('base64url'));
          // Each opening of the link is a session; keep the newest MAX_SESSIONS.
          while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
          return send(res, 303, '', {
            Location: '/',
            'Set-Cookie': `jtl_page_${port}=${id}; Path=/; HttpOnly; SameSite=Strict`,
          });
        }
        const s = session(req, port);
        if (!s) return send(res, 401, page401(port));
        return send(res, 200, page.replace('__CSRF_TOKEN__', s.csrf));
      }
      if (url.pathname.startsWith('/static/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'method not allowed');
        const name = url.pathname.slice('/static/'.length);
        const type = STATIC.get(name);
        if (!type) throw new HttpError(404, 'not_found', 'no such file');
        return send(res, 200, fs.readFileSync(path.join(PUBLIC, name), 'utf8'), { 'Content-Type': type });
      }
      if (!url.pathname.startsWith('/api/')) throw new HttpError(404, 'not_found', 'no such page');
      const caller = authenticate(req, res, port);
      if (url.pathname === '/api/systems' && req.method === 'GET') return send(res, 200, { systems: Object.values(systems) });
      const match = url.pathname.match(/^\/api\/accounts(?:\/([^/]+))?(\/test)?$/);
      if (!match) throw new HttpError(404, 'not_found', 'no such API');
      const [, rawId, test] = match;
      let id;
      try {
        id = rawId && decodeURIComponent(rawId);
      } catch {
        throw new HttpError(400, 'invalid_input', 'the account id is not valid');
      }
      const fail = (error, during) => (error instanceof HttpError ? error : fromStoreError(error, systems, null, during));
      if (req.method === 'GET' && !id) {
        return send(res, 200, { accounts: (await store.list()).map((a) => publicAccount(a, lastTests)) });
      }
      if (req.method === 'GET' && id && !test) {
        return send(res, 200, { account: publicAccount(await store.get(id).catch((e) => { throw fail(e); }), lastTests) });
      }
      checkCsrf(req, caller);
      if (req.method === 'POST' && !id) {
        const account = await addAccount(await readJson(req));
        return send(res, 201, { account: publicAccount(account, lastTests) });
      }
      if (req.method === 'PUT' && id && !test) {
        const body = await readJson(req);
        const account = await updateAccount(id, body).catch((e) => { throw fail(e, 'update'); });
        return send(res, 200, { account: publicAccount(account, lastTests) });
      }
      if (req.method === 'DELETE' && id && !test) {
        await store.delete(id).catch((e) => { throw fail(e); });
        lastTests.delete(id);
        return send(res, 200, { deleted: id });
      }
      if (req.method === 'POST' && id && test) {
        const account = await store.get(id).catch((e) => { throw fail(e); });
        const result = describeTest(systems[account.system], await store.testConnection(id));
        lastTests.set(id, result);
        return send(res, 200, { result });
      }
      throw new HttpError(405, 'method_not_allowed', 'method not allowed');
    } catch (error) {
      const e = error instanceof HttpError ? error : fromStoreError(error, systems, null);
      const headers = e.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      send(res, e.status, { error: { code: e.code, message: e.message, field: e.field, ...e.extra } }, headers);
    }
  });
  server.accessToken = token;
  return server;
}

// `internals`: for the tests of the error mapping.
module.exports = { createServer, internals: { fromStoreError, buildSystems, describeTest } };

async function main() {
  const dbPath = process.env.JTL_CONNECT_DB || path.join(process.cwd(), '.data', 'accounts.db');
  const store = await AccountStore.open(dbPath);
  const port = Number(process.env.PORT || 8790);
  const server = createServer(store);
  server.listen(port, '127.0.0.1', () => {
    console.log(`Accounts Integration page (database ${dbPath}); open:`);
    console.log(`  http://127.0.0.1:${port}/?token=${server.accessToken}`);
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`error [${error.code || 'error'}]: ${error.message}`);
    process.exit(1);
  });
}
