// The middleware with Node's own request and response types (needs @types/node).
import * as http from 'node:http'
import { CloudClient, jtlSession, type SessionClaims } from 'jtl-connect'

declare module 'node:http' {
  interface IncomingMessage {
    jtlSession?: SessionClaims
  }
}

const client = CloudClient.fromEnv()
const auth = jtlSession(client.sessionVerifier())

http.createServer(async (req, res) => {
  if (!(await auth(req, res))) return
  const tenant: string | undefined = req.jtlSession?.tenantId
  res.end(tenant)
})

http.createServer((req, res) => {
  void auth(req, res, (err?: unknown) => {
    if (err) res.statusCode = 500
    res.end()
  })
})
