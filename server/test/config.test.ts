/**
 * docs/sync-protocol.md, "Starting it" and "Configuration": `npm run server`,
 * the foreground process, and every environment variable with its default,
 * against the real process.
 */
import { describe, expect, it, vi } from 'vitest'
import { createHmac } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  api,
  docId,
  eventually,
  freePort,
  handMadeJwt,
  isPortFree,
  makeToken,
  metric,
  rawClient,
  roomUrl,
  sleep,
  spawnServer,
  syncedClient,
  tempDir,
  upgradeStatus,
  validPayload,
} from './harness'
import { awarenessFrame, updateFrameOfSize, updateOfSize } from './wire'

// These start real server processes (several per test); on a loaded 2-core machine each start can take seconds.
vi.setConfig({ testTimeout: 120_000 })

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    socket.setTimeout(2000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

const externalIPv4 = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address

const SQLITE_MAGIC = 'SQLite format 3\0'

describe('starting it', () => {
  // proves: START-1
  it('`npm run server` starts it with no other step and it serves stock clients', async () => {
    const server = await spawnServer({ viaNpm: true })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('text').insert(0, 'npm run server works')
    await eventually(() => expect(b.text()).toBe('npm run server works'))
  })

  // proves: START-2
  it('runs in the foreground: the process we started is the server (killing only it stops the service)', async () => {
    const server = await spawnServer()
    expect(server.hasExited()).toBe(false)
    expect((await api(server, 'GET', '/healthz')).status).toBe(200)
    server.kill('SIGKILL', { processOnly: true })
    await server.exited
    expect(await canConnect('127.0.0.1', server.port)).toBe(false)
  })
})

describe('refusing to start', () => {
  // proves: START-5
  it('a variable it cannot use stops it before it listens, with status 2 and the variable named on stderr; an empty one counts as unset', async () => {
    const bad = await spawnServer({ env: { PORT: 'http' }, waitForListening: false })
    expect((await bad.exited).code).toBe(2)
    await bad.outputClosed
    expect(bad.stderr.join('\n')).toMatch(/\bPORT\b/)
    expect(bad.logs.some((l) => l.msg === 'listening')).toBe(false)
    // Empty strings fall back to the defaults (an empty LOG_LEVEL is not a bad level, it is info).
    const empty = await spawnServer({ env: { LOG_LEVEL: '', MAX_MESSAGE_BYTES: '', ROOM_IDLE_MS: '' } })
    expect((await api(empty, 'GET', '/healthz')).status).toBe(200)
  })

  // proves: START-7
  it('an AUTH_SECRET shorter than 32 bytes stops it before it listens, with status 2 and how to generate a good one', async () => {
    const weak = await spawnServer({ env: { AUTH_SECRET: 'changeme-but-not-long-enough' }, waitForListening: false })
    expect((await weak.exited).code).toBe(2)
    await weak.outputClosed
    const stderr = weak.stderr.join('\n')
    expect(stderr).toMatch(/\bAUTH_SECRET\b/)
    expect(stderr).toContain('openssl rand -base64 32')
    expect(stderr).not.toContain('changeme-but-not-long-enough')
    expect(weak.logs.some((l) => l.msg === 'listening')).toBe(false)
  })

  // proves: START-6
  it('an unreachable DATABASE_URL or REDIS_URL at start: it exits with status 1 instead of serving', async () => {
    // A port nothing listens on: connections to it are refused at once.
    const closedPort = await freePort()
    const [database, redis] = await Promise.all([
      spawnServer({ env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/none` }, waitForListening: false }),
      spawnServer({ env: { REDIS_URL: `redis://127.0.0.1:${closedPort}` }, waitForListening: false }),
    ])
    expect((await database.exited).code).toBe(1)
    expect((await redis.exited).code).toBe(1)
    for (const server of [database, redis]) {
      await server.outputClosed
      expect(server.logs.some((l) => l.msg === 'listening')).toBe(false)
    }
  })
})

describe('environment', () => {
  // proves: CONFIG-2
  it('PORT: the one TCP port for WebSocket and HTTP', async () => {
    const port = await freePort()
    const server = await spawnServer({ env: { PORT: String(port) } })
    expect(server.port).toBe(port)
    expect((await api(server, 'GET', '/healthz')).status).toBe(200)
    const room = docId()
    expect((await upgradeStatus(roomUrl(server, room, await server.token({ doc: room })))).status).toBe(101)
  })

  // proves: CONFIG-2
  it('PORT defaults to 1234', async (ctx) => {
    if (!(await isPortFree(1234))) {
      ctx.skip('port 1234 is taken on this machine by something else')
    }
    const server = await spawnServer({ env: { PORT: undefined } })
    expect(server.port).toBe(1234)
    expect((await api(server, 'GET', '/healthz')).status).toBe(200)
  })

  // proves: CONFIG-3
  it('HOST defaults to localhost: reachable over loopback, not on an external interface', async () => {
    const server = await spawnServer({ env: { HOST: undefined } })
    const res = await fetch(`http://localhost:${server.port}/healthz`)
    expect(res.status).toBe(200)
    const external = externalIPv4()
    if (external) expect(await canConnect(external, server.port)).toBe(false)
  })

  // proves: CONFIG-3
  it('HOST=0.0.0.0 binds every interface (as in containers)', async (ctx) => {
    const external = externalIPv4()
    if (!external) ctx.skip('this machine has no external IPv4 interface')
    const server = await spawnServer({ env: { HOST: '0.0.0.0' } })
    const res = await fetch(`http://${external}:${server.port}/healthz`)
    expect(res.status).toBe(200)
  })

  // proves: CONFIG-4, AUTH-5
  it('AUTH_SECRET is the HMAC key as the UTF-8 bytes of the string', async () => {
    // 37 bytes as UTF-8 (a secret must have at least 32), far fewer as characters.
    const secret = 'sécret-ключ-🔑-tandem-utf8-key'
    const server = await spawnServer({ env: { AUTH_SECRET: secret } })
    const room = docId()
    // UTF-8 bytes: accepted (hand-made, so nothing of ours decides the encoding).
    const utf8 = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, validPayload(room), secret)
    expect((await upgradeStatus(roomUrl(server, room, utf8))).status).toBe(101)
    // The same string as Latin-1 or UTF-16 bytes: a different key, refused.
    for (const encoding of ['latin1', 'utf16le'] as const) {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url')
      const payload = Buffer.from(JSON.stringify(validPayload(room))).toString('base64url')
      const sig = createHmac('sha256', Buffer.from(secret, encoding)).update(`${header}.${payload}`).digest('base64url')
      expect((await upgradeStatus(roomUrl(server, room, `${header}.${payload}.${sig}`))).status, encoding).toBe(401)
    }
  })

  // proves: CONFIG-5
  it('AUTH_SECRET unset: one is generated once into DATA_DIR, with a warning, and kept across restarts', async () => {
    const dataDir = tempDir()
    const first = await spawnServer({ env: { AUTH_SECRET: undefined, DATA_DIR: dataDir } })
    expect(first.logs.some((l) => l.level === 40 && /AUTH_SECRET/.test(String(l.msg)))).toBe(true)
    const files = readdirSync(dataDir).filter((f) => !/\.db(-wal|-shm|-journal)?$/.test(f))
    expect(files).toHaveLength(1)
    const secret = readFileSync(path.join(dataDir, files[0]), 'utf8').trim()
    expect(secret.length).toBeGreaterThanOrEqual(16)
    const room = docId()
    const token = await makeToken(secret, { doc: room })
    const a = await syncedClient(first, room, token)
    a.doc.getText('text').insert(0, 'signed with the generated secret')
    await eventually(async () => expect((await api(first, 'GET', `/docs/${room}/update`, { token })).status).toBe(200))
    first.kill('SIGTERM')
    await first.exited
    a.destroy()
    const second = await spawnServer({ env: { AUTH_SECRET: undefined, DATA_DIR: dataDir } })
    expect(readFileSync(path.join(dataDir, files[0]), 'utf8').trim()).toBe(secret)
    const b = await syncedClient(second, room, token)
    expect(b.text()).toBe('signed with the generated secret')
  })

  // proves: CONFIG-6
  it('DATA_DIR: the SQLite store lives there, and the documents with it', async () => {
    const dataDir = tempDir()
    const server = await spawnServer({ env: { DATA_DIR: dataDir } })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'in DATA_DIR')
    await sleep(1000)
    const dbs = readdirSync(dataDir).filter((f) => f.endsWith('.db'))
    expect(dbs.length).toBeGreaterThanOrEqual(1)
    expect(readFileSync(path.join(dataDir, dbs[0])).subarray(0, 16).toString('latin1')).toBe(SQLITE_MAGIC)
    server.kill('SIGKILL')
    await server.exited
    a.destroy()
    // Another DATA_DIR does not have it; the same one does.
    const elsewhere = await spawnServer({ env: { AUTH_SECRET: server.secret } })
    expect((await syncedClient(elsewhere, room, await elsewhere.token({ doc: room }))).text()).toBe('')
    const same = await spawnServer({ env: { AUTH_SECRET: server.secret, DATA_DIR: dataDir } })
    expect((await syncedClient(same, room, await same.token({ doc: room }))).text()).toBe('in DATA_DIR')
  })

  // proves: CONFIG-6
  it('DATA_DIR holds the SQLite store as tandem.db, in WAL mode', async () => {
    const dataDir = tempDir()
    const server = await spawnServer({ env: { DATA_DIR: dataDir } })
    const room = docId()
    const token = await server.token({ doc: room })
    const a = await syncedClient(server, room, token)
    a.doc.getText('text').insert(0, 'in tandem.db')
    const file = path.join(dataDir, 'tandem.db')
    await eventually(() => expect(existsSync(file)).toBe(true))
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    } finally {
      db.close()
    }
  })

  // proves: CONFIG-14
  it('DATA_DIR is created 0700, tandem.db, its WAL and SHM files and the generated auth-secret 0600, even under umask 000', async () => {
    const dataDir = path.join(tempDir(), 'fresh', 'data')
    const server = await spawnServer({ shellCommand: 'umask 000 && exec node dist/server/main.js', env: { DATA_DIR: dataDir, AUTH_SECRET: undefined } })
    const room = docId()
    const secret = readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim()
    const a = await syncedClient(server, room, await makeToken(secret, { doc: room }))
    a.doc.getText('text').insert(0, 'private')
    const files = ['tandem.db', 'tandem.db-wal', 'tandem.db-shm', 'auth-secret'].map((name) => path.join(dataDir, name))
    await eventually(() => expect(files.every((file) => existsSync(file))).toBe(true))
    await eventually(async () => expect((await api(server, 'GET', `/docs/${room}/update`, { token: await makeToken(secret, { doc: room }) })).status).toBe(200))
    const mode = (file: string) => (statSync(file).mode & 0o777).toString(8)
    expect(mode(dataDir)).toBe('700')
    for (const file of files) expect(mode(file), path.basename(file)).toBe('600')
  })

  // proves: CONFIG-14
  it('an existing database left world-readable by an older version is made 0600 on start', async () => {
    const dataDir = tempDir()
    const first = await spawnServer({ env: { DATA_DIR: dataDir } })
    first.kill('SIGTERM')
    await first.exited
    for (const name of readdirSync(dataDir)) chmodSync(path.join(dataDir, name), 0o644)
    chmodSync(dataDir, 0o755)
    const again = await spawnServer({ env: { DATA_DIR: dataDir, AUTH_SECRET: first.secret } })
    expect((await api(again, 'GET', '/healthz')).status).toBe(200)
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700')
    for (const name of readdirSync(dataDir)) expect((statSync(path.join(dataDir, name)).mode & 0o777).toString(8), name).toBe('600')
  })

  // proves: CONFIG-12, CONFIG-13, PRESENCE-6, PRESENCE-7
  it('MAX_AWARENESS_BYTES and MAX_AWARENESS_CLIENTS: a larger state closes with 1009, one client ID too many with 1008', async () => {
    const server = await spawnServer({ env: { MAX_AWARENESS_BYTES: '200', MAX_AWARENESS_CLIENTS: '2' } })
    const room = docId()
    const token = await server.token({ doc: room, sub: 'p' })
    const state = (bytes: number) => ({ user: { id: 'p' }, pad: 'x'.repeat(bytes - JSON.stringify({ user: { id: 'p' }, pad: '' }).length) })
    const sizes = await rawClient(server, room, token)
    await sizes.send(awarenessFrame([{ clientID: 71, clock: 1, state: state(200) }]))
    await sizes.roundTrip()
    await sizes.send(awarenessFrame([{ clientID: 71, clock: 2, state: state(201) }]))
    expect(await sizes.closeCode()).toBe(1009)
    const ids = await rawClient(server, room, token)
    await ids.send(awarenessFrame([72, 73].map((clientID) => ({ clientID, clock: 1, state: state(50) }))))
    await ids.roundTrip()
    await ids.send(awarenessFrame([{ clientID: 74, clock: 1, state: state(50) }]))
    expect(await ids.closeCode()).toBe(1008)
  })

  // proves: CONFIG-15, HTTP-8
  it('METRICS_TOKEN: /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; other endpoints are unaffected', async () => {
    const server = await spawnServer({ env: { METRICS_TOKEN: 'scrape-me-please' } })
    expect((await api(server, 'GET', '/metrics')).status).toBe(401)
    expect((await api(server, 'GET', '/metrics', { token: 'wrong' })).status).toBe(401)
    const ok = await api(server, 'GET', '/metrics', { token: 'scrape-me-please' })
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('tandem_connections')
    expect((await api(server, 'GET', '/healthz')).status).toBe(200)
  })

  // proves: CONFIG-6
  it('DATA_DIR defaults to ./data (relative to where it is started)', async () => {
    const cwd = tempDir('tandem-cwd-')
    const server = await spawnServer({ cwd, env: { DATA_DIR: undefined } })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'default dir')
    await eventually(() => {
      const dbs = readdirSync(path.join(cwd, 'data')).filter((f) => f.endsWith('.db'))
      expect(dbs.length).toBeGreaterThanOrEqual(1)
    })
  })

  // proves: CONFIG-9, INPUT-3, API-4
  it('MAX_MESSAGE_BYTES: a larger frame closes with 1009, a larger HTTP body gets 413; exactly the limit is fine', async () => {
    const max = 3000
    const server = await spawnServer({ env: { MAX_MESSAGE_BYTES: String(max) } })
    const room = docId()
    const token = await server.token({ doc: room })
    const big = await rawClient(server, room, token)
    await big.send(updateFrameOfSize(max + 1).frame)
    expect(await big.closeCode()).toBe(1009)
    const ok = await rawClient(server, room, token)
    await ok.send(updateFrameOfSize(max).frame)
    await ok.roundTrip()
    expect(ok.isOpen).toBe(true)
    expect((await api(server, 'POST', `/docs/${room}/update`, { token, body: updateOfSize(max + 1, 'other') })).status).toBe(413)
    expect((await api(server, 'POST', `/docs/${room}/update`, { token, body: updateOfSize(max, 'other') })).status).toBe(204)
  })

  // proves: CONFIG-10, INPUT-4
  it('MAX_MESSAGES_PER_SECOND: a connection that empties its bucket (5x the rate) is closed with 1008', async () => {
    const server = await spawnServer({ env: { MAX_MESSAGES_PER_SECOND: '10' } })
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    let clock = 0
    for (let i = 0; i < 40; i++) raw.ws.send(awarenessFrame([{ clientID: 77, clock: ++clock, state: { i } }]))
    await sleep(200)
    expect(raw.isOpen).toBe(true)
    for (let i = 0; i < 100; i++) raw.ws.send(awarenessFrame([{ clientID: 77, clock: ++clock, state: { i } }]))
    expect(await raw.closeCode()).toBe(1008)
  })

  // proves: CONFIG-11, MEMORY-1
  it('ROOM_IDLE_MS: an empty room is unloaded that long after its last connection closed', async () => {
    const server = await spawnServer({ env: { ROOM_IDLE_MS: '800' } })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    a.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(0))
    const closedAt = Date.now()
    await eventually(async () => expect(await metric(server, 'tandem_rooms')).toBe(0), { timeoutMs: 5000, intervalMs: 50 })
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(700)
  })

  // proves: CONFIG-27, MEMORY-7
  it('ROOM_COLD_AFTER_MS: an open document unchanged that long is held cold, and its clients carry on as before', async () => {
    const server = await spawnServer({ env: { ROOM_COLD_AFTER_MS: '300' } })
    const room = docId()
    const token = await server.token({ doc: room })
    const a = await syncedClient(server, room, token)
    a.doc.getText('text').insert(0, 'before')
    await eventually(async () => expect(await metric(server, 'tandem_rooms_cold')).toBe(1), { timeoutMs: 5000, intervalMs: 50 })
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    // A newcomer gets the whole document from the cold room, and its edit reaches the first client.
    const b = await syncedClient(server, room, token)
    expect(b.doc.getText('text').toString()).toBe('before')
    b.doc.getText('text').insert(6, ' after')
    await eventually(() => expect(a.doc.getText('text').toString()).toBe('before after'))
    // Quiet again: cold again, with the edit in it (a third client sees it).
    await eventually(async () => expect(await metric(server, 'tandem_rooms_cold')).toBe(1), { timeoutMs: 5000, intervalMs: 50 })
    const c = await syncedClient(server, room, token)
    expect(c.doc.getText('text').toString()).toBe('before after')
    for (const client of [a, b, c]) client.destroy()

    const never = await spawnServer({ env: { ROOM_COLD_AFTER_MS: '0' } })
    const liveRoom = docId()
    const d = await syncedClient(never, liveRoom, await never.token({ doc: liveRoom }))
    d.doc.getText('text').insert(0, 'stays live')
    await sleep(1000)
    expect(await metric(never, 'tandem_rooms')).toBe(1)
    expect(await metric(never, 'tandem_rooms_cold')).toBe(0)
    d.destroy()
  }, 60_000)

  // proves: CONFIG-9, CONFIG-10
  it('defaults: MAX_MESSAGE_BYTES 10485760 and MAX_MESSAGES_PER_SECOND 1000', async () => {
    const server = await spawnServer()
    const room = docId()
    const token = await server.token({ doc: room })
    const max = 10_485_760
    const over = await rawClient(server, room, token)
    await over.send(updateFrameOfSize(max + 1, 'huge').frame)
    expect(await over.closeCode()).toBe(1009)
    const at = await rawClient(server, room, token)
    await at.send(updateFrameOfSize(max, 'huge').frame)
    await at.roundTrip(30_000)
    expect(at.isOpen).toBe(true)
    // 1000 per second: a bucket of 5000. A burst of 4000 is fine; 8000 more is not.
    const floodRoom = docId('flood')
    const f = await rawClient(server, floodRoom, await server.token({ doc: floodRoom }))
    let clock = 0
    for (let i = 0; i < 4000; i++) f.ws.send(awarenessFrame([{ clientID: 88, clock: ++clock, state: null }]))
    await f.roundTrip()
    expect(f.isOpen).toBe(true)
    for (let i = 0; i < 8000; i++) {
      if (!f.isOpen) break
      f.ws.send(awarenessFrame([{ clientID: 88, clock: ++clock, state: null }]))
    }
    expect(await f.closeCode()).toBe(1008)
  }, 120_000)

  // proves: CONFIG-11, MEMORY-1
  it('default ROOM_IDLE_MS is 10000: still loaded well into that, unloaded after it', async () => {
    const server = await spawnServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'x')
    a.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(0))
    const closedAt = Date.now()
    await sleep(8000)
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    await eventually(async () => expect(await metric(server, 'tandem_rooms')).toBe(0), { timeoutMs: 6000, intervalMs: 100 })
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(9900)
  }, 120_000)

  // DATABASE_URL, DATABASE_SCHEMA, REDIS_URL and REDIS_PREFIX (CONFIG-7, CONFIG-8): see server/scaleout/
  // (several instances on real PostgreSQL and Redis) and server/persistence/PostgresStore.test.ts (the store contract suite on PostgreSQL).
})

