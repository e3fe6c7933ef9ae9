// ES module entry: the same objects as the CommonJS entry (one native addon either way).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const jtl = require('./index.js')

export const {
  CloudClient,
  WawiClient,
  ScxClient,
  Endpoints,
  Response,
  AccessToken,
  Secret,
  Paginator,
  SessionVerifier,
  decodeUnverified,
  jtlSession,
  bearerToken,
  registerWawiApp,
  startWawiRegistration,
  WawiRegistration,
  WawiPendingRegistration,
  Cancellation,
  AccountStore,
  accountSystems,
  optionSchemas,
  JtlError,
  ERROR_CODES,
  TOKEN_INVALID_REASONS,
  startEmulator,
  Emulator,
} = jtl

export default jtl
