'use strict'

// GraphQL on the Cloud ERP API (facts §1) against the emulator's /erp/v2/graphql:
// graphql(), paginateGraphql(), JtlError `graphql` with partial data, mutations.
const test = require('node:test')
const assert = require('node:assert/strict')
const { jtl, setup, rejection, thrown } = require('./helpers.js')

const TOTAL = '{ QueryItems(first: 1) { totalCount } }'
const ALL_ITEMS = `query Items($first: Int, $after: String) {
  QueryItems(first: $first, after: $after) {
    nodes { id sku name }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`
const CREATE = `mutation($request: CreateItemCommandRequestInput!) {
  CreateItem(request: $request) { itemId }
}`
const GET = 'query($id: ID!) { GetItemById(id: $id) { id identifiers { sku } } }'
const PARTIAL = `{
  QueryItems(first: 2) { totalCount }
  missing: GetItemById(id: "00000000-0000-4000-8000-00000000dead") { id }
}`

test('GraphQL against the emulator', async (t) => {
  const { emulator, client } = await setup()
  t.after(() => emulator.stop())
  const total = async () => (await client.graphql(TOTAL)).QueryItems.totalCount

  await t.test('graphql resolves with data; many callers share one token', async () => {
    const data = await client.graphql(
      'query($n: Int) { QueryItems(first: $n) { nodes { id sku } totalCount } }',
      { n: 3 },
    )
    assert.equal(data.QueryItems.nodes.length, 3)
    assert.ok(data.QueryItems.nodes.every((node) => typeof node.sku === 'string' && node.sku))
    const all = await Promise.all(Array.from({ length: 100 }, () => client.graphql(TOTAL)))
    assert.equal(new Set(all.map((d) => d.QueryItems.totalCount)).size, 1)
    assert.equal(emulator.stats().token, 1)
    assert.match(client.endpoints.graphqlUrl, /\/erp\/v2\/graphql$/)
  })

  await t.test('paginateGraphql walks every item (count = totalCount)', async () => {
    const expected = await total()
    const ids = []
    const walk = client.paginateGraphql(ALL_ITEMS, { connection: 'QueryItems', pageSize: 7 })
    assert.ok(walk instanceof jtl.Paginator)
    for await (const item of walk) ids.push(item.id)
    assert.equal(ids.length, expected)
    assert.equal(new Set(ids).size, expected, 'no record twice')
    const pages = []
    for await (const page of client.paginateGraphql(ALL_ITEMS, { connection: 'QueryItems', pageSize: 25 }).pages()) {
      pages.push(page)
    }
    assert.equal(pages.length, Math.ceil(expected / 25))
    assert.equal(pages[0].totalItems, expected)
  })

  await t.test('errors reject with JtlError graphql, errors and partial data', async () => {
    const err = await rejection(client.graphql(PARTIAL))
    assert.ok(err instanceof jtl.JtlError)
    assert.equal(err.code, 'graphql')
    assert.ok(err.errors.length >= 1)
    assert.equal(typeof err.errors[0].message, 'string')
    assert.equal(err.errors[0].path[0], 'missing')
    assert.deepEqual(Object.keys(err.errors[0]).sort(), ['extensions', 'locations', 'message', 'path'])
    assert.ok(err.data.QueryItems.totalCount > 0)
    assert.equal(err.data.missing, null)
    assert.match(err.message, /partial data/)
    assert.equal(JSON.parse(JSON.stringify(err)).errors.length, err.errors.length)
    const invalid = await rejection(client.graphql('{ QueryItems { noSuchField } }'))
    assert.equal(invalid.code, 'graphql')
    assert.equal(invalid.data, null)
  })

  await t.test('a mutation, then GetItemById', async () => {
    const before = await total()
    const created = await client.graphql(CREATE, { request: { sku: 'NODE-GQL-1', name: 'Node GraphQL item' } }, {})
    const id = created.CreateItem.itemId
    const item = (await client.graphql(GET, { id })).GetItemById
    assert.equal(item.id, id)
    assert.equal(item.identifiers.sku, 'NODE-GQL-1')
    assert.equal(await total(), before + 1)
  })

  await t.test('a mutation with a broken answer is retried with its key and creates once', async () => {
    const before = await total()
    emulator.injectFault({ service: 'api', kind: 'truncated' })
    await client.graphql(CREATE, { request: { sku: 'NODE-GQL-2', name: 'retried' } })
    assert.equal(await total(), before + 1)
    emulator.injectFault({ service: 'api', kind: 'truncated' })
    const err = await rejection(
      client.graphql(CREATE, { request: { sku: 'NODE-GQL-3', name: 'once' } }, { idempotencyKey: false }),
    )
    assert.equal(err.code, 'network')
    assert.equal(await total(), before + 2, 'not retried without a key; it ran once')
  })

  await t.test('bad arguments are clear', async () => {
    const err = await rejection(client.graphql(CREATE, null, { idempotencyKey: 5 }))
    assert.equal(err.code, 'invalid_input')
    assert.match(err.message, /idempotencyKey/)
    const noVars = thrown(() => client.paginateGraphql('{ QueryItems { nodes { id } } }', { connection: 'QueryItems' }))
    assert.equal(noVars.code, 'invalid_input')
    assert.match(noVars.message, /\$first/)
  })
})
