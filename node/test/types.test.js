'use strict'

// index.d.ts (with binding.d.ts) type-checks real usage and rejects wrong usage.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

for (const [name, config] of [
  ['without @types/node', 'tsconfig.json'],
  ['with Node\'s http types (middleware)', 'tsconfig.node.json'],
]) {
  test(`TypeScript declarations compile against usage, ${name}`, () => {
    const tsc = require.resolve('typescript/bin/tsc')
    const project = path.join(__dirname, 'types', config)
    let output = ''
    try {
      execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
    } catch (err) {
      output = `${err.stdout}${err.stderr}`
    }
    assert.equal(output, '', output)
  })
}

test('every export of the package is declared', () => {
  const ts = require('typescript')
  const jtl = require('..')
  const program = ts.createProgram([path.join(__dirname, '..', 'index.d.ts')], { types: [] })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(path.join(__dirname, '..', 'index.d.ts'))
  const declared = checker
    .getExportsOfModule(checker.getSymbolAtLocation(source))
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
      return target.flags & ts.SymbolFlags.Value
    })
    .map((symbol) => symbol.name)
    .sort()
  assert.deepEqual(declared, Object.keys(jtl).sort())
})
