/**
 * docs/sync-protocol.md, "Logs": JSON lines on stdout at the level LOG_LEVEL
 * sets, and never a token or a byte of document content in them, against the
 * real process.
 */
import { describe, expect, it, vi } from 'vitest'
import { randomBytes } from 'node:crypto'
import {
  api,
  docId,
  eventually,
  freePort,
  metric,
  rawClient,
  roomUrl,
  serverText,
  spawnServer,
  syncedClient,
  upgradeStatus,
  type SpawnedServer,
} from './harness'
import { insertUpdate, updateFrame } from './wire'

// These start real server processes; on a loaded 2-core machine each start can take seconds.
vi.setConfig({ testTimeout: 120_000 })

/** A client joins `server` and leaves again; resolves once the server has seen it go. */
async function joinAndLeave(server: SpawnedServer): Promise<void> {
  const room = docId()
  const client = await syncedClient(server, room, await server.token({ doc: room }))
  client.destroy()
  await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(0))
}

/** Stops `server` cleanly and returns everything it wrote, stdout then stderr. */
async function everythingWritten(server: SpawnedServer): Promise<string> {
  server.kill('SIGTERM', { processOnly: true })
  expect((await server.exited).code).toBe(0)
  await server.outputClosed
  return [...server.stdout, ...server.stderr].join('\n')
}

const DEBUG = 20
const INFO = 30

describe('logs', () => {
  // proves: LOG-1
  it('are JSON lines on stdout; LOG_LEVEL=debug adds a line for each join and each leave, the default level does not', async () => {
    const debug = await spawnServer({ env: { LOG_LEVEL: 'debug' } })
    const normal = await spawnServer({ env: { LOG_LEVEL: undefined } })
    await joinAndLeave(debug)
    await joinAndLeave(normal)
    await eventually(() => {
      const debugLines = debug.logs.filter((l) => l.level === DEBUG).map((l) => String(l.msg))
      expect(debugLines.some((msg) => /join/i.test(msg)), debugLines.join('; ')).toBe(true)
      expect(debugLines.some((msg) => /leav|clos/i.test(msg)), debugLines.join('; ')).toBe(true)
    })
    for (const server of [debug, normal]) {
      await everythingWritten(server)
      const lines = server.stdout.filter((line) => line !== '')
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow()
    }
    expect(normal.logs.filter((l) => typeof l.level === 'number' && l.level < INFO)).toEqual([])
  })

  // proves: LOG-1
  it('LOG_LEVEL=silent writes nothing at all, and the server still serves', async () => {
    const port = await freePort()
    const server = await spawnServer({ env: { LOG_LEVEL: 'silent', PORT: String(port) }, waitForListening: false })
    // No "listening" line to wait for: it serves when /healthz answers.
    const address = { wsUrl: `ws://127.0.0.1:${port}`, httpUrl: `http://127.0.0.1:${port}`, token: server.token }
    await eventually(async () => expect((await api(address, 'GET', '/healthz')).status).toBe(200), { timeoutMs: 30_000, intervalMs: 100 })
    const room = docId()
    const client = await syncedClient(address, room, await server.token({ doc: room }))
    client.doc.getText('text').insert(0, 'quietly')
    await eventually(async () => expect(await serverText(address, room)).toBe('quietly'))
    expect((await upgradeStatus(roomUrl(address, room, 'not-a-token'))).status).toBe(401)
    client.destroy()
    expect(await everythingWritten(server)).toBe('')
  })

  // proves: LOG-2
  it('never hold a token or document content, even at the most verbose level, through refusals, bad input and API calls', async () => {
    const server = await spawnServer({ env: { LOG_LEVEL: 'trace' } })
    const marker = () => `SECRET-${randomBytes(6).toString('hex')}`
    const room = docId()
    const writer = await server.token({ doc: room, sub: 'writer' })
    const admin = await server.token({ doc: room, sub: 'owner', access: 'admin' })
    const otherDoc = await server.token({ doc: docId('other'), sub: 'writer' })
    const tampered = writer.slice(0, -4) + 'AAAA'
    const contents = [marker(), marker(), marker(), marker()]

    // Typed by a stock client, posted through the API, sent as a text frame, and inside an update cut short.
    const client = await syncedClient(server, room, writer)
    client.doc.getText('text').insert(0, contents[0])
    expect((await api(server, 'POST', `/docs/${room}/update`, { token: writer, body: insertUpdate(contents[1], { clientID: 77_001 }).update })).status).toBe(204)
    await eventually(async () => expect(await serverText(server, room)).toContain(contents[0]))
    const texter = await rawClient(server, room, writer)
    await texter.sendText(contents[2])
    expect(await texter.closeCode()).toBe(1003)
    const truncated = insertUpdate(contents[3].repeat(4), { clientID: 77_002 }).update
    const breaker = await rawClient(server, room, writer)
    await breaker.send(updateFrame(truncated.slice(0, truncated.length - 3)))
    expect(await breaker.closeCode()).toBe(1002)

    // Tokens refused on the upgrade (in the URL) and on the API (in the header), and used by an admin.
    expect((await upgradeStatus(roomUrl(server, room, otherDoc))).status).toBe(403)
    expect((await upgradeStatus(roomUrl(server, room, tampered))).status).toBe(401)
    expect((await api(server, 'GET', `/docs/${room}/update`, { token: tampered })).status).toBe(401)
    expect((await api(server, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub: 'writer', access: 'read' }) })).status).toBe(204)
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: admin })).status).toBe(204)
    client.destroy()

    const written = await everythingWritten(server)
    expect(server.logs.some((l) => typeof l.level === 'number' && l.level < INFO)).toBe(true)
    for (const token of [writer, admin, otherDoc, tampered]) {
      const signature = token.split('.')[2]
      expect(written.includes(token) || written.includes(signature), 'a token is in the logs').toBe(false)
    }
    for (const content of contents) expect(written.includes(content), `${content} is in the logs`).toBe(false)
  })
})
