/**
 * docs/sync-protocol.md, "Saved acknowledgements": type 100 with no payload
 * asks; the server answers at once and again after each store write touching
 * the room, with type 100 + varUint8Array(encodeStateVector(persisted)). Stock
 * clients never see it; read connections may opt in.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { MessageType } from '../../lib/protocol'
import {
  api,
  connectClient,
  docId,
  eventually,
  localClock,
  rawClient,
  spawnServer,
  startTestServer,
  syncedClient,
  type RawClient,
  type StockClient,
} from './harness'
import { SAVED_REQUEST_FRAME, decodeFrame, insertUpdate, updateFrame, type Frame } from './wire'

type SavedFrame = Extract<Frame, { type: 100 }>

const savedFrames = (raw: RawClient) => raw.framesOf(100)
const lastSaved = (raw: RawClient): SavedFrame | undefined => savedFrames(raw).at(-1)

/** Opts a stock provider into saved acks the way the web app would: a handler for type 100 and one request. */
function optIn(client: StockClient): SavedFrame[] {
  const acks: SavedFrame[] = []
  client.provider.messageHandlers[MessageType.Saved] = (_encoder, decoder) => {
    // Re-decode the whole frame strictly (the handler gets the decoder past the type).
    const rest = decoder.arr.subarray(decoder.pos)
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.Saved)
    encoding.writeUint8Array(e, rest)
    const frame = decodeFrame(encoding.toUint8Array(e))
    decoder.pos = decoder.arr.length
    if (frame.type !== 100) throw new Error(`bad saved frame: ${JSON.stringify(frame)}`)
    acks.push(frame)
  }
  ;(client.provider.ws as unknown as { send(b: Uint8Array): void }).send(SAVED_REQUEST_FRAME)
  return acks
}

describe('saved acknowledgements', () => {
  // proves: SAVED-1
  it('the request is [type 100] with no payload, and the answer comes at once: type 100 + a length-prefixed state vector (empty for a new room)', async () => {
    const server = await startTestServer()
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    const sentAt = Date.now()
    await raw.send(SAVED_REQUEST_FRAME)
    const ack = (await raw.waitFor((f) => f.type === 100, { timeoutMs: 1000 })) as SavedFrame
    expect(Date.now() - sentAt).toBeLessThan(1000)
    expect(ack.stateVector.size).toBe(0)
    // Exactly lib0 writeVarUint(100) + writeVarUint8Array(Y.encodeStateVector(empty)).
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 100)
    encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()))
    expect([...ack.raw]).toEqual([...encoding.toUint8Array(e)])
  })

  // proves: SAVED-1, SAVED-3
  it('the immediate answer carries the persisted state vector of a room that has content', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    writer.doc.getText('text').insert(0, 'already saved')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('already saved'))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'r' }))
    await raw.send(SAVED_REQUEST_FRAME)
    const ack = (await raw.waitFor((f) => f.type === 100, { timeoutMs: 1000 })) as SavedFrame
    expect(ack.stateVector.get(writer.doc.clientID)).toBe(localClock(writer.doc))
  })

  // proves: SAVED-3
  it('in a room just loaded from the store (cold), the immediate answer already carries the stored state vector', async () => {
    const server = await startTestServer()
    const room = docId()
    const stored = insertUpdate('stored earlier', { clientID: 14_000_002 })
    await server.store.inner.appendBatch([{ docId: room, update: stored.update }])
    const raw = await rawClient(server, room, await server.token({ doc: room, access: 'read' }))
    await raw.send(SAVED_REQUEST_FRAME)
    const ack = (await raw.waitFor((f) => f.type === 100, { timeoutMs: 1000 })) as SavedFrame
    expect(ack.stateVector.get(14_000_002)).toBe(localClock(stored.doc))
  })

  // proves: SAVED-2, SAVED-4
  it("after the client's own write, another ack arrives whose clock for its clientID reaches its local clock", async () => {
    const server = await startTestServer()
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    await raw.send(SAVED_REQUEST_FRAME)
    await raw.waitFor((f) => f.type === 100)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getText('text').insert(0, 'hello')
    doc.getText('text').insert(5, ' world')
    for (const u of updates) await raw.send(updateFrame(u))
    await eventually(() => expect(lastSaved(raw)?.stateVector.get(doc.clientID)).toBe(localClock(doc)), { timeoutMs: 2000 })
    // It was really saved by then: the store has it.
    expect(await server.store.storedText(room)).toBe('hello world')
  })

  // proves: SAVED-3
  it('an ack never runs ahead of the store: with a slow group commit, the answer to a request right after an update leaves it out until it is stored', async () => {
    const server = await startTestServer({ limits: { persistIntervalMs: 800 } })
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    const { update, doc } = insertUpdate('not yet saved', { clientID: 14_000_001 })
    await raw.send(updateFrame(update))
    await raw.send(SAVED_REQUEST_FRAME)
    const first = (await raw.waitFor((f) => f.type === 100, { timeoutMs: 1000 })) as SavedFrame
    const storedNow = await server.store.inner.load(room)
    const stored = new Y.Doc()
    for (const u of storedNow.updates) Y.applyUpdate(stored, u)
    // Whatever the answer claims is saved must already be in the store.
    expect(first.stateVector.get(doc.clientID) ?? 0).toBeLessThanOrEqual(Y.getState(stored.store, doc.clientID))
    // And once it is stored, the ack says so.
    await eventually(() => expect(lastSaved(raw)?.stateVector.get(doc.clientID)).toBe(localClock(doc)), { timeoutMs: 3000 })
    expect(await server.store.storedText(room)).toBe('not yet saved')
  })

  // proves: SAVED-2
  it('a stock provider opted in sees its edits acknowledged; acks follow other writers and HTTP API writes to the room too', async () => {
    const server = await startTestServer()
    const room = docId()
    const me = await syncedClient(server, room, await server.token({ doc: room, sub: 'me' }))
    const acks = optIn(me)
    await eventually(() => expect(acks.length).toBeGreaterThanOrEqual(1), { timeoutMs: 1000 })
    me.doc.getText('text').insert(0, 'mine')
    await eventually(() => expect(acks.at(-1)!.stateVector.get(me.doc.clientID)).toBe(localClock(me.doc)))
    // Another connection's write touches the room: a new ack with that writer's clock.
    const other = await syncedClient(server, room, await server.token({ doc: room, sub: 'other' }))
    other.doc.getText('text').insert(0, 'theirs ')
    await eventually(() => expect(acks.at(-1)!.stateVector.get(other.doc.clientID)).toBe(localClock(other.doc)))
    // An HTTP API write touches the room too.
    const { update, doc: apiDoc } = insertUpdate('api ', { clientID: 1_234_567 })
    const res = await api(server, 'POST', `/docs/${room}/update`, { token: await server.token({ doc: room, sub: 'backend' }), body: update })
    expect(res.status).toBe(204)
    await eventually(() => expect(acks.at(-1)!.stateVector.get(1_234_567)).toBe(localClock(apiDoc)))
  })

  // proves: SAVED-2, EXT-1
  it('a write to another room does not produce an ack here, and a client that never asked never gets type 100', async () => {
    const server = await startTestServer()
    const room = docId('here')
    const elsewhere = docId('elsewhere')
    const asked = await rawClient(server, room, await server.token({ doc: room, sub: 'asked' }))
    const silent = await rawClient(server, room, await server.token({ doc: room, sub: 'silent' }))
    await asked.send(SAVED_REQUEST_FRAME)
    await asked.waitFor((f) => f.type === 100)
    const before = savedFrames(asked).length
    const far = await syncedClient(server, elsewhere, await server.token({ doc: elsewhere }))
    far.doc.getText('text').insert(0, 'far away')
    await eventually(async () => expect(await server.store.storedText(elsewhere)).toBe('far away'))
    // A write here, to know the room's acks are flowing.
    const near = await syncedClient(server, room, await server.token({ doc: room, sub: 'near' }))
    near.doc.getText('text').insert(0, 'near')
    await eventually(() => expect(lastSaved(asked)?.stateVector.get(near.doc.clientID)).toBe(localClock(near.doc)))
    for (const ack of savedFrames(asked).slice(before)) expect(ack.stateVector.has(far.doc.clientID)).toBe(false)
    await silent.roundTrip()
    expect(savedFrames(silent)).toEqual([])
  })

  // proves: EXT-1
  it('stock clients never see it: a stock provider that did not opt in gets no message it cannot handle', async () => {
    const server = await startTestServer()
    const room = docId()
    const stock = connectClient(server, room, await server.token({ doc: room, sub: 'stock' }))
    const unknown: number[] = []
    const original = stock.provider.messageHandlers.slice()
    // Record anything outside the stock handler table instead of letting it hit console.error.
    for (let t = 0; t < 256; t++) {
      if (!original[t]) {
        stock.provider.messageHandlers[t] = () => {
          unknown.push(t)
        }
      }
    }
    await stock.waitSynced()
    const asker = await rawClient(server, room, await server.token({ doc: room, sub: 'asker' }))
    await asker.send(SAVED_REQUEST_FRAME)
    stock.doc.getText('text').insert(0, 'typing')
    await eventually(() => expect(lastSaved(asker)?.stateVector.get(stock.doc.clientID)).toBe(localClock(stock.doc)))
    expect(unknown).toEqual([])
  })

  // proves: SAVED-5
  it('read connections may opt in too', async () => {
    const server = await startTestServer()
    const room = docId()
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }))
    await reader.send(SAVED_REQUEST_FRAME)
    await reader.waitFor((f) => f.type === 100, { timeoutMs: 1000 })
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    writer.doc.getText('text').insert(0, 'written')
    await eventually(() => expect(lastSaved(reader)?.stateVector.get(writer.doc.clientID)).toBe(localClock(writer.doc)))
    expect(reader.isOpen).toBe(true)
  })

  // proves: SAVED-4
  it('an acknowledged edit survives kill -9 immediately after the ack (the vector is the persisted one)', async () => {
    const server = await spawnServer()
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    await raw.send(SAVED_REQUEST_FRAME)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    for (let i = 0; i < 30; i++) doc.getText('text').insert(i, 'abcdefghij'[i % 10])
    for (const u of updates) await raw.send(updateFrame(u))
    await eventually(() => expect(lastSaved(raw)?.stateVector.get(doc.clientID)).toBe(localClock(doc)), { timeoutMs: 5000 })
    server.kill('SIGKILL')
    await server.exited
    raw.terminate()
    const again = await spawnServer({ env: { DATA_DIR: server.dataDir, AUTH_SECRET: server.secret } })
    const check = await syncedClient(again, room, await again.token({ doc: room }))
    expect(check.text()).toBe(doc.getText('text').toString())
  })
})
