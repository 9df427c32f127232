/**
 * docs/sync-protocol.md, "Memory": a room with no connections is unloaded
 * ROOM_IDLE_MS after its last connection closed, and its next connection loads
 * it from the store. Also the join path around it (issue 2): concurrent joins
 * share one load, and nobody is answered from a room that has not finished
 * loading.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { docId, eventually, metric, rawClient, sleep, startTestServer, syncedClient, connectClient, localClock } from './harness'
import { insertUpdate, type Frame } from './wire'

describe('room lifecycle', () => {
  // proves: MEMORY-1, HTTP-4
  it('an empty room is unloaded ROOM_IDLE_MS after its last connection closed (not before), as tandem_rooms shows', async () => {
    const idle = 1500
    const server = await startTestServer({ limits: { roomIdleMs: idle } })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('text').insert(0, 'idle soon')
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    a.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(1))
    // Not the last connection: the room stays however long we wait.
    await sleep(idle + 500)
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    b.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(0))
    const lastClosedAt = Date.now()
    await sleep(idle / 2)
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    await eventually(async () => expect(await metric(server, 'tandem_rooms')).toBe(0), { timeoutMs: idle + 3000, intervalMs: 50 })
    const unloadedAfter = Date.now() - lastClosedAt
    expect(unloadedAfter).toBeGreaterThanOrEqual(idle - 100)
    expect(unloadedAfter).toBeLessThan(idle + 3000)
  })

  // proves: MEMORY-1
  it('a connection that comes back before ROOM_IDLE_MS keeps the room loaded (no reload)', async () => {
    const idle = 1000
    const server = await startTestServer({ limits: { roomIdleMs: idle } })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(0))
    await sleep(idle / 3)
    const b = await syncedClient(server, room, await server.token({ doc: room }))
    await sleep(idle + 500)
    expect(await metric(server, 'tandem_rooms')).toBe(1)
    expect(server.store.loads.get(room)).toBe(1)
    b.destroy()
  })

  // proves: MEMORY-3
  it("an unloaded room's next connection loads it from the store (content written to the store meanwhile is seen)", async () => {
    const server = await startTestServer({ limits: { roomIdleMs: 100 } })
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'first life')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('first life'))
    a.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_rooms')).toBe(0))
    expect(server.store.loads.get(room)).toBe(1)
    // Write straight into the store while nothing holds the room in memory.
    const extra = new Y.Doc()
    Y.applyUpdate(extra, Y.encodeStateAsUpdate(a.doc))
    extra.getText('text').insert(10, ', second life')
    await server.store.inner.appendBatch([{ docId: room, update: Y.encodeStateAsUpdate(extra, Y.encodeStateVector(a.doc)) }])
    const b = await syncedClient(server, room, await server.token({ doc: room }))
    expect(b.text()).toBe('first life, second life')
    expect(server.store.loads.get(room)).toBe(2)
    expect(await metric(server, 'tandem_rooms')).toBe(1)
  })

  // proves: SYNC-2
  it('concurrent joins to an unloaded room share one load, and every joiner gets the stored content', async () => {
    const server = await startTestServer()
    const room = docId()
    const { update } = insertUpdate('loaded once', { clientID: 15_000_001 })
    await server.store.inner.appendBatch([{ docId: room, update }])
    server.store.loadDelayMs = 400
    const tokens = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => server.token({ doc: room, sub: `u${i}` })))
    const clients = tokens.map((t) => connectClient(server, room, t))
    await Promise.all(clients.map((c) => c.waitSynced()))
    for (const c of clients) expect(c.text()).toBe('loaded once')
    expect(server.store.loads.get(room)).toBe(1)
  })

  // proves: SYNC-2
  it('no client is answered from a room that has not finished loading: the first sync step 1 and step 2 already carry the stored state', async () => {
    const server = await startTestServer()
    const room = docId()
    const stored = insertUpdate('stored before', { clientID: 15_000_002 })
    await server.store.inner.appendBatch([{ docId: room, update: stored.update }])
    server.store.loadDelayMs = 500
    const [rawA, rawB] = await Promise.all([
      server.token({ doc: room, sub: 'a' }).then((t) => rawClient(server, room, t)),
      server.token({ doc: room, sub: 'b' }).then((t) => rawClient(server, room, t)),
    ])
    for (const raw of [rawA, rawB]) {
      const step1 = (await raw.waitFor((f) => f.type === 0 && f.step === 0)) as Extract<Frame, { type: 0 }>
      expect(Y.decodeStateVector(step1.payload).get(15_000_002)).toBe(localClock(stored.doc))
      const doc = await raw.serverDoc()
      expect(doc.getText('text').toString()).toBe('stored before')
    }
    // A stock client that syncs during the load sees the stored text the moment it reports synced.
    const room2 = docId('stock')
    await server.store.inner.appendBatch([{ docId: room2, update: insertUpdate('stock sees it').update }])
    const stock = connectClient(server, room2, await server.token({ doc: room2 }))
    const atSync = new Promise<string>((resolve) => stock.provider.once('sync', () => resolve(stock.text())))
    expect(await atSync).toBe('stock sees it')
  })

  // proves: MEMORY-2
  it('a room is not unloaded while a write of its updates is in flight: by the time it unloads, the store has them', async () => {
    const server = await startTestServer({ limits: { roomIdleMs: 50 } })
    const room = docId()
    const client = await syncedClient(server, room, await server.token({ doc: room }))
    // Every store write now takes 1.5 s, thirty times the idle time.
    server.store.writeDelayMs = 1500
    client.doc.getText('text').insert(0, 'written while leaving')
    await eventually(() => expect(server.store.writesInFlight).toBe(1))
    client.destroy()
    await eventually(async () => expect(await metric(server, 'tandem_rooms')).toBe(0), { timeoutMs: 10_000 })
    expect(server.store.writesInFlight).toBe(0)
    server.store.writeDelayMs = 0
    expect(await server.store.storedText(room)).toBe('written while leaving')
  })
})
