// Option objects of jtl-connect. Their names, types, defaults and checks are the core's
// (`optionSchemas()` lists them): unknown names throw `JtlError` `invalid_input` with a
// "did you mean"; durations are seconds (fractions allowed).

import type { Endpoints, RequestOptions } from '../binding'

/** Timeouts, retries and `User-Agent` of a client's calls; each left out keeps the default. */
export interface HttpOptions {
  /** Time allowed for one attempt (connect, send, read the answer), in seconds (default 30). */
  timeout?: number
  /** Time allowed for a call including every retry and wait, in seconds (default 90). */
  deadline?: number
  /** Retries after the first attempt (default 3; 0 disables retrying). */
  maxRetries?: number
  /** The longest `Retry-After` waited for, in seconds (default 30); longer ends in `rate_limited`. */
  maxRetryAfter?: number
  /** Your product token (`my-app/1.0`), sent in front of jtl-connect's in `User-Agent`. */
  userAgent?: string
}

/** What `new CloudClient({...})` takes. */
export interface CloudClientOptions {
  /** The app's client id. */
  clientId?: string
  /** The app's client secret (kept in native memory, wiped when the client is collected). */
  clientSecret?: string
  /** The tenant for `X-Tenant-ID`; without it, use `forTenant(id)`. */
  tenantId?: string
  /** Which JTL: an `Endpoints`, or `"production"`, `"beta"`, `"dev"`, `"qa"`, `"sandbox"` or an emulator URL. */
  endpoints?: Endpoints | string
  /** `Accept-Language` for every request (JTL answers in German otherwise). */
  acceptLanguage?: string
  /** `postgresql://user@host/db`: share access tokens with every process using that database. */
  tokenCache?: string
  /** Timeouts and retries. */
  http?: HttpOptions
}

/** What `new WawiClient({...})` takes. */
export interface WawiClientOptions {
  /** The Wawi API base, e.g. `http://192.168.0.5:5883/api/eazybusiness`. */
  baseUrl: string
  /** The API key from the app registration. */
  apiKey: string
  /** `x-appid` (required by JTL on every data call), e.g. `MyApp/1.0.0`. */
  appId?: string
  /** `x-appversion` (required), e.g. `1.0.0`. */
  appVersion?: string
  /** `api-version` (default `1.0`). */
  apiVersion?: string
  /** `X-RunAs`: act as this Wawi user. */
  runAs?: string
  /** Timeouts and retries. */
  http?: HttpOptions
}

/** What `new ScxClient({...})` takes. */
export interface ScxClientOptions {
  /** The seller's SCX refresh token (kept in native memory). */
  refreshToken?: string
  /** Which SCX: an `Endpoints` (`Endpoints.sandbox()`), or a name or an emulator URL. */
  endpoints?: Endpoints | string
  /** `Accept-Language` (SCX answers in German otherwise). */
  acceptLanguage?: string
  /** `postgresql://user@host/db`: share access tokens with every process using that database. */
  tokenCache?: string
  /** Timeouts and retries. */
  http?: HttpOptions
}

/** How a verifier checks tokens and caches JTL's keys; each left out keeps the default. */
export interface VerifierOptions {
  /** Signature algorithms accepted (default `["EdDSA"]`); RSA ones need an `audience`. */
  algorithms?: string | string[]
  /** The expected `iss` (default `"https://api.jtl-cloud.com"`); a present `iss` must be this one. */
  issuer?: string
  /** `false` skips the issuer check (default true). */
  verifyIssuer?: boolean
  /** Refuse tokens without `iss` (`missing_claim`; default false). */
  requireIssuer?: boolean
  /** Refuse tokens that live longer than this many seconds (`lifetime_too_long`). */
  maxLifetime?: number
  /** `aud` must contain one of these (required for RSA algorithms). */
  audience?: string | string[]
  /** Tolerated clock difference for `exp`, `nbf` and `iat`, in seconds (default 60). */
  leeway?: number
  /** Another JWKS URL than the client's endpoints'. */
  jwksUrl?: string
  /** How long fetched keys are used before asking again, in seconds (default 600). */
  jwksTtl?: number
  /** At most one JWKS fetch per this many seconds for unknown `kid`s (default 30). */
  unknownKidCooldown?: number
  /** How long the previous keys are still used while the JWKS endpoint fails, in seconds (default 3600). */
  maxStale?: number
  /** Tokens longer than this are refused before decoding (default 16384). */
  maxTokenBytes?: number
  /** A token without `kid` is tried against at most this many keys (default 4). */
  maxKeysTried?: number
  /** Claims that must be present (default `["tenantId", "userId"]`). */
  requiredClaims?: string[]
  /** Size of the cache of verified tokens (default 1024; 0 turns it off). */
  verifiedCacheSize?: number
}

/** How `appTokenVerifier(appId, options)` checks JTL app tokens. */
export interface AppTokenVerifierOptions {
  /** The issuer; default the endpoints' (`https://id.jtl-cloud.com`). Keys from `{issuer}/oauth/v2/keys`. */
  issuer?: string
  /** Tolerated clock difference, in seconds (default 60). */
  leeway?: number
  /** Refuse tokens that live longer than this many seconds. */
  maxLifetime?: number
  /** How long fetched keys are used, in seconds (default 600). */
  jwksTtl?: number
  /** At most one key fetch per this many seconds for unknown `kid`s (default 30). */
  unknownKidCooldown?: number
  /** How long the previous keys are still used while the key endpoint fails, in seconds (default 3600). */
  maxStale?: number
  /** Tokens longer than this are refused before decoding (default 16384). */
  maxTokenBytes?: number
  /** Size of the cache of verified tokens (default 1024; 0 turns it off). */
  verifiedCacheSize?: number
}

/**
 * `client.request({ method, path, ...options })`: the call and its options in one object
 * (core's `request` options plus the method, default `GET`, and the path).
 */
export interface RequestCall extends RequestOptions {
  method?: string
  path: string
}
