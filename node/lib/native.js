'use strict'

/**
 * Loads the native addon through the loader napi-rs generates (binding.js). The addon comes
 * in one npm package per platform (`jtl-connect-linux-x64-gnu`, ...), an optionalDependency
 * of `jtl-connect` that npm installs only where os, cpu and libc match. When none loads, the
 * error says which package was looked for and how to get it; the loader's own errors (one
 * per candidate) stay in `error.cause`.
 */
const { version, napi } = require('../package.json')
const { suffixOf, hostSuffix } = require('./platforms.js')

function load() {
  try {
    return require('../binding.js')
  } catch (cause) {
    const suffix = hostSuffix()
    const wanted = `jtl-connect-${suffix}`
    const supported = (napi?.targets || []).map(suffixOf)
    const how = supported.includes(suffix)
      ? `It is an optionalDependency of jtl-connect, installed by npm only where os, cpu and libc match. ` +
        `Install it next to jtl-connect: \`npm install ${wanted}@${version}\` ` +
        `(from a \`make dist\` build: \`npm install ./dist/npm/${wanted}-${version}.tgz\`); ` +
        `with --omit=optional or --no-optional npm leaves it out. In a checkout of the repository, ` +
        `\`npm run build\` in node/ builds the addon instead (needs Rust).`
      : `jtl-connect has no prebuilt addon for ${suffix} (prebuilt: ${supported.join(', ')}). ` +
        `Build it from a checkout of the repository: \`npm run build:release\` in node/ (needs Rust).`
    const error = new Error(
      `jtl-connect: no native addon loaded for ${suffix} (Node ${process.version}): looked for the package ${wanted}@${version}. ${how} ` +
        `What each candidate answered is in error.cause.`,
    )
    error.code = 'ERR_JTL_CONNECT_NATIVE_ADDON'
    // The generated loader's own message blames an npm bug; keep only what it found.
    error.cause = /^Cannot find native binding/.test(cause?.message) && cause.cause ? cause.cause : cause
    throw error
  }
}

module.exports = load()
