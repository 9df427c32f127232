import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ClosedReason } from './syncStatus'
import { fetchAccessToken, TokenRefusedError } from './tokenClient'

/** A real HTTP server on loopback, answering the token route as `answer` says. */
async function webApp(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; fetch: typeof fetch }> {
  const server = createServer(answer)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // The page's fetch resolves '/api/…' against its own origin; Node's needs the origin said.
  const boundFetch = ((input: string, init?: RequestInit) => fetch(new URL(input, origin), init)) as typeof fetch
  return { server, fetch: boundFetch }
}

describe('fetchAccessToken', () => {
  let server: Server | null = null
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
    server = null
  })

  it('gives up on a request the web app never answers, as network trouble (so the editor can say offline)', async () => {
    const app = await webApp(() => {}) // holds every request open
    server = app.server
    const startedAt = Date.now()
    const outcome = await fetchAccessToken('doc-1', { fetch: app.fetch, timeoutMs: 300 }).catch((error: unknown) => error)
    expect(outcome).toBeInstanceOf(Error)
    expect(outcome).not.toBeInstanceOf(TokenRefusedError)
    expect((outcome as Error).name).toBe('TimeoutError')
    // It gave up on its own limit, not on the server closing anything.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290)
  })

  it('reads a token, and takes 401 as signed out and 404 as access removed', async () => {
    const body = { token: 't', access: 'write', role: 'editor', expiresAt: 1 }
    const app = await webApp((request, response) => {
      const status = request.url === '/api/docs/mine/token' ? 200 : request.url === '/api/docs/signed-out/token' ? 401 : 404
      response.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? JSON.stringify(body) : '{}')
    })
    server = app.server
    await expect(fetchAccessToken('mine', { fetch: app.fetch })).resolves.toEqual(body)
    await expect(fetchAccessToken('signed-out', { fetch: app.fetch })).rejects.toEqual(new TokenRefusedError(ClosedReason.SignedOut))
    await expect(fetchAccessToken('gone', { fetch: app.fetch })).rejects.toEqual(new TokenRefusedError(ClosedReason.AccessRevoked))
  })
})
