// Compiled with `tsc --noEmit` by types.test.js: the declarations must accept real usage
// and reject wrong usage (the @ts-expect-error lines).
import {
  CloudClient,
  Endpoints,
  JtlError,
  ScxClient,
  WawiClient,
  decodeUnverified,
  jtlSession,
  registerWawiApp,
  startEmulator,
  type ErrorCode,
  type Page,
  type SessionClaims,
} from 'jtl-connect'

async function main(): Promise<void> {
  const emulator = await startEmulator({ settings: { latencyMs: 0, wawiAutoApproveMs: 10 } })
  const client = new CloudClient({
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    tenantId: emulator.tenantId,
    endpoints: Endpoints.emulator(emulator.url),
    http: { timeout: 5, maxRetries: 1 },
  })
  const other: CloudClient = client.forTenant(emulator.secondTenantId)
  const token = await other.accessToken()
  const expires: Date = token.expiresAt
  const value: string = token.expose()
  const info: unknown = (await client.get('info')).json()
  const status: number = (await client.request({ method: 'POST', path: 'items', json: { sKU: 'x' } })).status
  await client.request('GET', 'items', { params: { pageSize: 10, tag: ['a', 'b'] } })
  await client.post('items', { sKU: 'a' }, { idempotent: true, headers: { 'Idempotency-Key': 'k' } })
  for await (const item of client.paginate('items', { pageSize: 50 })) {
    console.log(item.id)
  }
  for await (const page of client.paginate('items').pages()) {
    const p: Page = page
    console.log(p.items.length, p.nextPage)
  }
  const verifier = client.sessionVerifier({ leeway: 30, verifyIssuer: false, audience: ['a'] })
  const claims: SessionClaims = await verifier.verify(emulator.mintSessionToken({ tenantSlug: 's' }).token)
  const tenant: string = claims.tenantId
  const when: Date = claims.expiresAt
  const header: Record<string, any> = decodeUnverified(value).header
  try {
    await client.get('nope')
  } catch (err) {
    if (err instanceof JtlError) {
      const code: ErrorCode = err.code
      const retry: number | undefined = err.retryAfter
      console.log(code, retry, err.status, err.reason, err.validationErrors)
    }
  }
  const middleware = jtlSession(verifier)
  await middleware({ headers: { authorization: 'Bearer x' } }, { statusCode: 0, setHeader() {}, end() {} }, () => {})
  const registration = await registerWawiApp(emulator.wawiBase, { appId: 'a', displayName: 'A', version: '1' }, { tenantId: emulator.tenantId, path: 'v2', signal: new AbortController().signal })
  const wawi = new WawiClient({ baseUrl: emulator.wawiBase, apiKey: registration.apiKey.expose(), appId: 'a', appVersion: '1' })
  await wawi.get('v1/items')
  const scx = new ScxClient({ refreshToken: emulator.scxRefreshToken, endpoints: emulator.url })
  for (const event of await scx.events()) console.log(event.type, event.id)
  await scx.acknowledge(['1'])
  const processed = await scx.processEvents(async (event) => { console.log(event.type) })
  console.log(processed.acknowledged.length, processed.failed.map((f) => f.id))
  const seller = new ScxClient({ refreshToken: emulator.scxSellerRefreshToken, endpoints: emulator.url })
  const link = await seller.sellerSignUp('MYCHANNEL', 'Wawi/1.11.0.3')
  console.log(link.signUpUrl, link.expiresAt.getTime())
  emulator.injectFault({ service: 'api', kind: 'status', status: 503, count: 2, retryAfter: '1' })
  const tokens: number = emulator.stats().token
  await emulator.stop()
  console.log(expires, info, status, tenant, when, header, tokens)

  // @ts-expect-error clientId must be a string
  new CloudClient({ clientId: 7, clientSecret: 's' })
  // @ts-expect-error no such method
  client.fetch('items')
  // @ts-expect-error a fault needs a service
  emulator.injectFault({ kind: 'drop' })
  // @ts-expect-error verify takes the token string
  await verifier.verify({ token: 'x' })
}

void main
