// Types of the emulator's admin objects (`startEmulator()`); the native methods
// hand them to the emulator crate, which parses them (camelCase or snake_case keys).

/** How to start an emulator. */
export interface EmulatorOptions {
  /** Port to listen on (default 0: a free one). */
  port?: number
  /** Loopback address to listen on (default `127.0.0.1`). */
  host?: string
  /** Initial settings, as `updateSettings` takes them. */
  settings?: EmulatorSettings
}

/** Settings of a running emulator (each one optional in `updateSettings`). */
export interface EmulatorSettings {
  /** Lifetime of Cloud access tokens, in seconds (default 3600). */
  tokenLifetimeSecs?: number
  /** Lifetime of SCX auth tokens, in seconds (default 3600). */
  scxTokenLifetimeSecs?: number
  /** Latency added to every non-admin response, in milliseconds (default 0). */
  latencyMs?: number
  /** ERP requests per client and tenant in one window (default 10000). */
  rateLimit?: number
  /** Length of the rate-limit window, in seconds (default 60). */
  rateLimitIntervalSecs?: number
  /** How long a rotated-out session key stays in the JWKS, in seconds (default 600). */
  keyGraceSecs?: number
  /** Approve Wawi registrations this many milliseconds after they were requested; `null` (default) waits for `approveWawiRegistration`. */
  wawiAutoApproveMs?: number | null
  /** `iss` of minted session tokens (default `null`: none, as JTL documents them). */
  sessionIssuer?: string | null
  /** Whether the Wawi installation has an app licence (default true; false: 402). */
  wawiLicensed?: boolean
  /** Wawi paging: `null` at the ends (the docs) instead of the OAS numbers (default false). */
  wawiPagingNullEnds?: boolean
  /** Milliseconds before an unacknowledged SCX event is delivered again (default 60000). */
  scxRedeliveryTimeoutMs?: number
  /** `scope` of a channel's SCX token: `CHANNEL` (default) or `CHAN`. */
  scxChannelScope?: string
  /** Whether SCX per-route rate limits are enforced (default true). */
  scxRateLimits?: boolean
  /** Put the key id in session-token headers (default false: JTL's documented header has no `kid`). */
  sessionKidInHeader?: boolean
  /** Publish the session keys without `kid` (default false). */
  jwksWithoutKid?: boolean
}

/** What `mintSessionToken` takes; every field is optional. */
export interface SessionTokenOptions {
  /** `tenantId` claim (default: the demo tenant). */
  tenantId?: string
  /** `userId` claim (default: a fresh UUID). */
  userId?: string
  /** `tenantSlug` claim (default: none). */
  tenantSlug?: string
  /** Lifetime in seconds from now; negative for an already expired token (default 3600). */
  ttlSeconds?: number
  /** `iss`: left out = the configured issuer, `null` = no `iss` claim. */
  iss?: string | null
  /** The payload `kid`: the customer id (default the emulator's `customerId`; `null`: none). */
  customerId?: string | null
  /** Where the key id goes; default per the `sessionKidInHeader` setting (`none`). */
  kid?: 'header' | 'payload' | 'both' | 'none'
  /** Which key signs: `current` (default), `previous` or `unpublished`. */
  key?: 'current' | 'previous' | 'unpublished'
  /** Extra claims, set last (they can override `exp`, `nbf`, `iat`, ...). */
  claims?: Record<string, any>
  /** Extra JOSE header fields, set last (e.g. another `alg`). */
  header?: Record<string, any>
}

/** A minted session token. */
export interface MintedSessionToken {
  /** The compact JWT. */
  token: string
  /** The `kid` of the signing key. */
  kid: string
  /** `exp` as Unix seconds. */
  expiresAt: number
  /** The `userId` claim. */
  userId: string
  /** The `tenantId` claim. */
  tenantId: string
  /** The customer id in the payload `kid`, if any. */
  customerId?: string | null
}

/** What `mintAppToken` takes; every field is optional. */
export interface AppTokenOptions {
  /** `urn:jtl:tenant_id` (default: the demo tenant). */
  tenantId?: string
  /** `sub` (default: a fresh UUID). */
  userId?: string
  /** `urn:jtl:app_id` (default: the emulator's `appId`; `null`: none). */
  appId?: string | null
  /** `aud` (default `[appId]`). */
  audience?: string[]
  /** Lifetime in seconds from now; negative for an already expired token (default 3600). */
  ttlSeconds?: number
  /** `iss`: left out = the emulator's issuer URL, `null` = no `iss`. */
  iss?: string | null
  /** Which key signs: `current` (default), `unpublished` (unknown kid) or `foreign`. */
  key?: 'current' | 'unpublished' | 'foreign'
  /** Extra claims, set last. */
  claims?: Record<string, any>
  /** Extra JOSE header fields, set last. */
  header?: Record<string, any>
}

/** A minted JTL app token (RS256). */
export interface MintedAppToken {
  /** The compact JWT. */
  token: string
  /** The `kid` in its header. */
  kid: string
  /** `exp` as Unix seconds. */
  expiresAt: number
  /** `sub`. */
  userId: string
  /** `urn:jtl:tenant_id`. */
  tenantId: string
  /** `urn:jtl:app_id`, if any. */
  appId?: string | null
  /** `aud`. */
  audience: string[]
  /** `iss`, if any. */
  issuer?: string | null
}

/** A fault to inject: the next `count` requests to `service` fail as `kind` says. */
export interface FaultOptions {
  service: 'token' | 'api' | 'jwks' | 'scx_auth' | 'scx' | 'wawi' | 'wawi_registration'
  /** `status` (default), `delay`, `malformed_json`, ... */
  kind?: 'status' | 'delay' | 'malformed_json' | 'truncated' | 'drop' | 'wrong_content_type' | 'expires_in' | 'echo'
  /** HTTP status, for `status` (required) and `wrong_content_type` (default 502). */
  status?: number
  /** How many requests (default 1; 0 = until cleared). */
  count?: number
  /** Delay before the fault (for `delay`: before the normal answer), in milliseconds. */
  delayMs?: number
  /** `Retry-After` to send with a `status` fault (seconds or an HTTP date). */
  retryAfter?: string
  /** A body instead of the service's error body, for `status`. */
  body?: any
  /** The lifetime the token answer claims, for `expires_in`. */
  expiresIn?: number
  /** The dialect of an `echo` fault's body (default: the service's own). */
  shape?: 'erp' | 'wawi' | 'oauth' | 'scx' | 'problem' | 'text' | 'cut'
}

/** An OAuth client to register. */
export interface EmulatorClientOptions {
  clientId: string
  clientSecret: string
  /** Tenants it may act for (default: the demo tenants). */
  tenants?: string[]
  /** Scopes, e.g. `["items.read"]` (left out: every scope). */
  scopes?: string[]
}

/** Request counters per service (and per route) since start or `reset()`. */
export interface EmulatorStats {
  token: number
  api: number
  jwks: number
  scxAuth: number
  scx: number
  wawi: number
  wawiRegistration: number
  /** Requests per route, e.g. `"GET /erp/v2/{resource}"`. */
  routes: Record<string, number>
  /** Injected faults served. */
  faultsServed: number
}
