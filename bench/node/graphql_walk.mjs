// GraphQL row of the Node benchmark: walking every item of the emulator's QueryItems
// connection (cursor pagination, facts §1.3) with
//
//   - jtl-connect: `CloudClient.paginateGraphql` (token cache, retries, typed errors),
//   - a hand-written fetch loop (token request once, then POST /erp/v2/graphql page by page),
//   - graphql-request (the common Node GraphQL client) over fetch, the same loop.
//
// Each case walks all items `--walks` times against one in-process emulator; the median of
// `--reps` interleaved runs is reported as walks/s, and the ratio is jtl-connect's divided by
// the peer's (> 1: jtl-connect faster). run.sh builds the addon in release and runs this too;
// alone: `node graphql_walk.mjs` after run.sh has built it.
import { writeFileSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import os from 'node:os'

import { GraphQLClient, gql } from 'graphql-request'
import { CloudClient, startEmulator } from 'jtl-connect'

const HERE = dirname(fileURLToPath(import.meta.url))
const QUERY = `query($first: Int, $after: String) {
  QueryItems(first: $first, after: $after) {
    nodes { id sku name }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`

const { values: args } = parseArgs({
  options: {
    walks: { type: 'string', default: '20' },
    reps: { type: 'string', default: '5' },
    'page-size': { type: 'string', default: '25' },
  },
})
const walks = Number(args.walks)
const reps = Number(args.reps)
const pageSize = Number(args['page-size'])

async function token(endpoints, id, secret) {
  const answer = await fetch(endpoints.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  if (!answer.ok) throw new Error(`token endpoint answered ${answer.status}`)
  return (await answer.json()).access_token
}

const emulator = await startEmulator({ settings: { latencyMs: 0, rateLimit: 4_000_000_000 } })
const endpoints = emulator.endpoints()
const url = endpoints.graphqlUrl
const client = new CloudClient({
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
  tenantId: emulator.tenantId,
  endpoints,
})
const headers = {
  authorization: `Bearer ${await token(endpoints, emulator.clientId, emulator.clientSecret)}`,
  'x-tenant-id': emulator.tenantId,
}
const peer = new GraphQLClient(url, { headers })
const document = gql`${QUERY}`

const cases = {
  'jtl-connect paginateGraphql': async () => {
    let count = 0
    for await (const _ of client.paginateGraphql(QUERY, { connection: 'QueryItems', pageSize })) count += 1
    return count
  },
  'fetch loop': async () => {
    let count = 0
    let after = null
    for (;;) {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY, variables: { first: pageSize, after } }),
      })
      if (!answer.ok) throw new Error(`GraphQL answered ${answer.status}`)
      const page = await answer.json()
      if (page.errors) throw new Error(JSON.stringify(page.errors))
      const connection = page.data.QueryItems
      count += connection.nodes.length
      if (!connection.pageInfo.hasNextPage) return count
      after = connection.pageInfo.endCursor
    }
  },
  'graphql-request': async () => {
    let count = 0
    let after = null
    for (;;) {
      const data = await peer.request(document, { first: pageSize, after })
      const connection = data.QueryItems
      count += connection.nodes.length
      if (!connection.pageInfo.hasNextPage) return count
      after = connection.pageInfo.endCursor
    }
  },
}

// Warm-up, and a check that every case sees every item.
const counts = {}
for (const [name, walk] of Object.entries(cases)) counts[name] = await walk()
if (new Set(Object.values(counts)).size !== 1) throw new Error(`counts differ: ${JSON.stringify(counts)}`)

const samples = Object.fromEntries(Object.keys(cases).map((n) => [n, []]))
for (let r = 0; r < reps; r++) {
  for (const [name, walk] of Object.entries(cases)) {
    const started = process.hrtime.bigint()
    for (let w = 0; w < walks; w++) await walk()
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    samples[name].push(walks / seconds)
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ours = median(samples['jtl-connect paginateGraphql'])
const rows = Object.entries(samples).map(([name, xs]) => {
  const rate = median(xs)
  return `| ${name} | ${rate.toFixed(1)} | ${(ours / rate).toFixed(2)} |`
})
const items = Object.values(counts)[0]
const section = [
  '## GraphQL: walking every item (graphql_walk.mjs)',
  '',
  `${new Date().toISOString()}, load ${os.loadavg()[0].toFixed(2)}; ${items} items in pages of ${pageSize}, ` +
    `median of ${reps} runs of ${walks} walks; ratio = jtl-connect's walks/s over the peer's (> 1: faster).`,
  '',
  '| case | walks/s | jtl-connect ratio |',
  '|---|---|---|',
  ...rows,
  '',
].join('\n')
console.log(section)
const results = join(HERE, 'RESULTS.md')
const previous = readFileSync(results, 'utf8').split('\n## GraphQL: walking every item')[0].trimEnd()
writeFileSync(results, `${previous}\n\n${section}`)
await emulator.close?.()
process.exit(0)
