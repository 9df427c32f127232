/**
 * SYNC_PATH_PREFIX: the sync server on one public origin with the web app,
 * behind a proxy that passes `/sync/…` on unchanged (docs/sync-protocol.md,
 * "One origin"). Raw requests go over a plain TCP socket, since HTTP and
 * WebSocket clients normalise `/sync/../etc` before sending it, which is
 * exactly what the server must not do.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { rawRequest, rawUpgrade } from './support/rawRequest'
import { signAccessToken } from '../../lib/token'
import { readConfig } from '../config'
import { SqliteStore } from '../persistence/SqliteStore'
import { SyncServer } from '../SyncServer'
import { docId, eventually, spawnServer, syncedClient } from './harness'

vi.setConfig({ testTimeout: 60_000 })

/** readConfig on just these variables. */
const configOf = (env: Record<string, string>) => readConfig(env as unknown as NodeJS.ProcessEnv)

const SECRET = 'path-prefix-test-secret-32-bytes!!'
let server: SyncServer
let port: number

beforeAll(async () => {
  server = new SyncServer({ authSecret: SECRET, store: new SqliteStore(':memory:'), pathPrefix: '/sync' })
  ;({ port } = await server.listen(0, '127.0.0.1'))
})

afterAll(() => server.stop())

const upgrade = (target: string) => rawUpgrade(port, target)
const request = (method: string, target: string, token?: string) => rawRequest(port, method, target, token)

const tokenFor = (doc: string) => signAccessToken(SECRET, { sub: 'u1', doc, access: 'admin' })

describe('upgrades under SYNC_PATH_PREFIX=/sync', () => {
  // proves: CONNECT-6
  it('/sync/<docId> opens the document; a bad docId inside the prefix is 400, judged as sent', async () => {
    const token = await tokenFor('etc')
    expect(await upgrade(`/sync/etc?token=${token}`)).toBe(101)
    for (const target of ['/sync/../etc', '/sync/./etc', '/sync/x/../etc', '/sync//etc', '/sync/%2e%2e/etc', '/sync/etc/', '/sync']) {
      expect(await upgrade(`${target}?token=${token}`), target).toBe(400)
    }
  })

  // proves: CONNECT-6
  it('anything outside the prefix is 404, even with a valid token: the root, a look-alike, another case, an escape', async () => {
    const token = await tokenFor('etc')
    for (const target of ['/etc', '/syncx/etc', '/Sync/etc', '/%73ync/etc', '/other/sync/etc', '/../sync/etc']) {
      expect(await upgrade(`${target}?token=${token}`), target).toBe(404)
    }
  })
})

describe('HTTP under SYNC_PATH_PREFIX=/sync', () => {
  // proves: CONNECT-7
  it('the document API answers under the prefix and nowhere else; bad ids inside it are 400', async () => {
    const token = await tokenFor('etc')
    expect(await request('GET', '/sync/docs/etc/update', token)).toBe(200)
    expect(await request('GET', '/docs/etc/update', token)).toBe(404)
    expect(await request('GET', '/syncdocs/etc/update', token)).toBe(404)
    expect(await request('GET', '/sync/docs/../etc/update', token)).toBe(400)
    expect(await request('GET', '/sync/docs/%2e%2e/update', token)).toBe(400)
    expect(await request('GET', '/sync/docs/etc/nothing', token)).toBe(404)
    expect(await request('PUT', '/sync/docs/etc/update', token)).toBe(405)
  })

  // proves: CONNECT-7
  it('/healthz answers at the root and under the prefix; /metrics only at the root', async () => {
    expect(await request('GET', '/healthz')).toBe(200)
    expect(await request('GET', '/sync/healthz')).toBe(200)
    expect(await request('GET', '/metrics')).toBe(200)
    expect(await request('GET', '/sync/metrics')).toBe(404)
  })
})

describe('SYNC_PATH_PREFIX as a variable', () => {
  // proves: CONFIG-26
  it('takes a path of plain segments, drops one trailing slash, and refuses anything else', () => {
    expect(configOf({}).SYNC_PATH_PREFIX).toBeUndefined()
    expect(configOf({ SYNC_PATH_PREFIX: '' }).SYNC_PATH_PREFIX).toBeUndefined()
    expect(configOf({ SYNC_PATH_PREFIX: '/sync' }).SYNC_PATH_PREFIX).toBe('/sync')
    expect(configOf({ SYNC_PATH_PREFIX: '/sync/' }).SYNC_PATH_PREFIX).toBe('/sync')
    expect(configOf({ SYNC_PATH_PREFIX: '/apps/tandem-sync' }).SYNC_PATH_PREFIX).toBe('/apps/tandem-sync')
    for (const bad of ['sync', '/', '//sync', '/sync//x', '/a/../b', '/..', '/sy nc', '/sync?x', '/%2e%2e', 'http://x/sync']) {
      expect(() => configOf({ SYNC_PATH_PREFIX: bad }), bad).toThrow(/SYNC_PATH_PREFIX/)
    }
  })

  // proves: CONFIG-26, CONNECT-5
  it('npm run server with SYNC_PATH_PREFIX=/sync: stock clients given ws://host:port/sync edit together', async () => {
    const spawned = await spawnServer({ env: { SYNC_PATH_PREFIX: '/sync' } })
    const room = docId('prefix')
    const token = await spawned.token({ sub: 'u1', doc: room, access: 'write' })
    const at = { wsUrl: `${spawned.wsUrl}/sync` }
    const a = await syncedClient(at, room, token)
    const b = await syncedClient(at, room, token)
    a.doc.getText('text').insert(0, 'one origin')
    await eventually(() => expect(b.text()).toBe('one origin'))
    // And the same server refuses the root, where it would have served without the prefix.
    expect((await fetch(`${spawned.httpUrl}/docs/${room}/update`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404)
    const below = await fetch(`${spawned.httpUrl}/sync/docs/${room}/update`, { headers: { authorization: `Bearer ${token}` } })
    expect(below.status).toBe(200)
  })

  // proves: CONFIG-26
  it('a prefix it cannot use stops the server before it listens, with status 2 and the variable named', async () => {
    const spawned = await spawnServer({ env: { SYNC_PATH_PREFIX: 'sync' }, waitForListening: false })
    expect((await spawned.exited).code).toBe(2)
    await spawned.outputClosed
    expect(spawned.stderr.join('\n')).toMatch(/SYNC_PATH_PREFIX/)
  })
})
