// The Accounts Integration page: a small node:http server over jtl-connect's AccountStore.
//
//   node server.js            (PORT, JTL_CONNECT_DB, JTL_CONNECT_MASTER_KEY from the environment)
//
// Security: secrets are write-only (the store never returns them), every state-changing
// request needs the CSRF token of the page (double-submit: cookie + header, SameSite=Strict)
// and a same-origin Origin, a strict Content-Security-Policy forbids inline script, and the
// page renders data with textContent only.
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { AccountStore } = require('jtl-connect');

const PUBLIC = path.join(__dirname, 'public');
const BODY_LIMIT = 64 * 1024;
const SYSTEM_FIELDS = {
  'jtl-cloud': ['client_id', 'client_secret', 'tenant_id', 'environment'],
  'jtl-wawi': ['base_url', 'api_key', 'app_id', 'app_version'],
  'jtl-scx': ['refresh_token', 'sandbox', 'environment'],
};
const STATIC = { 'app.js': 'text/javascript; charset=utf-8', 'styles.css': 'text/css; charset=utf-8' };
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
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
  const out = {};
  for (const part of (req.headers.cookie || '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) out[name] = rest.join('=');
  }
  return out;
}

/** Double-submit CSRF check plus a same-origin Origin, for every state-changing request. */
function checkCsrf(req) {
  const cookie = cookies(req).csrf || '';
  const header = req.headers['x-csrf-token'] || '';
  const same = cookie.length > 0 && cookie.length === header.length &&
    crypto.timingSafeEqual(Buffer.from(cookie), Buffer.from(header));
  const origin = req.headers.origin;
  const sameOrigin = !origin || origin === `http://${req.headers.host}`;
  if (!same || !sameOrigin) throw new HttpError(403, 'csrf', 'missing or wrong CSRF token; reload the page');
}

function readJson(req) {
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

/** Server-side validation of the form: known system, strings only, known fields. */
function readForm(body, system) {
  if (!SYSTEM_FIELDS[system]) throw new HttpError(400, 'invalid_input', 'choose JTL Cloud, JTL-Wawi or JTL SCX', 'system');
  if (body.name !== undefined && typeof body.name !== 'string') throw new HttpError(400, 'invalid_input', 'name must be text', 'name');
  const fields = {};
  for (const [name, value] of Object.entries(body.fields || {})) {
    if (!SYSTEM_FIELDS[system].includes(name)) throw new HttpError(400, 'invalid_input', `unknown field ${name}`, name);
    if (typeof value !== 'string') throw new HttpError(400, 'invalid_input', 'must be text', name);
    fields[name] = value;
  }
  return fields;
}

/** A store error as JSON; core messages start with the field they are about. */
function fromStoreError(error) {
  const status = { invalid_input: 400, conflict: 409, not_found: 404, config: 400 }[error.code] || 500;
  const prefix = String(error.message).split(':')[0];
  const known = prefix === 'name' || Object.values(SYSTEM_FIELDS).some((f) => f.includes(prefix));
  return new HttpError(status, error.code || 'error', error.message, known ? prefix : undefined);
}

/** The store never returns secrets; the page speaks the store's snake_case field names. */
function publicAccount(account) {
  const fields = {};
  for (const [name, value] of Object.entries(account.fields)) {
    fields[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return { ...account, fields };
}

function createServer(store) {
  const page = fs.readFileSync(path.join(PUBLIC, 'index.html'), 'utf8');
  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const match = url.pathname.match(/^\/api\/accounts(?:\/([^/]+))?(\/test)?$/);
      if (req.method === 'GET' && url.pathname === '/') {
        const token = crypto.randomBytes(32).toString('hex');
        return send(res, 200, page.replace('__CSRF_TOKEN__', token), {
          'Set-Cookie': `csrf=${token}; Path=/; HttpOnly; SameSite=Strict`,
        });
      }
      if (req.method === 'GET' && url.pathname.startsWith('/static/')) {
        const name = url.pathname.slice('/static/'.length);
        if (!STATIC[name]) throw new HttpError(404, 'not_found', 'no such file');
        return send(res, 200, fs.readFileSync(path.join(PUBLIC, name), 'utf8'), { 'Content-Type': STATIC[name] });
      }
      if (!match) throw new HttpError(404, 'not_found', 'no such page');
      const [, rawId, test] = match;
      const id = rawId && decodeURIComponent(rawId);
      if (req.method === 'GET' && !id) return send(res, 200, { accounts: (await store.list()).map(publicAccount) });
      if (req.method === 'GET' && id && !test) return send(res, 200, { account: publicAccount(await store.get(id)) });
      checkCsrf(req);
      if (req.method === 'POST' && !id) {
        const body = await readJson(req);
        const fields = readForm(body, body.system);
        return send(res, 201, { account: publicAccount(await store.add(body.system, body.name || '', fields)) });
      }
      if (req.method === 'PUT' && id && !test) {
        const body = await readJson(req);
        const fields = readForm(body, (await store.get(id)).system);
        return send(res, 200, { account: publicAccount(await store.update(id, { name: body.name, fields })) });
      }
      if (req.method === 'DELETE' && id && !test) {
        await store.delete(id);
        return send(res, 200, { deleted: id });
      }
      if (req.method === 'POST' && id && test) {
        return send(res, 200, { result: await store.testConnection(id) });
      }
      throw new HttpError(405, 'method_not_allowed', 'method not allowed');
    } catch (error) {
      const e = error instanceof HttpError ? error : fromStoreError(error);
      send(res, e.status, { error: { code: e.code, message: e.message, field: e.field } });
    }
  });
}

module.exports = { createServer };

async function main() {
  const dbPath = process.env.JTL_CONNECT_DB || path.join(process.cwd(), '.data', 'accounts.db');
  const store = await AccountStore.open(dbPath);
  const port = Number(process.env.PORT || 8790);
  createServer(store).listen(port, '127.0.0.1', () => {
    console.log(`Accounts Integration page on http://127.0.0.1:${port}/ (database ${dbPath})`);
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`error [${error.code || 'error'}]: ${error.message}`);
    process.exit(1);
  });
}
