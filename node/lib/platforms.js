'use strict'

/**
 * napi-rs's platform names, shared by the addon loader (lib/native.js) and the packer
 * (scripts/pack.js): each platform package is `jtl-connect-<suffix>`.
 */

/** The suffix of a Rust target triple: `x86_64-unknown-linux-gnu` → `linux-x64-gnu`. */
function suffixOf(triple) {
  const parts = triple.split('-')
  const cpu = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }[parts[0]] || parts[0]
  if (triple.includes('-apple-darwin')) return `darwin-${cpu}`
  if (triple.includes('-pc-windows-')) return `win32-${cpu}-${parts[3]}`
  if (triple.includes('-linux-android')) return `android-${cpu}`
  return `linux-${cpu}-${parts[3]}`
}

function isMusl() {
  if (!process.report || typeof process.report.getReport !== 'function') return false
  process.report.excludeNetwork = true // no reverse DNS lookups for a report only read here
  const report = process.report.getReport()
  return !(report && report.header && report.header.glibcVersionRuntime)
}

/** This process's suffix, e.g. `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`. */
function hostSuffix() {
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

module.exports = { suffixOf, hostSuffix }
