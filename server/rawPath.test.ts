/**
 * A docId is judged on the request target exactly as sent, before the token
 * (docs/sync-protocol.md, "Connecting" and "HTTP on the same port"). The
 * requests go over a raw TCP socket: every HTTP client and WebSocket client
 * normalises `/../etc` to `/etc` before sending it, which is precisely what
 * the server must not do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, rawUpgrade } from './test/support/rawRequest'
import { signAccessToken } from '../lib/token'
import { SqliteStore } from './persistence/SqliteStore'
import { SyncServer } from './SyncServer'

const SECRET = 'raw-path-test-secret-of-32-bytes!'
let server: SyncServer
let port: number

beforeAll(async () => {
  server = new SyncServer({ authSecret: SECRET, store: new SqliteStore(':memory:') })
  ;({ port } = await server.listen(0, '127.0.0.1'))
})

afterAll(() => server.stop())

const upgrade = (target: string) => rawUpgrade(port, target)
const request = (method: string, target: string, token?: string) => rawRequest(port, method, target, token)

const tokenFor = (doc: string) => signAccessToken(SECRET, { sub: 'u1', doc, access: 'admin' })

describe('upgrades', () => {
  // proves: CONNECT-4
  it('/../etc is the bad docId "../etc" (400), even with a valid token for "etc"', async () => {
    const token = await tokenFor('etc')
    // The control: the same token opens /etc itself.
    expect(await upgrade(`/etc?token=${token}`)).toBe(101)
    for (const target of ['/../etc', '/./etc', '/x/../etc', '//etc', '/%2e%2e/etc', '/etc/']) {
      expect(await upgrade(`${target}?token=${token}`), target).toBe(400)
      expect(await upgrade(target), `${target} without a token`).toBe(400)
    }
  })

  it('an absolute-form target is judged by its path, like any other', async () => {
    const token = await tokenFor('etc')
    expect(await upgrade(`http://127.0.0.1:${port}/etc?token=${token}`)).toBe(101)
    expect(await upgrade(`http://127.0.0.1:${port}/../etc?token=${token}`)).toBe(400)
  })
})

describe('the document API', () => {
  // proves: CONNECT-4
  it('a /docs/ route whose docId is bad as sent is 400, whatever the method, token or suffix', async () => {
    const token = await tokenFor('x')
    for (const [method, target] of [
      ['GET', '/docs/../x/update'],
      ['POST', '/docs/y/../x/update'],
      ['DELETE', '/docs/./x'],
      ['POST', '/docs/%2e%2e/access'],
      ['PUT', '/docs/../x'],
      ['GET', '/docs/'],
    ]) {
      expect(await request(method, target, token), `${method} ${target}`).toBe(400)
    }
  })

  it('a good docId goes on to the token check; unknown actions and paths outside /docs/ stay 404', async () => {
    expect(await request('GET', '/docs/x/update')).toBe(401)
    expect(await request('GET', `/docs/x/update`, await tokenFor('x'))).toBe(200)
    expect(await request('PUT', '/docs/x/update', await tokenFor('x'))).toBe(405)
    for (const target of ['/docs/x/update/extra', '/docs/x/history', '/docs', '/nope', '/x/../docs/x/update', '/healthz/../docs/x/update']) {
      expect(await request('GET', target), target).toBe(404)
    }
  })
})
