import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { secretKey, verifyAccessToken } from '@/lib/token'

vi.mock('server-only', () => ({}))
const { createSyncAdmin } = await import('./syncAdmin')
const { SyncServerError } = await import('./syncError')

/** A stand-in for the sync server's document API that records each request. */
let server: Server
let baseUrl: string
let nextStatus = 204
const requests: Array<{ method: string; url: string; authorization: string; body: string }> = []

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => resolve(body))
  })

beforeAll(async () => {
  server = createServer(async (req, res) => {
    requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization ?? '', body: await readBody(req) })
    res.statusCode = nextStatus
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))
beforeEach(() => {
  requests.length = 0
  nextStatus = 204
})

describe('the sync server admin client', () => {
  const secret = 'sync-admin-test-secret-of-32-bytes'

  it('deletes with DELETE /docs/<id> and a short admin token for that document, minted for the actor', async () => {
    await createSyncAdmin({ baseUrl, secret }).deleteDocument('doc_1', 'owner-1')
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ method: 'DELETE', url: '/docs/doc_1' })
    const verified = await verifyAccessToken(secretKey(secret), requests[0].authorization.replace(/^Bearer /, ''))
    expect(verified.ok && verified.token).toMatchObject({ sub: 'owner-1', doc: 'doc_1', access: 'admin' })
    expect(verified.ok && verified.token.exp - verified.token.iat).toBeLessThanOrEqual(60)
  })

  it('changes live access with POST /docs/<id>/access {sub, access}', async () => {
    await createSyncAdmin({ baseUrl, secret }).setAccess('doc_1', 'owner-1', 'user-2', 'none')
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/docs/doc_1/access' })
    expect(JSON.parse(requests[0].body)).toEqual({ sub: 'user-2', access: 'none' })
  })

  it('treats 410 on delete as done (deleted already), and other failures as errors that say what happened', async () => {
    const admin = createSyncAdmin({ baseUrl, secret })
    nextStatus = 410
    await expect(admin.deleteDocument('doc_1', 'owner-1')).resolves.toBeUndefined()
    nextStatus = 500
    await expect(admin.deleteDocument('doc_1', 'owner-1')).rejects.toThrow(/answered 500/)
    await expect(admin.setAccess('doc_1', 'owner-1', 'u', 'read')).rejects.toBeInstanceOf(SyncServerError)
    const unreachable = createSyncAdmin({ baseUrl: 'http://127.0.0.1:1', secret })
    await expect(unreachable.deleteDocument('doc_1', 'owner-1')).rejects.toThrow(/could not be reached/)
  })
})
