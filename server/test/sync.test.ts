/**
 * docs/sync-protocol.md, "Wire protocol": rooms, what a joining connection
 * gets, and the path of a writer's update (validated in full, applied once,
 * persisted, relayed to every other connection of the room).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  consistently,
  docId,
  eventually,
  localClock,
  rawClient,
  serverText,
  startTestServer,
  syncedClient,
  type RawClient,
} from './harness'
import { awarenessFrame, insertUpdate, structsThenBrokenDeleteSet, syncStep2Frame, updateClients, updateFrame, type Frame } from './wire'

const syncUpdatesFrom = (client: RawClient, writerClientID: number) =>
  client.frames.filter((f): f is Extract<Frame, { type: 0 }> => f.type === 0 && (f.step === 2 || f.step === 1) && updateClients(f.payload).has(writerClientID))

describe('rooms and sync', () => {
  // proves: SYNC-5, CONNECT-3
  it('two stock clients converge on concurrent edits', async () => {
    const server = await startTestServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('text').insert(0, 'hello ')
    b.doc.getText('text').insert(0, 'world ')
    await eventually(() => {
      expect(a.text()).toHaveLength(12)
      expect(a.text()).toBe(b.text())
    })
    expect(a.text()).toContain('hello ')
    expect(a.text()).toContain('world ')
  })

  // proves: SYNC-5
  it('three stock clients converge on many interleaved edits, and a late joiner gets the whole document', async () => {
    const server = await startTestServer()
    const room = docId()
    const clients = await Promise.all(['a', 'b', 'c'].map(async (sub) => syncedClient(server, room, await server.token({ doc: room, sub }))))
    for (let round = 0; round < 20; round++) {
      clients.forEach((c, i) => {
        const t = c.doc.getText('text')
        t.insert(Math.min(t.length, round), String.fromCharCode(97 + i))
      })
    }
    await eventually(() => {
      for (const c of clients) expect(c.text()).toHaveLength(60)
      expect(new Set(clients.map((c) => c.text())).size).toBe(1)
    })
    const late = await syncedClient(server, room, await server.token({ doc: room, sub: 'd' }))
    await eventually(() => expect(late.text()).toBe(clients[0].text()))
  })

  // proves: CONNECT-2
  it('rooms are separate: an edit in one docId never reaches another', async () => {
    const server = await startTestServer()
    const one = docId('one')
    const two = docId('two')
    const a = await syncedClient(server, one, await server.token({ doc: one }))
    const b = await syncedClient(server, two, await server.token({ doc: two }))
    const a2 = await syncedClient(server, one, await server.token({ doc: one }))
    a.doc.getText('text').insert(0, 'only in one')
    await eventually(() => expect(a2.text()).toBe('only in one'))
    b.doc.getText('text').insert(0, 'two')
    await eventually(async () => expect(await serverText(server, two)).toBe('two'))
    expect(b.text()).toBe('two')
    expect(await serverText(server, one)).toBe('only in one')
  })

  // proves: SYNC-3
  it('a client that edited offline pushes its edits when it connects (its sync step 2 is applied and relayed)', async () => {
    const server = await startTestServer()
    const room = docId()
    const other = await syncedClient(server, room, await server.token({ doc: room, sub: 'other' }))
    const offline = new Y.Doc()
    offline.getText('text').insert(0, 'written offline')
    await syncedClient(server, room, await server.token({ doc: room, sub: 'late' }), { doc: offline })
    await eventually(() => expect(other.text()).toBe('written offline'))
    expect(await serverText(server, room)).toBe('written offline')
  })
  // proves: SYNC-3
  it('a client that knew the document and edited offline syncs both ways with a room freshly loaded from the store', async () => {
    const server = await startTestServer()
    const room = docId()
    const first = await syncedClient(server, room, await server.token({ doc: room, sub: 'first' }))
    first.doc.getText('text').insert(0, 'shared base')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('shared base'))
    // Keep the client's copy, drop the connection, restart the server: the room is cold again.
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(first.doc))
    first.destroy()
    await server.restart()
    const other = await syncedClient(server, room, await server.token({ doc: room, sub: 'other' }))
    other.doc.getText('text').insert(0, '[server side] ')
    copy.getText('text').insert(copy.getText('text').length, ' [offline]')
    const back = await syncedClient(server, room, await server.token({ doc: room, sub: 'first' }), { doc: copy })
    await eventually(() => {
      expect(back.text()).toBe('[server side] shared base [offline]')
      expect(other.text()).toBe('[server side] shared base [offline]')
    })
    expect(await serverText(server, room)).toBe('[server side] shared base [offline]')
  })
})

describe('joining', () => {
  // proves: SYNC-1
  it('a joining connection gets sync step 1 (with the room state vector) and everyone current awareness at once, without asking', async () => {
    const server = await startTestServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }), { awareness: { user: { id: 'a' } } })
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }), { awareness: { user: { id: 'b' } } })
    a.doc.getText('text').insert(0, 'abc')
    await eventually(async () => expect(await serverText(server, room)).toBe('abc'))
    await eventually(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { id: 'a' } }))

    // The raw client sends nothing at all.
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'c' }))
    const step1 = (await raw.waitFor((f) => f.type === 0 && f.step === 0, { timeoutMs: 2000 })) as Extract<Frame, { type: 0 }>
    const sv = Y.decodeStateVector(step1.payload)
    expect(sv.get(a.doc.clientID)).toBe(localClock(a.doc))
    const aw = (await raw.waitFor((f) => f.type === 1, { timeoutMs: 2000 })) as Extract<Frame, { type: 1 }>
    // Everyone's: both present states, in the first awareness message(s) received.
    await eventually(
      () => {
        const seen = new Map(raw.framesOf(1).flatMap((f) => f.entries.map((e) => [e.clientID, e.state] as const)))
        expect(seen.get(a.doc.clientID)).toEqual({ user: { id: 'a' } })
        expect(seen.get(b.doc.clientID)).toEqual({ user: { id: 'b' } })
      },
      { timeoutMs: 2000 },
    )
    expect(aw.entries.length).toBeGreaterThan(0)
    // Nothing was sent by the raw client, so all of this came unasked.
    expect(raw.framesOf('undecodable')).toEqual([])
  })

  // proves: PRESENCE-5
  it('query-awareness (type 3) is answered with everyone awareness', async () => {
    const server = await startTestServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }), { awareness: { user: { id: 'alice' } } })
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'q' }))
    await raw.roundTrip()
    const from = raw.frames.length
    await raw.send(new Uint8Array([3]))
    const answer = (await raw.waitFor((f) => f.type === 1 && f.entries.some((e) => e.clientID === a.doc.clientID), { fromIndex: from })) as Extract<
      Frame,
      { type: 1 }
    >
    expect(answer.entries.find((e) => e.clientID === a.doc.clientID)?.state).toEqual({ user: { id: 'alice' } })
  })
})

describe("a writer's update", () => {
  // proves: SYNC-5
  it('is applied once and relayed to every other connection exactly once (a resent duplicate is not relayed again), and never echoed to its sender', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await rawClient(server, room, await server.token({ doc: room, sub: 'w' }))
    const observers = await Promise.all([1, 2, 3].map(async (i) => rawClient(server, room, await server.token({ doc: room, sub: `o${i}` }))))
    const stock = await syncedClient(server, room, await server.token({ doc: room, sub: 's' }))
    await Promise.all([writer, ...observers].map((c) => c.roundTrip()))
    const wdoc = new Y.Doc()
    wdoc.clientID = 9_000_001
    const updates: Uint8Array[] = []
    wdoc.on('update', (u: Uint8Array) => updates.push(u))
    wdoc.getText('text').insert(0, 'first')
    wdoc.getText('text').insert(5, ' second')
    for (const u of updates) await writer.send(updateFrame(u))
    await eventually(() => expect(stock.text()).toBe('first second'))
    // A client resends what it is unsure of (y-websocket does on reconnect): the same updates again, later.
    await writer.roundTrip()
    for (const u of updates) {
      await writer.send(updateFrame(u))
      await writer.roundTrip()
    }
    for (const o of observers) {
      await eventually(() => {
        const doc = new Y.Doc()
        for (const f of syncUpdatesFrom(o, wdoc.clientID)) Y.applyUpdate(doc, f.payload)
        expect(doc.getText('text').toString()).toBe('first second')
      })
    }
    await writer.roundTrip()
    // Exactly once each: every struct of the writer arrives in one relayed frame only.
    for (const o of observers) {
      const relayed = syncUpdatesFrom(o, wdoc.clientID)
      const structs = relayed.flatMap((f) => Y.decodeUpdate(f.payload).structs.map((s) => `${s.id.client}:${s.id.clock}`))
      expect(new Set(structs).size).toBe(structs.length)
      expect(relayed.length).toBeLessThanOrEqual(updates.length)
    }
    // The sender gets no echo of its own update (only its round-trip step 2s may contain it).
    expect(writer.frames.filter((f) => f.type === 0 && f.step === 2 && updateClients(f.payload).has(wdoc.clientID))).toEqual([])
    // Applied once: the server document holds the text once.
    expect(await serverText(server, room)).toBe('first second')
  })

  // proves: SYNC-6, DURABLE-1
  it('is persisted: the real store holds it within a second, and a restarted server serves it', async () => {
    const server = await startTestServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'persist me')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('persist me'), { timeoutMs: 1000 })
    a.destroy()
    await server.restart()
    const b = await syncedClient(server, room, await server.token({ doc: room }))
    expect(b.text()).toBe('persist me')
  })

  // proves: SYNC-3
  it('a client sync step 2 (answer to the server step 1) is applied like an update', async () => {
    const server = await startTestServer()
    const room = docId()
    const stock = await syncedClient(server, room, await server.token({ doc: room, sub: 's' }))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'r' }))
    const { update } = insertUpdate('via step 2', { clientID: 9_000_002 })
    await raw.send(syncStep2Frame(update))
    await eventually(() => expect(stock.text()).toBe('via step 2'))
  })

  // proves: SYNC-4
  it('is validated in full before it is applied: an update whose structs decode but whose delete set is broken changes nothing (1002)', async () => {
    const server = await startTestServer()
    const room = docId()
    const stock = await syncedClient(server, room, await server.token({ doc: room, sub: 's' }))
    stock.doc.getText('text').insert(0, 'before')
    await eventually(async () => expect(await serverText(server, room)).toBe('before'))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'r' }))
    await raw.send(updateFrame(structsThenBrokenDeleteSet('EVIL')))
    expect(await raw.closeCode()).toBe(1002)
    // A fresh look at the server's document: the structs were not kept.
    expect(await serverText(server, room)).toBe('before')
    const fresh = await syncedClient(server, room, await server.token({ doc: room, sub: 'f' }))
    expect(fresh.text()).toBe('before')
    await consistently(() => expect(stock.text()).toBe('before'))
    // And the room is still served.
    stock.doc.getText('text').insert(6, '!')
    await eventually(() => expect(fresh.text()).toBe('before!'))
  })

  // proves: SYNC-7
  it('an awareness message and document updates from one connection are all handled (no message is dropped between them)', async () => {
    const server = await startTestServer()
    const room = docId()
    const stock = await syncedClient(server, room, await server.token({ doc: room, sub: 's' }))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'r' }))
    const doc = new Y.Doc()
    doc.clientID = 9_000_003
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    for (let i = 0; i < 50; i++) doc.getText('text').insert(i, String(i % 10))
    for (const [i, u] of updates.entries()) {
      await raw.send(updateFrame(u))
      if (i % 10 === 0) await raw.send(awarenessFrame([{ clientID: doc.clientID, clock: i + 1, state: { i } }]))
    }
    await eventually(() => expect(stock.text()).toBe(doc.getText('text').toString()))
    await eventually(() => expect(stock.provider.awareness.getStates().get(doc.clientID)).toEqual({ i: 40, user: { id: 'r' } }))
  })
})
