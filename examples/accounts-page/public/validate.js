// The form rules of the Accounts Integration page, shared by the browser (loaded before
// app.js) and the server (require('./public/validate.js')), so both check the same way.
// `systems` is the table `GET /api/systems` answers (built by server.js from core's table).
'use strict';

(function (root) {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const ENVIRONMENTS = ['production', 'prod', 'beta', 'dev', 'qa', 'sandbox'];
  const MAX_NAME = 100;
  const MAX_FIELD = 4096;

  /**
   * Whether `hostname` (as `new URL()` spells it) is a link-local or cloud-metadata
   * destination: 169.254.0.0/16, fe80::/10 (also IPv4-mapped), `metadata` / `metadata.*`.
   * A stored secret must never be sent there.
   */
  function isBlockedHost(hostname) {
    const host = String(hostname).toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (/^169\.254\.\d+\.\d+$/.test(host)) return true;
    if (/^fe[89ab][0-9a-f]:/.test(host)) return true;
    if (/^::ffff:(a9fe:|169\.254\.)/.test(host)) return true;
    return host === 'metadata' || host.startsWith('metadata.');
  }

  /** Checks an http(s) URL; returns a problem text or null. */
  function urlProblem(value) {
    let url;
    try {
      url = new URL(value);
    } catch {
      return 'url';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'scheme';
    if (!url.hostname) return 'url';
    if (url.username || url.password) return 'credentials';
    if (isBlockedHost(url.hostname)) return 'blocked';
    return null;
  }

  const URL_MESSAGES = {
    url: 'Enter a full address such as http://127.0.0.1:5883/api/eazybusiness.',
    scheme: 'Enter an address starting with http:// or https://.',
    credentials: 'Leave user names and passwords out of the address.',
    blocked: 'This address is link-local or a cloud metadata service; secrets are never sent there.',
  };

  /** A problem with one field's value (already trimmed), as a sentence, or null. */
  function fieldProblem(spec, value) {
    if (value.length > MAX_FIELD) return `${spec.label} is too long (at most ${MAX_FIELD} characters).`;
    switch (spec.kind) {
      case 'uuid':
        return UUID.test(value) ? null
          : `Enter the ${spec.label} as a UUID, e.g. 00000000-0000-4000-8000-000000000001.`;
      case 'url': {
        const problem = urlProblem(value);
        return problem ? URL_MESSAGES[problem] : null;
      }
      case 'environment': {
        if (ENVIRONMENTS.includes(value.toLowerCase())) return null;
        if (!value.includes('://')) return 'Enter production, beta, dev, qa, or the http(s) address of a JTL emulator.';
        const problem = urlProblem(value);
        return problem ? URL_MESSAGES[problem] : null;
      }
      case 'bool':
        return ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(value.toLowerCase()) ? null : 'Choose yes or no.';
      default:
        return null;
    }
  }

  /**
   * Checks a form `{ name, fields }` of `system`: returns `[[field, message], ...]`, empty
   * when it is fine. `editing`: the account exists (the secret may be left out, the name too).
   */
  function validateForm(systems, system, form, editing) {
    const table = systems && Object.prototype.hasOwnProperty.call(systems, system) ? systems[system] : null;
    if (!table) return [['system', 'Choose JTL Cloud, JTL-Wawi or JTL SCX.']];
    const problems = [];
    const name = typeof form.name === 'string' ? form.name.trim() : form.name;
    if (name === undefined && editing) {
      // the name stays as it is
    } else if (typeof name !== 'string' || !name) {
      problems.push(['name', 'Enter an account name.']);
    } else if (name.length > MAX_NAME || /\p{Cc}/u.test(name)) {
      problems.push(['name', `Use at most ${MAX_NAME} printable characters.`]);
    }
    const fields = form.fields || {};
    for (const key of Object.keys(fields)) {
      const spec = table.fields.find((f) => f.name === key);
      if (!spec) problems.push([key, `${system} accounts have no field "${key}".`]);
      else if (typeof fields[key] !== 'string') problems.push([key, `${spec.label} must be text.`]);
    }
    for (const spec of table.fields) {
      const own = Object.prototype.hasOwnProperty.call(fields, spec.name);
      const value = own && typeof fields[spec.name] === 'string' ? fields[spec.name].trim() : '';
      if (!value) {
        const kept = editing && (spec.secret || !own);
        if (spec.required && !kept) problems.push([spec.name, `Enter the ${spec.label}.`]);
        continue;
      }
      const problem = fieldProblem(spec, value);
      if (problem) problems.push([spec.name, problem]);
    }
    return problems;
  }

  const api = { validateForm, fieldProblem, isBlockedHost, UUID };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.AccountRules = api;
})(typeof window === 'undefined' ? globalThis : window);
