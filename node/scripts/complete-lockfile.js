#!/usr/bin/env node
'use strict'

/**
 * Adds the lockfile entries npm leaves out when the registry it uses serves only this
 * platform's builds of platform-specific optional packages (the native parts of
 * @napi-rs/cli's own dependencies): without them, `npm ci` refuses the lockfile as "out of
 * sync". Each entry names version, os, cpu (and libc), so npm skips it on other platforms
 * without fetching it. Run after `npm install` changed package-lock.json:
 *
 *     node scripts/complete-lockfile.js
 */
const fs = require('node:fs')
const path = require('node:path')

const file = path.join(__dirname, '..', 'package-lock.json')
const lock = JSON.parse(fs.readFileSync(file, 'utf8'))
const packages = lock.packages

/** `linux-x64-gnu` → { os: ['linux'], cpu: ['x64'], libc: ['glibc'] } */
function platformOf(suffix) {
  const [os, cpu, abi] = suffix.split('-')
  if (os.startsWith('wasm32')) return { cpu: ['wasm32'] }
  const entry = { os: [os] }
  if (cpu) entry.cpu = [cpu]
  if (abi === 'gnu') entry.libc = ['glibc']
  if (abi === 'musl') entry.libc = ['musl']
  return entry
}

let added = 0
for (const [key, pkg] of Object.entries(packages)) {
  const name = key.split('node_modules/').pop()
  for (const [dep, version] of Object.entries(pkg.optionalDependencies || {})) {
    const depKey = `node_modules/${dep}`
    if (packages[depKey] || !dep.startsWith(`${name}-`)) continue
    packages[depKey] = { version, dev: pkg.dev || undefined, optional: true, ...platformOf(dep.slice(name.length + 1)) }
    added += 1
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)))
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: ${added} platform entries added`)
