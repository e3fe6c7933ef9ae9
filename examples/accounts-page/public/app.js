// The Accounts Integration page. Everything from the server is rendered with textContent
// (never innerHTML), so account names and messages cannot inject markup.
'use strict';

const SYSTEMS = {
  'jtl-cloud': { label: 'JTL Cloud', required: ['client_id', 'client_secret'], secret: 'client_secret', summary: 'client_id' },
  'jtl-wawi': { label: 'JTL-Wawi', required: ['base_url', 'api_key'], secret: 'api_key', summary: 'base_url' },
  'jtl-scx': { label: 'JTL SCX', required: ['refresh_token'], secret: 'refresh_token', summary: 'environment' },
};

const $ = (selector) => document.querySelector(selector);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const state = { accounts: [], selectedId: null, status: new Map() };

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = response.status === 204 ? {} : await response.json();
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || `HTTP ${response.status}`);
    error.field = data.error && data.error.field;
    error.code = data.error && data.error.code;
    throw error;
  }
  return data;
}

function currentSystem() {
  return $('#system').value;
}

function groupOf(system) {
  return document.querySelector(`[data-system="${system}"]`);
}

/** Shows the fields of the selected system and disables the others (so they are not sent). */
function showSystem(system) {
  for (const group of document.querySelectorAll('[data-system]')) {
    const visible = group.dataset.system === system;
    group.hidden = !visible;
    for (const input of group.querySelectorAll('input')) input.disabled = !visible;
  }
}

function clearErrors() {
  for (const p of document.querySelectorAll('.error')) p.textContent = '';
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  setStatus('');
}

function showError(field, message) {
  const group = groupOf(currentSystem());
  const target = (field === 'name' ? document : group).querySelector(`[data-error-for="${field}"]`);
  if (target) {
    target.textContent = message;
    const input = (field === 'name' ? document : group).querySelector(`[name="${field}"]`);
    if (input) input.setAttribute('aria-invalid', 'true');
  } else {
    setStatus(message, true);
  }
}

function setStatus(message, bad = false) {
  const status = $('#form-status');
  status.textContent = message;
  status.classList.toggle('bad', bad);
}

function formValues() {
  const system = currentSystem();
  const fields = {};
  for (const input of groupOf(system).querySelectorAll('input')) {
    if (input.type === 'checkbox') fields[input.name] = input.checked ? 'true' : 'false';
    else fields[input.name] = input.value.trim();
  }
  return { system, name: $('#name').value.trim(), fields };
}

/** The same rules the server applies, checked before sending. */
function validate({ system, name, fields }, editing) {
  const problems = [];
  if (!name) problems.push(['name', 'Enter an account name.']);
  for (const field of SYSTEMS[system].required) {
    const isSecret = field === SYSTEMS[system].secret;
    if (!fields[field] && !(isSecret && editing)) problems.push([field, 'This field is required.']);
  }
  if (fields.base_url && !/^https?:\/\/[^\s]+$/i.test(fields.base_url)) {
    problems.push(['base_url', 'Enter a URL starting with http:// or https://.']);
  }
  return problems;
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const editing = state.selectedId !== null;
  const values = formValues();
  const problems = validate(values, editing);
  if (problems.length) {
    for (const [field, message] of problems) showError(field, message);
    return;
  }
  const secretField = SYSTEMS[values.system].secret;
  if (editing && !values.fields[secretField]) delete values.fields[secretField]; // keep the stored secret
  try {
    const saved = editing
      ? await api('PUT', `/api/accounts/${encodeURIComponent(state.selectedId)}`, { name: values.name, fields: values.fields })
      : await api('POST', '/api/accounts', values);
    setStatus(editing ? 'Saved.' : 'Account added.');
    await loadAccounts();
    select(saved.account.id);
    await testConnection(saved.account.id);
  } catch (error) {
    showError(error.field || 'form', error.message);
  }
}

function resetForm() {
  state.selectedId = null;
  $('#account-form').reset();
  $('#system').disabled = false;
  showSystem(currentSystem());
  $('#save-button').textContent = 'Add account';
  $('#delete-button').disabled = true;
  $('#new-button').hidden = true;
  for (const input of document.querySelectorAll('input[type=password]')) input.placeholder = '';
  clearErrors();
  renderList();
}

function select(id) {
  const account = state.accounts.find((a) => a.id === id);
  if (!account) return resetForm();
  state.selectedId = id;
  clearErrors();
  $('#account-form').reset();
  $('#system').value = account.system;
  $('#system').disabled = true; // an account stays in its system
  showSystem(account.system);
  $('#name').value = account.name;
  const group = groupOf(account.system);
  for (const input of group.querySelectorAll('input')) {
    if (input.type === 'password') {
      input.value = '';
      input.placeholder = account.secretHint ? `stored (${account.secretHint}) — leave empty to keep` : 'stored — leave empty to keep';
    } else if (input.type === 'checkbox') {
      input.checked = account.fields[input.name] === 'true';
    } else {
      input.value = account.fields[input.name] || '';
    }
  }
  $('#save-button').textContent = 'Save changes';
  $('#delete-button').disabled = false;
  $('#new-button').hidden = false;
  renderList();
}

function statusBadge(id) {
  const badge = document.createElement('span');
  const status = state.status.get(id);
  badge.className = 'status';
  if (!status) badge.textContent = 'not tested';
  else if (status.testing) badge.textContent = 'testing…';
  else if (status.ok) { badge.textContent = 'connected'; badge.classList.add('ok'); }
  else { badge.textContent = `failed: ${status.code}`; badge.classList.add('bad'); badge.title = status.message; }
  return badge;
}

function renderList() {
  const list = $('#account-list');
  list.replaceChildren();
  $('#empty-list').hidden = state.accounts.length > 0;
  for (const account of state.accounts) {
    const item = document.createElement('li');
    item.dataset.id = account.id;
    item.classList.toggle('selected', account.id === state.selectedId);
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = account.name;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const summary = account.fields[SYSTEMS[account.system].summary];
    meta.textContent = `${SYSTEMS[account.system].label}${summary ? ' · ' + summary : ''}`;
    const test = document.createElement('button');
    test.type = 'button';
    test.className = 'btn btn-plain test-button';
    test.textContent = 'Test';
    test.addEventListener('click', (event) => { event.stopPropagation(); testConnection(account.id); });
    item.append(name, meta, statusBadge(account.id), test);
    item.addEventListener('click', () => select(account.id));
    list.append(item);
  }
}

async function loadAccounts() {
  const { accounts } = await api('GET', '/api/accounts');
  state.accounts = accounts;
  renderList();
}

async function testConnection(id) {
  state.status.set(id, { testing: true });
  renderList();
  try {
    const { result } = await api('POST', `/api/accounts/${encodeURIComponent(id)}/test`);
    state.status.set(id, result);
  } catch (error) {
    state.status.set(id, { ok: false, code: error.code || 'error', message: error.message });
  }
  renderList();
}

function askDelete() {
  const account = state.accounts.find((a) => a.id === state.selectedId);
  if (!account) return;
  $('#confirm-text').textContent = `Delete the account "${account.name}"? This cannot be undone.`;
  $('#confirm-delete').showModal();
}

async function confirmDelete() {
  if ($('#confirm-delete').returnValue !== 'delete' || !state.selectedId) return;
  try {
    await api('DELETE', `/api/accounts/${encodeURIComponent(state.selectedId)}`);
    state.status.delete(state.selectedId);
    await loadAccounts();
    resetForm();
    setStatus('Account deleted.');
  } catch (error) {
    setStatus(error.message, true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  showSystem(currentSystem());
  $('#system').addEventListener('change', () => { clearErrors(); showSystem(currentSystem()); });
  $('#account-form').addEventListener('submit', submit);
  $('#delete-button').addEventListener('click', askDelete);
  $('#confirm-delete').addEventListener('close', confirmDelete);
  $('#new-button').addEventListener('click', resetForm);
  loadAccounts().catch((error) => setStatus(error.message, true));
});
