#!/usr/bin/env node
'use strict'

/**
 * Packs jtl-connect in napi-rs's layout: the main package `jtl-connect` (JavaScript, types
 * and the loader, no binary; `optionalDependencies` on one package per platform of
 * package.json's napi.targets) and the platform package of one built addon
 * (`jtl-connect-linux-x64-gnu`, made by `napi create-npm-dirs`). `make dist` packs the
 * release addon with it, test/pack.test.js the debug one.
 *
 *     node scripts/pack.js --addon PATH --out DIR [--platform linux-x64-gnu]
 *
 * Prints {"main": "DIR/jtl-connect-V.tgz", "platform": "DIR/jtl-connect-linux-x64-gnu-V.tgz"}.
 */
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { suffixOf } = require('../lib/platforms.js')

const here = path.join(__dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }

function args() {
  const out = { platform: 'linux-x64-gnu' }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '')
    if (!['addon', 'out', 'platform'].includes(key) || argv[i + 1] === undefined) {
      throw new Error(`pack.js: expected --addon PATH --out DIR [--platform NAME], found ${argv.slice(i).join(' ')}`)
    }
    out[key] = argv[i + 1]
  }
  if (!out.addon || !out.out) throw new Error('pack.js: --addon PATH and --out DIR are required')
  if (!fs.existsSync(out.addon)) throw new Error(`pack.js: no addon at ${out.addon}`)
  return out
}

/** `npm pack` in `dir` into `out`; the tarball's path. */
function pack(dir, out) {
  const [result] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', out], { ...quiet, cwd: dir }))
  return path.join(out, result.filename)
}

function main() {
  const { addon, out, platform } = args()
  fs.mkdirSync(out, { recursive: true })
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'jtl-connect-pack-'))
  try {
    // The main package: what `npm pack` takes from node/ (package.json's "files"), less any
    // addon a local build left there.
    const [listed] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json'], { ...quiet, cwd: here }))
    for (const { path: file } of listed.files) {
      if (file.endsWith('.node')) continue
      fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true })
      fs.copyFileSync(path.join(here, file), path.join(stage, file))
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'))
    manifest.optionalDependencies = Object.fromEntries(
      manifest.napi.targets.map((triple) => [`${manifest.name}-${suffixOf(triple)}`, manifest.version]),
    )
    fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)

    // The platform package: napi's own package.json for it (os, cpu, libc), plus the addon.
    const napiCli = path.join(here, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
    execFileSync(process.execPath, [napiCli, 'create-npm-dirs', '--cwd', stage, '--npm-dir', 'npm'], { ...quiet, stdio: 'pipe' })
    const platformDir = path.join(stage, 'npm', platform)
    const platformManifest = JSON.parse(fs.readFileSync(path.join(platformDir, 'package.json'), 'utf8'))
    fs.copyFileSync(addon, path.join(platformDir, platformManifest.main))

    const result = { main: pack(stage, out), platform: pack(platformDir, out) }
    fs.rmSync(path.join(stage, 'npm'), { recursive: true, force: true })
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    fs.rmSync(stage, { recursive: true, force: true })
  }
}

main()
