// Drives the Accounts Integration page in a real Chromium against a real server, a real
// (encrypted) store and the emulator of JTL's servers.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { AccountStore, startEmulator } = require('jtl-connect');
const { createServer } = require('../server.js');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
let emulator;
let server;
let base;
let browser;
let page;
let dbPath;

before(async () => {
  emulator = await startEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accounts-page-'));
  dbPath = path.join(dir, 'accounts.db');
  process.env.JTL_CONNECT_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
  server = createServer(await AccountStore.open(dbPath));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  await page.goto(base);
});

after(async () => {
  await browser?.close();
  server?.close();
  await emulator?.stop();
});

async function fillCloud({ name, clientId, secret, tenant = '', environment = '' }) {
  await page.selectOption('#system', 'jtl-cloud');
  await page.fill('#name', name);
  await page.fill('#client_id', clientId);
  await page.fill('#client_secret', secret);
  await page.fill('#tenant_id', tenant);
  await page.fill('#cloud_environment', environment);
}

async function addMode() {
  if (await page.locator('#new-button').isVisible()) await page.click('#new-button');
}

async function accountItem(name) {
  return page.locator('#account-list li', { has: page.locator('.name', { hasText: name }) });
}

test('the page shows the parts of seed 000', async () => {
  assert.equal(await page.locator('.sidebar a#nav-accounts').textContent(), 'Accounts');
  const options = await page.locator('#system option').allTextContents();
  assert.deepEqual(options, ['JTL Cloud', 'JTL-Wawi (OnPremise)', 'JTL SCX (Marketplace)']);
  for (const label of ['Select', 'Account Name', 'Client ID', 'Client Secret']) {
    assert.ok(await page.locator('label', { hasText: label }).first().isVisible(), label);
  }
  const color = (selector) => page.locator(selector).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(await color('#save-button'), 'rgb(31, 157, 85)', 'green add button');
  assert.equal(await color('#delete-button'), 'rgb(204, 31, 26)', 'red delete button');
  assert.match(await page.locator('#client_id + .help').textContent(), /Partner Portal/);
  assert.equal(await page.locator('#empty-list').isVisible(), true);
});

test('the system dropdown switches the fields', async () => {
  await page.selectOption('#system', 'jtl-wawi');
  assert.equal(await page.locator('#base_url').isVisible(), true);
  assert.equal(await page.locator('#client_id').isVisible(), false);
  await page.selectOption('#system', 'jtl-scx');
  assert.equal(await page.locator('#refresh_token').isVisible(), true);
  await page.selectOption('#system', 'jtl-cloud');
  assert.equal(await page.locator('#client_secret').isVisible(), true);
});

test('missing fields are reported by the field, before anything is sent', async () => {
  await page.fill('#name', '');
  await page.click('#save-button');
  assert.match(await page.locator('[data-error-for="name"]').textContent(), /account name/i);
  assert.match(await page.locator('[data-system="jtl-cloud"] [data-error-for="client_id"]').textContent(), /required/);
  assert.match(await page.locator('[data-system="jtl-cloud"] [data-error-for="client_secret"]').textContent(), /required/);
  assert.equal((await page.locator('#account-list li').count()), 0);
});

test('adding the demo account connects it, and the secret never comes back', async () => {
  await fillCloud({ name: 'Demo shop', clientId: emulator.clientId, secret: emulator.clientSecret, tenant: emulator.tenantId, environment: emulator.url });
  await page.click('#save-button');
  const item = await accountItem('Demo shop');
  await item.locator('.status.ok').waitFor({ timeout: 10000 });
  assert.equal(await item.locator('.status').textContent(), 'connected');
  assert.equal(await page.inputValue('#client_secret'), '', 'the secret field is write-only');
  assert.ok(!(await page.content()).includes(emulator.clientSecret), 'no secret in the page');
  const listed = await page.evaluate(async () => (await fetch('/api/accounts')).text());
  assert.ok(!listed.includes(emulator.clientSecret), 'no secret from the API');
  const raw = fs.readFileSync(dbPath);
  assert.ok(!raw.includes(Buffer.from(emulator.clientSecret)), 'no secret in the database file');
});

test('editing without a new secret keeps the stored one', async () => {
  await (await accountItem('Demo shop')).click();
  assert.equal(await page.locator('#save-button').textContent(), 'Save changes');
  assert.match(await page.getAttribute('#client_secret', 'placeholder'), /leave empty to keep/);
  await page.fill('#name', 'Demo shop DE');
  await page.click('#save-button');
  const item = await accountItem('Demo shop DE');
  await item.locator('.status.ok').waitFor({ timeout: 10000 });
});

test('server-side validation is shown by the field', async () => {
  await addMode();
  await fillCloud({ name: 'Demo shop DE', clientId: 'x', secret: 'y' });
  await page.click('#save-button');
  await page.locator('[data-error-for="name"]:not(:empty)').waitFor();
  assert.match(await page.locator('[data-error-for="name"]').textContent(), /already exists/);
  await fillCloud({ name: 'Other', clientId: 'x', secret: 'y', environment: 'mars' });
  await page.click('#save-button');
  await page.locator('[data-system="jtl-cloud"] [data-error-for="environment"]:not(:empty)').waitFor();
});

test('wrong credentials show a failed connection', async () => {
  await addMode();
  await fillCloud({ name: 'Wrong', clientId: emulator.clientId, secret: 'not-the-secret', environment: emulator.url });
  await page.click('#save-button');
  const item = await accountItem('Wrong');
  await item.locator('.status.bad').waitFor({ timeout: 10000 });
  assert.equal(await item.locator('.status').textContent(), 'failed: invalid_credentials');
});

test('names are rendered as text, never as markup', async () => {
  await addMode();
  const evil = '<img src=x onerror="window.__xss=1">';
  await fillCloud({ name: evil, clientId: 'x', secret: 'y', environment: emulator.url });
  await page.click('#save-button');
  await (await accountItem(evil)).waitFor();
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('#account-list img').count(), 0);
});

test('state-changing requests need the CSRF token and the same origin', async () => {
  const body = JSON.stringify({ system: 'jtl-scx', name: 'Forged', fields: { refresh_token: 't' } });
  const noToken = await fetch(`${base}/api/accounts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  assert.equal(noToken.status, 403);
  const token = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const cookie = `csrf=${token}`;
  const foreign = await fetch(`${base}/api/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token, Cookie: cookie, Origin: 'http://evil.example' },
    body,
  });
  assert.equal(foreign.status, 403);
  const ok = await fetch(`${base}/api/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token, Cookie: cookie },
    body,
  });
  assert.equal(ok.status, 201);
});

test('delete asks first, and cancel keeps the account', async () => {
  await page.reload();
  await (await accountItem('Wrong')).click();
  await page.click('#delete-button');
  assert.equal(await page.locator('#confirm-delete').isVisible(), true);
  await page.click('#confirm-cancel');
  assert.equal(await (await accountItem('Wrong')).count(), 1);
  await page.click('#delete-button');
  await page.click('#confirm-ok');
  await page.locator('#form-status', { hasText: 'deleted' }).waitFor();
  assert.equal(await (await accountItem('Wrong')).count(), 0);
  await page.screenshot({ path: path.join(os.tmpdir(), 'accounts-page.png'), fullPage: true });
});
