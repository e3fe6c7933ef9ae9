// Compiled with `tsc --noEmit` by types.test.js: the user sign-in declarations accept real
// usage and reject wrong usage (the @ts-expect-error lines).
import {
  AccountStore,
  AuthorizationCodeClient,
  SignIn,
  UserGrant,
  type CloudClient,
  type ErrorCode,
  type StoredGrant,
} from 'jtl-connect'

export async function signIn(store: AccountStore, accountId: string, back: string): Promise<string> {
  const auth: AuthorizationCodeClient = await store.authorizationCodeClient(accountId, {
    redirectUri: 'http://127.0.0.1:3000/callback',
    scopes: ['items.read'],
  })
  const pending: SignIn = auth.start()
  const saved: string = pending.serialize().expose()
  const grant: UserGrant = await auth.finishRedirect(SignIn.deserialize(saved), back)
  const stored: StoredGrant = await store.saveGrant(accountId, grant)
  const expires: Date = stored.accessExpiresAt
  const client: CloudClient = await store.userClient(accountId, grant.userId, grant.tenantId)
  const all: StoredGrant[] = await store.grants(accountId)
  await store.deleteGrant(accountId, all[0].userId)
  const fresh: UserGrant = await auth.refresh(grant)
  const direct = new AuthorizationCodeClient({ clientId: 'id', redirectUri: 'http://127.0.0.1:1/cb', signInTimeout: 60 })
  const code: ErrorCode = 'sign_in_required'
  // @ts-expect-error: the state and code are strings
  await auth.finish(pending, 1, 2)
  // @ts-expect-error: redirectUri is required
  await store.authorizationCodeClient(accountId, {})
  return `${expires.toISOString()} ${client.tenantId} ${fresh.userId} ${direct.clientId} ${code}`
}
