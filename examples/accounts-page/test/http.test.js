// The page's security rules over raw HTTP (issue 14, finding 2 and 6): access token and
// session cookie, Host allow-list, the secret needed again to move it, no target text in
// Test, no link-local or metadata destinations, no 500s or paths for prototype names.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startPage, request, startRecorder, startEmulator } = require('./helpers.js');
const { createServer, internals } = require('../server.js');

let emulator;
let page;
const statuses = [];

/** request() that remembers every status, so the last test can check there was no 500. */
async function call(method, path, options = {}) {
  const response = await request(page.port, method, path, options);
  statuses.push(`${response.status} ${method} ${path}`);
  return response;
}
const api = (method, path, json, options = {}) => call(method, path, { bearer: page.token, json, ...options });

async function addCloud(name, fields = {}) {
  const response = await api('POST', '/api/accounts', {
    system: 'jtl-cloud',
    name,
    test: false,
    fields: { client_id: emulator.clientId, client_secret: emulator.clientSecret, environment: emulator.url, ...fields },
  });
  assert.equal(response.status, 201, response.text);
  return response.json.account;
}

before(async () => {
  emulator = await startEmulator();
  page = await startPage();
});

after(async () => {
  page?.close();
  await emulator?.stop();
});

test('everything under /api/ is 401 without the token', async () => {
  for (const path of ['/api/accounts', '/api/systems', '/api/accounts/x', '/api/nothing']) {
    const response = await call('GET', path);
    assert.equal(response.status, 401, path);
    assert.equal(response.json.error.code, 'unauthorized');
    assert.equal(response.headers['www-authenticate'], 'Bearer');
  }
  assert.equal((await call('POST', '/api/accounts', { json: { system: 'jtl-scx' } })).status, 401);
  assert.equal((await call('GET', '/api/accounts', { bearer: 'wrong-token' })).status, 401);
  assert.equal((await call('GET', '/api/accounts', { bearer: `${page.token}x` })).status, 401);
  assert.equal((await call('GET', '/api/accounts', { headers: { Cookie: `jtl_page_${page.port}=forged` } })).status, 401);
  const home = await call('GET', '/');
  assert.equal(home.status, 401);
  assert.match(home.text, /Access link needed/);
  assert.ok(!home.text.includes(page.token), 'the 401 page does not give the token away');
  assert.equal((await call('GET', '/?token=wrong')).status, 401);
});

test('the start URL sets an HttpOnly, SameSite=Strict session cookie and drops the token', async () => {
  const start = await call('GET', `/?token=${encodeURIComponent(page.token)}`);
  assert.equal(start.status, 303);
  assert.equal(start.headers.location, '/');
  const [cookie] = start.headers['set-cookie'];
  assert.match(cookie, new RegExp(`^jtl_page_${page.port}=[A-Za-z0-9_-]{40,};`));
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Path=\//);
  assert.ok(!cookie.includes(page.token), 'the cookie is a session id, not the token');
  const session = cookie.split(';')[0];
  const home = await call('GET', '/', { headers: { Cookie: session } });
  assert.equal(home.status, 200);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(home.text)[1];
  assert.equal((await call('GET', '/api/accounts', { headers: { Cookie: session } })).status, 200);

  // A cookie session changes things only with the page's CSRF token and from its origin.
  const body = { system: 'jtl-scx', name: 'Cookie SCX', test: false, fields: { refresh_token: 'r' } };
  assert.equal((await call('POST', '/api/accounts', { json: body, headers: { Cookie: session } })).status, 403);
  assert.equal((await call('POST', '/api/accounts', { json: body, headers: { Cookie: session, 'X-CSRF-Token': 'nope' } })).status, 403);
  const foreign = await call('POST', '/api/accounts', {
    json: body,
    headers: { Cookie: session, 'X-CSRF-Token': csrf, Origin: 'http://evil.example' },
  });
  assert.equal(foreign.status, 403);
  const crossSite = await call('POST', '/api/accounts', {
    json: body,
    headers: { Cookie: session, 'X-CSRF-Token': csrf, 'Sec-Fetch-Site': 'cross-site' },
  });
  assert.equal(crossSite.status, 403);
  const ok = await call('POST', '/api/accounts', {
    json: body,
    headers: { Cookie: session, 'X-CSRF-Token': csrf, Origin: `http://127.0.0.1:${page.port}` },
  });
  assert.equal(ok.status, 201, ok.text);
  // A form post (not JSON) is refused before anything is read.
  const form = await call('POST', '/api/accounts', {
    body: 'system=jtl-scx', headers: { Cookie: session, 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.status, 415);
});

test('each opening of the link is a session; only the newest 64 are kept', async () => {
  const open = async () => (await call('GET', `/?token=${page.token}`)).headers['set-cookie'][0].split(';')[0];
  const first = await open();
  assert.equal((await call('GET', '/api/systems', { headers: { Cookie: first } })).status, 200);
  let last;
  for (let i = 0; i < 64; i += 1) last = await open();
  assert.equal((await call('GET', '/api/systems', { headers: { Cookie: first } })).status, 401, 'the oldest is gone');
  assert.equal((await call('GET', '/api/systems', { headers: { Cookie: last } })).status, 200);
});

test('scripts send Authorization: Bearer and need no CSRF token', async () => {
  const response = await api('POST', '/api/accounts', { system: 'jtl-scx', name: 'Bearer SCX', test: false, fields: { refresh_token: 'r' } });
  assert.equal(response.status, 201, response.text);
  const listed = await api('GET', '/api/accounts');
  assert.ok(listed.json.accounts.some((a) => a.name === 'Bearer SCX'));
  assert.ok(!listed.text.includes('"r"'), 'no secret in the list');
});

test('a foreign Host gets 421, the loopback names with the port are allowed', async () => {
  for (const host of ['evil.example', `evil.example:${page.port}`, `127.0.0.1:${page.port + 1}`, '127.0.0.1', `localhost.evil.example:${page.port}`]) {
    for (const path of ['/', '/api/accounts', '/static/app.js', `/?token=${page.token}`]) {
      const response = await call('GET', path, { host, bearer: page.token });
      assert.equal(response.status, 421, `${host} ${path}`);
    }
  }
  for (const host of [`127.0.0.1:${page.port}`, `localhost:${page.port}`, `[::1]:${page.port}`, `LOCALHOST:${page.port}`]) {
    assert.equal((await call('GET', '/api/accounts', { host, bearer: page.token })).status, 200, host);
  }
});

test('JTL_CONNECT_PAGE_HOSTS adds names to the allow-list', async () => {
  process.env.JTL_CONNECT_PAGE_HOSTS = 'page.lan, shop.example:8443';
  const other = await startPage();
  delete process.env.JTL_CONNECT_PAGE_HOSTS;
  try {
    const get = (host) => request(other.port, 'GET', '/api/systems', { host, bearer: other.token });
    assert.equal((await get('page.lan')).status, 200);
    assert.equal((await get(`page.lan:${other.port}`)).status, 200);
    assert.equal((await get('shop.example:8443')).status, 200);
    assert.equal((await get('shop.example')).status, 421);
    assert.equal((await get('other.lan')).status, 421);
  } finally {
    other.close();
  }
});

test('a random token is used when none is given, and JTL_CONNECT_PAGE_TOKEN when set', async () => {
  const a = createServer(page.store);
  const b = createServer(page.store);
  assert.match(a.accessToken, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(a.accessToken, b.accessToken);
  process.env.JTL_CONNECT_PAGE_TOKEN = 'from-the-environment';
  assert.equal(createServer(page.store).accessToken, 'from-the-environment');
  delete process.env.JTL_CONNECT_PAGE_TOKEN;
});

test('moving a secret without the secret is 422 on the secret field, and nothing is sent', async () => {
  const attacker = await startRecorder(200, '{}');
  try {
    const cloud = await addCloud('Move me');
    for (const environment of [attacker.url, 'beta', '']) {
      const moved = await api('PUT', `/api/accounts/${cloud.id}`, { fields: { environment }, test: false });
      assert.equal(moved.status, 422, `${environment}: ${moved.text}`);
      assert.equal(moved.json.error.code, 'secret_required');
      assert.equal(moved.json.error.field, 'client_secret');
      assert.match(moved.json.error.fields.client_secret, /Client Secret again/);
    }
    // Same destination (spelled differently) and other fields need no secret.
    const same = await api('PUT', `/api/accounts/${cloud.id}`, { fields: { environment: `${emulator.url}/`, client_id: emulator.clientId }, test: false });
    assert.equal(same.status, 200, same.text);
    assert.equal((await api('PUT', `/api/accounts/${cloud.id}`, { name: 'Moved name', test: false })).status, 200);
    const stored = (await api('GET', `/api/accounts/${cloud.id}`)).json.account;
    assert.equal(stored.fields.environment.replace(/\/$/, ''), emulator.url.replace(/\/$/, ''));
    assert.equal((await api('POST', `/api/accounts/${cloud.id}/test`)).json.result.ok, true);

    const wawi = await api('POST', '/api/accounts', { system: 'jtl-wawi', name: 'Wawi', test: false, fields: { base_url: 'http://127.0.0.1:5883/api/eazybusiness', api_key: 'k', app_id: 'MyApp/1.0.0', app_version: '1.0.0' } });
    assert.equal(wawi.status, 201, wawi.text);
    const wawiMove = await api('PUT', `/api/accounts/${wawi.json.account.id}`, { fields: { base_url: `${attacker.url}/api/x` }, test: false });
    assert.equal(wawiMove.status, 422);
    assert.equal(wawiMove.json.error.field, 'api_key');

    const scx = await api('POST', '/api/accounts', { system: 'jtl-scx', name: 'SCX move', test: false, fields: { refresh_token: 't', sandbox: 'false' } });
    for (const fields of [{ sandbox: 'true' }, { sandbox: true }, { environment: attacker.url }]) {
      const response = await api('PUT', `/api/accounts/${scx.json.account.id}`, { fields, test: false });
      assert.equal(response.status, 422, JSON.stringify(fields));
      assert.equal(response.json.error.field, 'refresh_token');
    }
    assert.equal((await api('PUT', `/api/accounts/${scx.json.account.id}`, { fields: { sandbox: 'no' }, test: false })).status, 200);
    // With the secret in the same request, the move is allowed.
    const withSecret = await api('PUT', `/api/accounts/${scx.json.account.id}`, { fields: { sandbox: 'true', refresh_token: 't2' }, test: false });
    assert.equal(withSecret.status, 200, withSecret.text);
    // The form sends every field: unchanged destinations (absent = default) need no secret.
    const plain = await api('POST', '/api/accounts', { system: 'jtl-scx', name: 'SCX plain', test: false, fields: { refresh_token: 't' } });
    const resent = await api('PUT', `/api/accounts/${plain.json.account.id}`, { name: 'SCX plain 2', fields: { sandbox: 'false', environment: '' }, test: false });
    assert.equal(resent.status, 200, resent.text);
    assert.deepEqual(attacker.seen, [], 'no request reached the new destination');
  } finally {
    attacker.close();
  }
});

test('a core invalid_input about the secret from update becomes a 422 field error', () => {
  const systems = internals.buildSystems();
  const error = internals.fromStoreError(
    { code: 'invalid_input', message: 'client_secret: required again to change environment' }, systems, 'jtl-cloud', 'update');
  assert.equal(error.status, 422);
  assert.equal(error.code, 'secret_required');
  assert.equal(error.field, 'client_secret');
  assert.match(error.extra.fields.client_secret, /Client Secret again/);
  const format = internals.fromStoreError({ code: 'invalid_input', message: 'base_url: expected an http(s) URL' }, systems, 'jtl-wawi', 'add');
  assert.equal(format.status, 422);
  assert.equal(format.field, 'base_url');
  assert.ok(!format.message.includes('expected an http(s) URL'), 'the page speaks its own words');
});

test('Test answers a code and the page\'s sentence, never the target\'s body', async () => {
  const marker = 'TARGET-BODY-7f3a internal service text';
  const hostile = await startRecorder(401, JSON.stringify({ error: 'invalid_client', error_description: marker }));
  try {
    const cloud = await addCloud('Hostile', { environment: hostile.url });
    const response = await api('POST', `/api/accounts/${cloud.id}/test`);
    assert.equal(response.status, 200);
    const { result } = response.json;
    assert.deepEqual(Object.keys(result).sort(), ['code', 'elapsedMs', 'field', 'message', 'ok', 'testedAt']);
    assert.equal(result.ok, false);
    assert.ok(hostile.seen.length > 0, 'the target was called');
    assert.ok(!response.text.includes('TARGET-BODY'), response.text);
    assert.ok(!response.text.includes('invalid_client'), response.text);
    assert.ok(!response.text.includes(hostile.url), 'not even the address is echoed');
    const listed = await api('GET', '/api/accounts');
    assert.ok(!listed.text.includes('TARGET-BODY'));

    const wawiTarget = await startRecorder(500, `<html>${marker}</html>`);
    const wawi = await api('POST', '/api/accounts', { system: 'jtl-wawi', name: 'Hostile Wawi', test: false, fields: { base_url: `${wawiTarget.url}/api/eazybusiness`, api_key: 'k', app_id: 'MyApp/1.0.0', app_version: '1.0.0' } });
    const wawiTest = await api('POST', `/api/accounts/${wawi.json.account.id}/test`);
    wawiTarget.close();
    assert.equal(wawiTest.json.result.ok, false);
    assert.ok(!wawiTest.text.includes('TARGET-BODY'), wawiTest.text);
  } finally {
    hostile.close();
  }
});

test('link-local and metadata destinations are refused before anything is saved', async () => {
  const cases = [
    ['jtl-cloud', 'environment', 'http://169.254.169.254/latest/meta-data'],
    ['jtl-cloud', 'environment', 'http://2852039166/'],
    ['jtl-cloud', 'environment', 'http://[fe80::1]:8080/'],
    ['jtl-cloud', 'environment', 'http://[::ffff:169.254.169.254]/'],
    ['jtl-cloud', 'environment', 'http://metadata.google.internal/'],
    ['jtl-wawi', 'base_url', 'http://169.254.1.2:5883/api/eazybusiness'],
    ['jtl-wawi', 'base_url', 'http://metadata/computeMetadata/v1'],
    ['jtl-scx', 'environment', 'https://[FEBF::2]/'],
  ];
  const secrets = { 'jtl-cloud': { client_id: 'c', client_secret: 's' }, 'jtl-wawi': { api_key: 'k', app_id: 'MyApp/1.0.0', app_version: '1.0.0' }, 'jtl-scx': { refresh_token: 't' } };
  for (const [system, field, value] of cases) {
    const response = await api('POST', '/api/accounts', { system, name: `LL ${value}`, fields: { ...secrets[system], [field]: value } });
    assert.equal(response.status, 422, `${value}: ${response.text}`);
    assert.equal(response.json.error.field, field);
    assert.match(response.json.error.fields[field], /link-local or a cloud metadata/);
  }
  const cloud = await addCloud('LL update');
  const update = await api('PUT', `/api/accounts/${cloud.id}`, { fields: { environment: 'http://169.254.169.254/', client_secret: 's' } });
  assert.equal(update.status, 422);
  assert.equal(update.json.error.field, 'environment');
  const listed = await api('GET', '/api/accounts');
  assert.ok(!listed.text.includes('169.254'), 'nothing was stored');
});

test('bad values are 422 with a plain-language message on their field', async () => {
  const cases = [
    [{ tenant_id: 'not-a-uuid' }, 'tenant_id', /UUID/],
    [{ environment: 'mars' }, 'environment', /production, beta, dev, qa/],
    [{ environment: 'ftp://x.example' }, 'environment', /http:\/\/ or https:\/\//],
    [{ client_id: '' }, 'client_id', /Enter the Client ID/],
  ];
  for (const [fields, field, message] of cases) {
    const response = await api('POST', '/api/accounts', { system: 'jtl-cloud', name: 'Bad', fields: { client_id: 'c', client_secret: 's', ...fields } });
    assert.equal(response.status, 422, response.text);
    assert.equal(response.json.error.field, field);
    assert.match(response.json.error.fields[field], message);
    assert.ok(!response.text.includes('expected'), `no raw core text: ${response.text}`);
  }
  await addCloud('Taken');
  const taken = await api('POST', '/api/accounts', { system: 'jtl-cloud', name: 'Taken', fields: { client_id: 'c', client_secret: 's' } });
  assert.equal(taken.status, 409);
  assert.equal(taken.json.error.field, 'name');
  assert.equal(taken.json.error.message, 'An account with this name already exists for JTL Cloud: choose another name.');
});

test('adding tests the connection first; a failure is not saved unless asked to', async () => {
  const body = { system: 'jtl-cloud', name: 'Wrong secret', fields: { client_id: emulator.clientId, client_secret: 'not-the-secret', environment: emulator.url } };
  const refused = await api('POST', '/api/accounts', body);
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.json.error.code, 'connection_failed');
  assert.equal(refused.json.error.field, 'client_secret');
  assert.equal(refused.json.error.message, 'JTL rejected this client id and secret.');
  assert.equal(refused.json.error.canSaveAnyway, true);
  assert.ok(!(await api('GET', '/api/accounts')).json.accounts.some((a) => a.name === 'Wrong secret'), 'not saved');
  const anyway = await api('POST', '/api/accounts', { ...body, saveAnyway: true });
  assert.equal(anyway.status, 201);
  assert.equal(anyway.json.account.lastTest.ok, false);
  assert.equal(anyway.json.account.lastTest.code, 'invalid_credentials');
  const good = await api('POST', '/api/accounts', { ...body, name: 'Right secret', fields: { ...body.fields, client_secret: emulator.clientSecret, tenant_id: emulator.tenantId } });
  assert.equal(good.status, 201, good.text);
  assert.equal(good.json.account.lastTest.ok, true);
  assert.match(good.json.account.lastTest.testedAt, /^\d{4}-\d\d-\d\dT/);
  // Saving a change tests it too, and puts the old values back when it fails.
  const id = good.json.account.id;
  const wrongTenant = await api('PUT', `/api/accounts/${id}`, { fields: { client_id: 'someone-else' } });
  assert.equal(wrongTenant.status, 422, wrongTenant.text);
  assert.equal(wrongTenant.json.error.code, 'connection_failed');
  assert.equal((await api('GET', `/api/accounts/${id}`)).json.account.fields.client_id, emulator.clientId, 'rolled back');
});

test('unknown static names and prototype keys are 404/400, never 500 or a path', async () => {
  for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'index.html', '..%2Fserver.js', '%2e%2e/server.js', 'nope.js']) {
    const response = await call('GET', `/static/${name}`);
    assert.equal(response.status, 404, name);
    assert.ok(!response.text.includes(__dirname.split('/test')[0]), `no path for ${name}`);
  }
  for (const system of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
    const response = await api('POST', '/api/accounts', { system, name: 'Proto', fields: {} });
    assert.equal(response.status, 400, `${system}: ${response.text}`);
    assert.equal(response.json.error.field, 'system');
  }
  for (const raw of ['{"system":"jtl-scx","name":"P","fields":{"__proto__":"x","refresh_token":"t"}}',
    '{"system":"jtl-scx","name":"P","fields":{"constructor":"x","refresh_token":"t"}}',
    '{"system":"jtl-scx","name":"P","fields":{"toString":"x","refresh_token":"t"}}',
    '{"system":"jtl-scx","name":"P","fields":["x"]}', '[1]', 'not json']) {
    const response = await call('POST', '/api/accounts', { bearer: page.token, body: raw, headers: { 'Content-Type': 'application/json' } });
    assert.equal(response.status, 400, `${raw}: ${response.text}`);
  }
  for (const path of ['/api/accounts/__proto__', '/api/accounts/constructor', '/api/accounts/toString']) {
    assert.equal((await api('GET', path)).status, 404, path);
    assert.equal((await api('POST', `${path}/test`)).status, 404, `${path}/test`);
    assert.equal((await api('DELETE', path)).status, 404, path);
  }
  assert.equal((await api('GET', '/api/accounts/%E0%A4%A')).status, 400);
  assert.equal((await api('PATCH', '/api/accounts')).status, 405);
  assert.equal((await api('GET', '/api/__proto__')).status, 404);
});

test('no request in this suite was answered 500', () => {
  assert.ok(statuses.length > 50);
  assert.deepEqual(statuses.filter((s) => s.startsWith('5')), []);
});
