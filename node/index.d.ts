// Types of `jtl-connect`: the native classes and functions (declared in `binding.d.ts`, which
// napi-rs generates from the Rust doc comments) plus the JavaScript layer (`lib/`).

import type {
  CloudClient,
  Page,
  SessionClaims,
  SessionVerifier,
} from './binding'
import type { VerifierOptions } from './lib/options'

export {
  AccessToken,
  AccountStore,
  AuthorizationCodeClient,
  Cancellation,
  CloudClient,
  Emulator,
  Endpoints,
  Paginator,
  Response,
  ScxClient,
  Secret,
  SessionVerifier,
  SignIn,
  UserGrant,
  WawiClient,
  WawiPendingRegistration,
  WawiRegistration,
  accountSystems,
  optionSchemas,
  decodeUnverified,
  registerWawiApp,
  startEmulator,
  startWawiRegistration,
} from './binding'

export type {
  ProcessedEvents,
  AccessTokenInfo,
  Account,
  AccountStoreOptions,
  AccountSystem,
  AuthorizationCodeClientInfo,
  AuthorizationCodeClientOptions,
  CloudClientInfo,
  ConnectionTest,
  EndpointsInfo,
  EndpointsOptions,
  GraphqlOptions,
  GraphqlPageOptions,
  KeyRotation,
  Page,
  PageOptions,
  RateLimit,
  RegistrationSettings,
  RequestOptions,
  ScxEvent,
  SellerSignUp,
  SessionClaims,
  SignInInfo,
  StoreSignInOptions,
  StoredGrant,
  UnverifiedToken,
  UserGrantInfo,
  VerifierStats,
  WawiAppOptions,
} from './binding'

export type {
  AppTokenOptions,
  EmulatorClientOptions,
  EmulatorOptions,
  EmulatorSettings,
  EmulatorStats,
  FaultOptions,
  MintedAppToken,
  MintedSessionToken,
  SessionTokenOptions,
} from './lib/testing'

export type {
  AppTokenVerifierOptions,
  CloudClientOptions,
  HttpOptions,
  RequestCall,
  ScxClientOptions,
  VerifierOptions,
  WawiClientOptions,
} from './lib/options'

/** The stable codes of `JtlError.code`, the same in every language of jtl-connect. */
export type ErrorCode =
  | 'invalid_input'
  | 'config'
  | 'invalid_credentials'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'api'
  | 'network'
  | 'timeout'
  | 'token_invalid'
  | 'store'
  | 'registration_rejected'
  | 'graphql'
  | 'sign_in_required'
  | 'state_mismatch'

/** Why a session token was refused (`JtlError.reason` of `token_invalid`). */
export type TokenInvalidReason =
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'unknown_key'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'too_large'
  | 'missing_claim'
  | 'lifetime_too_long'

/** One entry of a GraphQL answer's `errors` (`JtlError.errors` of `graphql`). */
export interface GraphqlErrorEntry {
  /** What went wrong, as the server said it. */
  message: string
  /** Where in the query document (1-based). */
  locations: Array<{ line: number; column: number }>
  /** Where in the answer: field names and list indexes, e.g. `["QueryItems", "nodes", 0]`. */
  path: Array<string | number>
  /** What else the server added, e.g. `{ code: "NOT_FOUND" }`, or `null`. */
  extensions: Record<string, any> | null
}

/** The fields a `JtlError` carries besides its message. */
export interface JtlErrorFields {
  /** One of the stable codes. */
  code?: ErrorCode
  /** HTTP status of an error answer from JTL. */
  status?: number
  /** JTL's own error code (ERP `errorCode`, SCX `errorList[0].code`, OAuth `error`). */
  errorCode?: string
  /** Field-level problems of a 422 answer: field → message. */
  validationErrors?: Record<string, string>
  /** For `rate_limited`: seconds JTL asked to wait, if it said. */
  retryAfter?: number
  /** For `token_invalid`: why the token was refused. */
  reason?: TokenInvalidReason
  /** For `graphql`: every entry of the answer's `errors`. */
  errors?: GraphqlErrorEntry[]
  /** For `graphql`: the partial `data` that came with the errors, or `null`. */
  data?: any
}

/**
 * The error of every jtl-connect call (thrown, or the rejection of a Promise). `code` is
 * stable; the other fields are set where they apply. Messages never contain a secret.
 */
export declare class JtlError extends Error {
  constructor(message: string, fields?: JtlErrorFields)
  readonly name: 'JtlError'
  /** One of the stable codes. */
  code: ErrorCode
  /** HTTP status of an error answer from JTL (`invalid_credentials` ... `api`). */
  status?: number
  /** JTL's own error code, if it sent one. */
  errorCode?: string
  /** Field-level problems (`validationErrors`), when JTL answered with an error body. */
  validationErrors?: Record<string, string>
  /** For `rate_limited`: seconds JTL asked to wait, if it said. */
  retryAfter?: number
  /** For `token_invalid`: why the token was refused. */
  reason?: TokenInvalidReason
  /** For `graphql`: every entry of the answer's `errors`. */
  errors?: GraphqlErrorEntry[]
  /** For `graphql`: the partial `data` that came with the errors, or `null`. */
  data?: any
  /** `{ name, code, message, ...fields }`. */
  toJSON(): { name: 'JtlError'; code: ErrorCode; message: string } & JtlErrorFields
}

/** Every error code: `[meaning, fields it may carry]`. */
export declare const ERROR_CODES: Readonly<Record<ErrorCode, readonly [string, readonly (keyof JtlErrorFields)[]]>>

/** Every reason of `token_invalid`. */
export declare const TOKEN_INVALID_REASONS: readonly TokenInvalidReason[]

/** The parts of an incoming request the middleware reads (Node's `IncomingMessage` fits). */
export interface SessionRequest {
  headers: { authorization?: string | string[] | undefined }
  /** The verified claims, after the middleware let the request through. */
  jtlSession?: SessionClaims
}

/** The parts of a response the middleware uses (Node's `ServerResponse` fits). */
export interface SessionResponse {
  statusCode: number
  readonly headersSent?: boolean
  setHeader(name: string, value: string): unknown
  end(body?: string): unknown
}

/** Options of `jtlSession`. */
export interface JtlSessionOptions {
  /** Where the claims go on the request (default `"jtlSession"`). */
  property?: string
  /** When a `CloudClient` is given: the options of its `sessionVerifier()`. */
  verifierOptions?: VerifierOptions
}

/**
 * Express/Connect-style middleware, also usable from plain `node:http`. Resolves `true` when
 * the request was let through (`req.jtlSession` set, `next()` called), `false` when it was
 * answered (401 JSON) or handed to `next(err)`.
 */
export type JtlSessionMiddleware = (
  req: SessionRequest,
  res: SessionResponse,
  next?: (err?: unknown) => void,
) => Promise<boolean>

/**
 * Middleware that verifies the App Shell session token of `Authorization: Bearer <token>`
 * and puts its claims on `req.jtlSession`. A missing or invalid token is answered with
 * `401` and a JSON body (`{ error, reason, message }`); a failure to get JTL's keys goes to
 * `next(err)`, or without `next` is answered with `503`.
 *
 * @param verifier a `SessionVerifier`, or a `CloudClient` (its `sessionVerifier()` is used)
 */
export declare function jtlSession(
  verifier: SessionVerifier | CloudClient,
  options?: JtlSessionOptions,
): JtlSessionMiddleware

/** The token of an `Authorization: Bearer <token>` header value, or `null`. */
export declare function bearerToken(header: string | string[] | null | undefined): string | null
