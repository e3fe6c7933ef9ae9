// The Accounts Integration page. Everything from the server is rendered with textContent
// (never innerHTML), so account names and messages cannot inject markup. The systems table
// (labels, required fields, the secret field) comes from GET /api/systems, which the server
// builds from core's table; the form rules are public/validate.js, shared with the server.
'use strict';

const $ = (selector) => document.querySelector(selector);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const state = {
  systems: Object.create(null), // id -> { label, fields, secretField, summary }
  accounts: [],
  selectedId: null,
  activeId: null, // the option the listbox's keyboard cursor is on
  offer: null, // the request "Save anyway" repeats
  busy: false,
};

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    // not JSON: the message below says what happened
  }
  if (!response.ok) {
    const info = data.error || {};
    const error = new Error(info.message || `The server answered ${response.status}.`);
    Object.assign(error, { status: response.status, code: info.code, field: info.field, fields: info.fields || {}, offer: info.canSaveAnyway === true });
    throw error;
  }
  return data;
}

const currentSystem = () => $('#system').value;
const groupOf = (system) => document.querySelector(`[data-system="${system}"]`);
const tableOf = (system) => state.systems[system];
const labelOf = (system) => (tableOf(system) ? tableOf(system).label : system);

/** Shows the fields of the selected system and disables the others (so they are not sent). */
function showSystem(system) {
  for (const group of document.querySelectorAll('[data-system]')) {
    const visible = group.dataset.system === system;
    group.hidden = !visible;
    for (const input of group.querySelectorAll('input')) input.disabled = !visible;
  }
}

/** The status region: one message, kept until the next action replaces it. */
function setStatus(message, tone = 'info') {
  const status = $('#form-status');
  status.textContent = message;
  status.dataset.tone = message ? tone : '';
}

function offerSaveAnyway(request) {
  state.offer = request;
  $('#save-anyway').hidden = !request;
}

function clearFieldErrors() {
  for (const p of document.querySelectorAll('.error')) p.textContent = '';
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** The input of `field` in the visible form (the name field is shared by every system). */
function inputOf(field) {
  const scope = field === 'name' ? document : groupOf(currentSystem());
  return scope && scope.querySelector(`[name="${CSS.escape(field)}"]`);
}

/** Puts `message` under its field (tied by aria-describedby); false if no such field. */
function showFieldError(field, message) {
  const input = inputOf(field);
  if (!input) return false;
  const target = document.getElementById(`err-${input.id}`);
  target.textContent = message;
  input.setAttribute('aria-invalid', 'true');
  return true;
}

/** Shows every field error, says so in the status region, focuses the first field. */
function showProblems(problems, summary) {
  let first = null;
  for (const [field, message] of problems) {
    if (showFieldError(field, message) && !first) first = inputOf(field);
  }
  setStatus(summary || (problems.length === 1 ? problems[0][1] : 'Check the highlighted fields.'), 'bad');
  if (first) first.focus();
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

function setBusy(busy, label) {
  state.busy = busy;
  for (const id of ['#save-button', '#test-button', '#delete-button', '#save-anyway']) $(id).toggleAttribute('aria-disabled', busy);
  document.body.classList.toggle('busy', busy);
  if (label) setStatus(label, 'info');
}

async function submit(event, saveAnyway = false) {
  if (event) event.preventDefault();
  if (state.busy) return;
  clearFieldErrors();
  offerSaveAnyway(null);
  const editing = state.selectedId !== null;
  const values = formValues();
  const table = tableOf(values.system);
  const problems = window.AccountRules.validateForm(state.systems, values.system, values, editing);
  if (problems.length) return showProblems(problems);
  if (editing && !values.fields[table.secretField]) delete values.fields[table.secretField]; // keep the stored one
  const request = editing
    ? { method: 'PUT', path: `/api/accounts/${encodeURIComponent(state.selectedId)}`, body: { name: values.name, fields: values.fields } }
    : { method: 'POST', path: '/api/accounts', body: values };
  request.body.saveAnyway = saveAnyway;
  setBusy(true, `Testing the connection to ${table.label}…`);
  try {
    const { account } = await api(request.method, request.path, request.body);
    const test = account.lastTest;
    const said = editing ? 'Saved.' : 'Account added.';
    const outcome = !test ? '' : test.ok ? ` ${test.message}` : ` The connection test failed: ${test.message}`;
    await loadAccounts();
    select(account.id, { keepStatus: true });
    setStatus(said + outcome, test && !test.ok ? 'warn' : 'ok');
    if (!editing) focusList(account.id);
  } catch (error) {
    if (error.code === 'connection_failed' && error.offer) {
      offerSaveAnyway(request);
      const shown = error.field && showFieldError(error.field, error.message);
      setStatus(`Not ${editing ? 'saved' : 'added'}: ${error.message} Correct it, or choose “Save anyway”.`, 'bad');
      if (shown) inputOf(error.field).focus();
      else $('#save-anyway').focus();
    } else {
      const problems = Object.entries(error.fields || {});
      if (!problems.length && error.field) problems.push([error.field, error.message]);
      showProblems(problems, problems.length > 1 ? 'Check the highlighted fields.' : error.message);
    }
  } finally {
    setBusy(false);
  }
}

/** Back to an empty "add" form; `keepStatus` leaves the last message standing. */
function resetForm({ keepStatus = false } = {}) {
  state.selectedId = null;
  $('#account-form').reset();
  $('#system').disabled = false;
  showSystem(currentSystem());
  $('#settings-title').textContent = 'Add an account';
  $('#save-button').textContent = 'Add account';
  $('#delete-button').disabled = true;
  $('#test-button').disabled = true;
  $('#new-button').hidden = true;
  for (const input of document.querySelectorAll('input[type=password]')) input.placeholder = '';
  clearFieldErrors();
  offerSaveAnyway(null);
  if (!keepStatus) setStatus('');
  renderList();
}

function select(id, { keepStatus = false } = {}) {
  const account = state.accounts.find((a) => a.id === id);
  if (!account) return resetForm({ keepStatus });
  state.selectedId = id;
  state.activeId = id;
  clearFieldErrors();
  offerSaveAnyway(null);
  if (!keepStatus) setStatus('');
  $('#account-form').reset();
  $('#system').value = account.system;
  $('#system').disabled = true; // an account stays in its system
  showSystem(account.system);
  $('#name').value = account.name;
  for (const input of groupOf(account.system).querySelectorAll('input')) {
    if (input.type === 'password') {
      input.value = '';
      input.placeholder = account.secretHint ? `stored (${account.secretHint}), leave empty to keep` : 'stored, leave empty to keep';
    } else if (input.type === 'checkbox') {
      input.checked = account.fields[input.name] === 'true';
    } else {
      input.value = account.fields[input.name] || '';
    }
  }
  $('#settings-title').textContent = `Edit “${account.name}”`;
  $('#save-button').textContent = 'Save changes';
  $('#delete-button').disabled = false;
  $('#test-button').disabled = false;
  $('#new-button').hidden = false;
  renderList();
}

function when(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return today ? `today ${time}` : `${date.toLocaleDateString()} ${time}`;
}

function statusParts(account) {
  const test = account.lastTest;
  const badge = document.createElement('span');
  badge.className = 'badge';
  const detail = document.createElement('span');
  detail.className = 'test-detail';
  if (account.testing) {
    badge.textContent = 'Testing…';
    detail.textContent = 'Testing the connection…';
  } else if (!test) {
    badge.textContent = 'Not tested';
    detail.textContent = 'Not tested yet';
  } else if (test.ok) {
    badge.textContent = 'Connected';
    badge.classList.add('ok');
    detail.textContent = `Tested ${when(test.testedAt)}`;
  } else {
    badge.textContent = 'Failed';
    badge.classList.add('bad');
    detail.textContent = `${test.message} Tested ${when(test.testedAt)}.`;
  }
  return [badge, detail];
}

function renderList() {
  const list = $('#account-list');
  const hadFocus = document.activeElement === list;
  list.replaceChildren();
  const count = state.accounts.length;
  $('#empty-list').hidden = count > 0;
  list.hidden = count === 0;
  $('#list-help').hidden = count === 0;
  $('#account-count').textContent = count ? `${count} account${count === 1 ? '' : 's'}` : '';
  if (!state.accounts.some((a) => a.id === state.activeId)) state.activeId = state.selectedId || (state.accounts[0] || {}).id || null;
  for (const account of state.accounts) {
    const item = document.createElement('li');
    item.id = `account-${account.id}`;
    item.setAttribute('role', 'option');
    item.dataset.id = account.id;
    item.setAttribute('aria-selected', String(account.id === state.selectedId));
    item.classList.toggle('active', account.id === state.activeId);
    const [badge, detail] = statusParts(account);
    const top = document.createElement('span');
    top.className = 'row-top';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = account.name;
    top.append(name, badge);
    const meta = document.createElement('span');
    meta.className = 'meta';
    const table = tableOf(account.system);
    const summary = table && account.fields[table.summary];
    meta.textContent = `${labelOf(account.system)}${summary ? ' · ' + summary : ''}`;
    item.append(top, meta, detail);
    item.addEventListener('click', () => { state.activeId = account.id; select(account.id); });
    list.append(item);
  }
  if (state.activeId) list.setAttribute('aria-activedescendant', `account-${state.activeId}`);
  else list.removeAttribute('aria-activedescendant');
  if (hadFocus) list.focus();
}

function focusList(id) {
  if (id) state.activeId = id;
  renderList();
  if (state.accounts.length) $('#account-list').focus();
}

/** Listbox keys: arrows / Home / End move the cursor, Enter or Space selects. */
function listKeys(event) {
  const ids = state.accounts.map((a) => a.id);
  if (!ids.length) return;
  let index = Math.max(0, ids.indexOf(state.activeId));
  switch (event.key) {
    case 'ArrowDown': index = Math.min(ids.length - 1, index + 1); break;
    case 'ArrowUp': index = Math.max(0, index - 1); break;
    case 'Home': index = 0; break;
    case 'End': index = ids.length - 1; break;
    case 'Enter':
    case ' ':
      event.preventDefault();
      select(ids[index]);
      setStatus(`Editing “${state.accounts[index].name}”.`);
      return;
    default: return;
  }
  event.preventDefault();
  state.activeId = ids[index];
  renderList();
  const option = document.getElementById(`account-${state.activeId}`);
  if (option) option.scrollIntoView({ block: 'nearest' });
}

async function loadAccounts() {
  const { accounts } = await api('GET', '/api/accounts');
  state.accounts = accounts;
  renderList();
}

async function testSelected() {
  const account = state.accounts.find((a) => a.id === state.selectedId);
  if (!account || state.busy) return;
  clearFieldErrors();
  offerSaveAnyway(null);
  account.testing = true;
  renderList();
  setBusy(true, `Testing the connection of “${account.name}”…`);
  try {
    const { result } = await api('POST', `/api/accounts/${encodeURIComponent(account.id)}/test`);
    account.lastTest = result;
    if (result.ok) setStatus(`“${account.name}”: ${result.message}`, 'ok');
    else {
      if (result.field) showFieldError(result.field, result.message);
      setStatus(`“${account.name}”: the connection test failed. ${result.message}`, 'bad');
    }
  } catch (error) {
    setStatus(error.message, 'bad');
  } finally {
    account.testing = false;
    setBusy(false);
    renderList();
  }
}

function askDelete() {
  const account = state.accounts.find((a) => a.id === state.selectedId);
  if (!account || state.busy) return;
  $('#confirm-text').textContent = `Delete the account “${account.name}”? This cannot be undone.`;
  // Escape closes without a value, which would leave the last one ("delete") standing.
  $('#confirm-delete').returnValue = '';
  $('#confirm-delete').showModal();
}

async function confirmDelete() {
  if ($('#confirm-delete').returnValue !== 'delete' || !state.selectedId) {
    $('#delete-button').focus();
    return;
  }
  const account = state.accounts.find((a) => a.id === state.selectedId);
  try {
    await api('DELETE', `/api/accounts/${encodeURIComponent(state.selectedId)}`);
    await loadAccounts();
    resetForm();
    setStatus(`Account “${account ? account.name : ''}” deleted.`, 'ok');
    if (state.accounts.length) focusList(state.accounts[0].id);
    else $('#name').focus();
  } catch (error) {
    setStatus(error.message, 'bad');
  }
}

async function start() {
  const [{ systems }] = await Promise.all([api('GET', '/api/systems'), loadAccounts()]);
  for (const system of systems) state.systems[system.id] = system;
  renderList();
}

document.addEventListener('DOMContentLoaded', () => {
  showSystem(currentSystem());
  $('#system').addEventListener('change', () => { clearFieldErrors(); offerSaveAnyway(null); showSystem(currentSystem()); });
  $('#account-form').addEventListener('submit', (event) => submit(event));
  $('#save-anyway').addEventListener('click', () => submit(null, true));
  $('#delete-button').addEventListener('click', askDelete);
  $('#test-button').addEventListener('click', testSelected);
  $('#confirm-delete').addEventListener('close', confirmDelete);
  $('#new-button').addEventListener('click', () => { resetForm(); $('#name').focus(); });
  $('#account-list').addEventListener('keydown', listKeys);
  start().catch((error) => setStatus(`The page could not load the accounts: ${error.message}`, 'bad'));
});
