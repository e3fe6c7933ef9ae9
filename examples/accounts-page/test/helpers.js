// Shared by the page's suites: a real server over a real (encrypted) store, the emulator of
// JTL's servers, and raw HTTP requests (node:http, so the Host header is ours to choose).
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { AccountStore, startEmulator } = require('jtl-connect');
const { createServer } = require('../server.js');

process.env.JTL_CONNECT_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

/** Starts the page on a fresh store; `options` go to createServer. */
async function startPage(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accounts-page-'));
  const dbPath = path.join(dir, 'accounts.db');
  const store = await AccountStore.open(dbPath);
  const server = createServer(store, { token: 'test-token-0123456789', scratchDir: dir, ...options });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return { server, store, dbPath, port, token: server.accessToken, base: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/**
 * One HTTP request to 127.0.0.1:`port`: `{ status, headers, text, json }`. `host` defaults
 * to the page's own; `bearer` adds Authorization; `json` is sent as application/json.
 */
function request(port, method, urlPath, { host, bearer, headers = {}, json, body } = {}) {
  const payload = json === undefined ? body : JSON.stringify(json);
  const all = { Host: host || `127.0.0.1:${port}`, ...headers };
  if (bearer) all.Authorization = `Bearer ${bearer}`;
  if (json !== undefined && !all['Content-Type']) all['Content-Type'] = 'application/json';
  if (payload !== undefined) all['Content-Length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: all }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json: parsed });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A server that records every request and answers `status` with `body` (a hostile target). */
async function startRecorder(status = 401, body = '') {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

module.exports = { startPage, request, startRecorder, startEmulator };
