// Drives the Accounts Integration page in a real Chromium (playwright-core, Debian's
// chromium) against a real server, a real (encrypted) store and the emulator of JTL's
// servers: the structure of seed 000, keyboard-only add / edit / test / delete, axe-core in
// every state, the layout at 1280×900 and 390 px, and screenshots of each state in docs/.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startPage, startEmulator } = require('./helpers.js');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOCS = path.join(__dirname, '..', '..', '..', 'docs');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let emulator;
let site;
let browser;
let context;
let page;

before(async () => {
  emulator = await startEmulator();
  site = await startPage();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${site.base}/?token=${site.token}`);
  await page.waitForFunction(() => document.querySelector('#empty-list') && !document.querySelector('#empty-list').hidden);
});

after(async () => {
  await browser?.close();
  site?.close();
  await emulator?.stop();
});

/** axe-core in the page as it is now: no serious or critical violation. */
async function checkAxe(target, state) {
  await target.evaluate(AXE);
  const violations = await target.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    if (result.passes.length + result.inapplicable.length < 20) return ['axe-core did not run its rules'];
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe in state "${state}"`);
}

async function shot(target, name) {
  fs.mkdirSync(DOCS, { recursive: true });
  await target.screenshot({ path: path.join(DOCS, `accounts-page-${name}.png`) });
}

/** Presses Tab until `selector` has the focus (keyboard only); fails after 40 presses. */
async function tabTo(selector, key = 'Tab') {
  for (let i = 0; i < 40; i += 1) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press(key);
  }
  assert.fail(`Tab never reached ${selector}`);
}

async function typeInto(selector, text) {
  await tabTo(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.type(text);
}

const status = () => page.locator('#form-status').textContent();
const focused = () => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));
const option = (name) => page.locator('#account-list [role=option]', { has: page.locator('.name', { hasText: name }) });

test('the access link sets the session cookie and leaves the token out of the address', async () => {
  assert.equal(page.url(), `${site.base}/`);
  const [cookie] = await context.cookies();
  assert.equal(cookie.name, `jtl_page_${site.port}`);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read it');
  const other = await browser.newPage();
  const response = await other.goto(site.base);
  assert.equal(response.status(), 401);
  assert.match(await other.locator('h1').textContent(), /Access link needed/);
  await other.close();
});

test('the page shows the parts of seed 000, and the empty state', async () => {
  assert.equal(await page.locator('.sidebar a#nav-accounts').textContent(), 'Accounts');
  const options = await page.locator('#system option').allTextContents();
  assert.deepEqual(options, ['JTL Cloud', 'JTL-Wawi (OnPremise)', 'JTL SCX (Marketplace)']);
  for (const label of ['Select', 'Account Name', 'Client ID', 'Client Secret']) {
    assert.ok(await page.locator('label', { hasText: label }).first().isVisible(), label);
  }
  const color = (selector) => page.locator(selector).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(await color('#save-button'), 'rgb(21, 128, 61)', 'green add button');
  assert.equal(await color('#delete-button'), 'rgb(200, 30, 30)', 'red delete button');
  const add = await page.locator('#save-button').boundingBox();
  const del = await page.locator('#delete-button').boundingBox();
  assert.ok(add.x > 900 && del.x > add.x && add.y < 80, 'green add and red delete at the top right');
  assert.match(await page.locator('#help-client_id').textContent(), /Partner Portal/);
  assert.equal(await page.locator('#empty-list').isVisible(), true);
  await checkAxe(page, 'empty');
  await shot(page, 'empty');
});

test('at 1280×900 Connected Accounts is beside the form, without scrolling', async () => {
  const list = await page.locator('#connected-title').boundingBox();
  const form = await page.locator('#settings-title').boundingBox();
  assert.ok(list.y + list.height < 900, `Connected Accounts at y=${list.y}`);
  assert.ok(list.x > form.x + 300, 'beside the form');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
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

test('missing and malformed fields are reported by the field (aria-describedby), before anything is sent', async () => {
  await page.locator('#name').focus();
  await typeInto('#tenant_id', 'not-a-uuid');
  await typeInto('#cloud_environment', 'ftp://x.example');
  await page.keyboard.press('Enter');
  await page.locator('#err-name:not(:empty)').waitFor();
  assert.match(await page.locator('#err-name').textContent(), /account name/i);
  assert.match(await page.locator('#err-client_id').textContent(), /Enter the Client ID/);
  assert.match(await page.locator('#err-tenant_id').textContent(), /UUID/);
  assert.match(await page.locator('#err-cloud_environment').textContent(), /http:\/\/ or https:\/\//);
  for (const id of ['name', 'client_id', 'client_secret', 'tenant_id', 'cloud_environment']) {
    assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true', id);
    assert.match(await page.getAttribute(`#${id}`, 'aria-describedby'), new RegExp(`err-${id}`), id);
  }
  assert.equal(await focused(), 'name', 'focus on the first field to fix');
  assert.equal(await status(), 'Check the highlighted fields.');
  assert.equal(await page.locator('#account-list [role=option]').count(), 0);
  await checkAxe(page, 'field errors');
  await shot(page, 'errors');
});

test('keyboard only: a wrong secret is explained by its field, and "Save anyway" saves it', async () => {
  await typeInto('#name', 'Wrong secret');
  await typeInto('#client_id', emulator.clientId);
  await typeInto('#client_secret', 'not-the-secret');
  await typeInto('#tenant_id', '');
  await typeInto('#cloud_environment', emulator.url);
  await page.keyboard.press('Enter');
  await page.locator('#err-client_secret:not(:empty)').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#err-client_secret').textContent(), 'JTL rejected this client id and secret.');
  assert.match(await status(), /^Not added: JTL rejected this client id and secret\. Correct it, or choose “Save anyway”\.$/);
  assert.equal(await focused(), 'client_secret', 'focus on the field it concerns');
  assert.equal(await page.locator('#account-list [role=option]').count(), 0, 'not saved yet');
  assert.equal(await page.locator('#save-anyway').isVisible(), true);
  await checkAxe(page, 'connection failed');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'connection-failed');
  await tabTo('#save-anyway', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await option('Wrong secret').waitFor({ timeout: 15000 });
  assert.match(await status(), /^Account added\. The connection test failed: JTL rejected/);
  assert.equal(await option('Wrong secret').locator('.badge').textContent(), 'Failed');
  assert.match(await option('Wrong secret').locator('.test-detail').textContent(), /JTL rejected this client id and secret\. Tested today/);
});

test('keyboard only: add the demo account; the message stays, focus goes to the list', async () => {
  await tabTo('#new-button');
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'name');
  await page.keyboard.type('Demo shop');
  await typeInto('#client_id', emulator.clientId);
  await typeInto('#client_secret', emulator.clientSecret);
  await typeInto('#tenant_id', emulator.tenantId);
  await typeInto('#cloud_environment', emulator.url);
  await page.keyboard.press('Enter');
  await page.locator('#form-status', { hasText: 'Account added.' }).waitFor({ timeout: 15000 });
  assert.equal(await status(), 'Account added. Connected to JTL Cloud.');
  await page.waitForTimeout(1200);
  assert.equal(await status(), 'Account added. Connected to JTL Cloud.', 'still there a second later');
  assert.equal(await focused(), 'account-list');
  const item = option('Demo shop');
  assert.equal(await item.getAttribute('aria-selected'), 'true');
  assert.equal(await item.locator('.badge').textContent(), 'Connected');
  assert.match(await item.locator('.test-detail').textContent(), /^Tested today \d\d:\d\d/);
  assert.equal(await page.inputValue('#client_secret'), '', 'the secret field is write-only');
  assert.ok(!(await page.content()).includes(emulator.clientSecret), 'no secret in the page');
  const listed = await page.evaluate(async () => (await fetch('/api/accounts')).text());
  assert.ok(!listed.includes(emulator.clientSecret), 'no secret from the API');
  assert.ok(!fs.readFileSync(site.dbPath).includes(Buffer.from(emulator.clientSecret)), 'no secret in the database file');
  await checkAxe(page, 'account added');
  await shot(page, 'accounts');
});

test('keyboard only: arrows move in the list, Enter selects, the edit is saved and stays announced', async () => {
  await tabTo('#account-list');
  await page.keyboard.press('Home');
  const first = await page.getAttribute('#account-list', 'aria-activedescendant');
  await page.keyboard.press('ArrowDown');
  const second = await page.getAttribute('#account-list', 'aria-activedescendant');
  assert.notEqual(first, second, 'ArrowDown moves');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getAttribute('#account-list', 'aria-activedescendant'), first, 'ArrowUp moves back');
  // Go to "Demo shop" and select it with Enter.
  const ids = await page.locator('#account-list [role=option]').evaluateAll((els) => els.map((e) => [e.id, e.textContent]));
  const demo = ids.findIndex(([, text]) => text.startsWith('Demo shop'));
  await page.keyboard.press('Home');
  for (let i = 0; i < demo; i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#name'), 'Demo shop');
  assert.equal(await page.locator('#save-button').textContent(), 'Save changes');
  assert.match(await page.getAttribute('#client_secret', 'placeholder'), /leave empty to keep/);
  await typeInto('#name', 'Demo shop DE');
  await page.keyboard.press('Enter');
  await page.locator('#form-status', { hasText: 'Saved.' }).waitFor({ timeout: 15000 });
  await page.waitForTimeout(1200);
  assert.equal(await status(), 'Saved. Connected to JTL Cloud.', 'still there a second later');
  assert.equal(await option('Demo shop DE').getAttribute('aria-selected'), 'true');
  await checkAxe(page, 'editing');
});

test('keyboard only: moving the secret elsewhere needs the secret again', async () => {
  await typeInto('#cloud_environment', 'beta');
  await page.keyboard.press('Enter');
  await page.locator('#err-client_secret:not(:empty)').waitFor({ timeout: 15000 });
  assert.match(await page.locator('#err-client_secret').textContent(), /Enter the Client Secret again to change the Environment/);
  assert.equal(await focused(), 'client_secret');
  await typeInto('#cloud_environment', emulator.url);
});

test('keyboard only: Test connection reports in the status region and on the account', async () => {
  await tabTo('#test-button');
  await page.keyboard.press('Enter');
  await page.locator('#form-status', { hasText: 'Connected to JTL Cloud.' }).waitFor({ timeout: 15000 });
  assert.equal(await status(), '“Demo shop DE”: Connected to JTL Cloud.');
  assert.equal(await option('Demo shop DE').locator('.badge').textContent(), 'Connected');
});

test('server-side checks are shown by their field in plain words', async () => {
  await tabTo('#new-button');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Demo shop DE');
  await typeInto('#client_id', emulator.clientId);
  await typeInto('#client_secret', emulator.clientSecret);
  await page.keyboard.press('Enter');
  await page.locator('#err-name:not(:empty)').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#err-name').textContent(), 'An account with this name already exists for JTL Cloud: choose another name.');
  assert.equal(await focused(), 'name');
});

test('keyboard only: delete asks first, cancel keeps the account, focus returns', async () => {
  const name = 'Wrong secret';
  const names = await page.locator('#account-list [role=option] .name').allTextContents();
  await tabTo('#account-list');
  await page.keyboard.press('Home');
  for (let i = 0; i < names.indexOf(name); i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#name'), name);
  await tabTo('#delete-button');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#confirm-delete').isVisible(), true);
  assert.equal(await focused(), 'confirm-cancel', 'Cancel first, so Enter is harmless');
  await checkAxe(page, 'delete dialog');
  await shot(page, 'delete');
  await page.keyboard.press('Escape');
  assert.equal(await option(name).count(), 1);
  assert.equal(await focused(), 'delete-button');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'confirm-ok');
  await page.keyboard.press('Enter');
  await page.locator('#form-status', { hasText: 'deleted' }).waitFor();
  assert.equal(await option(name).count(), 0);
  await page.waitForTimeout(1200);
  assert.equal(await status(), `Account “${name}” deleted.`, 'still there a second later');
  assert.equal(await focused(), 'account-list', 'focus back on the list');
  await checkAxe(page, 'after delete');
  // Escape after an earlier confirmed delete still keeps the account.
  await page.keyboard.press('Enter');
  const kept = await page.inputValue('#name');
  await tabTo('#delete-button');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  assert.equal(await option(kept).count(), 1, 'Escape never deletes');
});

test('at 390 px: one column, the sidebar is a top bar, no sideways scrolling', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await small.goto(`${site.base}/?token=${site.token}`);
  await small.locator('#account-list [role=option]').first().waitFor();
  const widths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(widths.scroll <= widths.inner, `page ${widths.scroll} px wide in ${widths.inner} px`);
  const bar = await small.locator('.sidebar').boundingBox();
  assert.ok(bar.width >= 389 && bar.height < 80, `sidebar as a top bar: ${JSON.stringify(bar)}`);
  const form = await small.locator('.settings').boundingBox();
  const list = await small.locator('.connected').boundingBox();
  assert.ok(list.y > form.y + form.height - 1, 'one column');
  assert.ok(form.x + form.width <= 390 && list.x + list.width <= 390);
  await checkAxe(small, 'mobile');
  fs.mkdirSync(DOCS, { recursive: true });
  await small.screenshot({ path: path.join(DOCS, 'accounts-page-mobile.png'), fullPage: true });
  await phone.close();
});

test('names are rendered as text, never as markup', async () => {
  if (await page.locator('#new-button').isVisible()) {
    await tabTo('#new-button');
    await page.keyboard.press('Enter');
  }
  await typeInto('#name', '');
  await page.keyboard.type('<img src=x onerror="window.__xss=1">');
  await typeInto('#client_id', emulator.clientId);
  await typeInto('#client_secret', emulator.clientSecret);
  await typeInto('#cloud_environment', emulator.url);
  await page.keyboard.press('Enter');
  await option('<img').waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('#account-list img').count(), 0);
});
