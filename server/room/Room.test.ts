/**
 * Unit tests of a room, with fake peers (no sockets), fake timers, a real
 * PersistQueue and a real SQLite store in memory. What is checked is what a
 * client sees: the frames each peer is sent, and what the store holds.
 */
import * as decoding from 'lib0/decoding'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { canWrite, type AccessLevel, type TokenAccess } from '../../lib/access'
import { MessageType } from '../../lib/protocol'
import { decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from '../AwarenessStore'
import type { FanoutMessage } from '../fanout/Fanout'
import { PersistQueue } from '../PersistQueue'
import { SqliteStore } from '../persistence/SqliteStore'
import { encodeAwarenessMessage, encodeSyncStep1FromStateVector, encodeSyncStep2FromUpdate, encodeUpdateMessage, STREAMED_CHECK_BYTES } from '../protocol'
import { SyncError } from '../SyncError'
import type { DocumentStore } from '../persistence/DocumentStore'
import { INTEGRATION_FAILURE_UPDATE } from '../test/wire'
import type { RoomDeps } from './deps'
import { MAX_REBUILD_BACKLOG_BYTES } from './DocumentRebuild'
import { handlePeerFrame, type Peer } from './Peer'
import { READ_ONLY_REASON } from './peerAccess'
import { Room } from './Room'

const silent = pino({ level: 'silent' })

type Sent =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; entries: AwarenessEntry[] }
  | { kind: 'denied'; reason: string }
  | { kind: 'saved'; stateVector: Uint8Array }

function decodeSent(frame: Uint8Array): Sent {
  const decoder = decoding.createDecoder(frame)
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.Sync: {
      const step = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (step === 0) return { kind: 'step1', stateVector: payload }
      return step === 1 ? { kind: 'step2', update: payload } : { kind: 'update', update: payload }
    }
    case MessageType.Awareness:
      return { kind: 'awareness', entries: decodeAwarenessUpdate(decoding.readVarUint8Array(decoder)) }
    case MessageType.Auth:
      decoding.readVarUint(decoder)
      return { kind: 'denied', reason: decoding.readVarString(decoder) }
    case MessageType.Saved:
      return { kind: 'saved', stateVector: decoding.readVarUint8Array(decoder) }
    default:
      throw new Error(`unexpected frame type ${type}`)
  }
}

/** A peer that records what it is sent; `send` fails once it is closed. */
class FakePeer implements Peer {
  private static nextId = 1
  readonly id = FakePeer.nextId++
  readonly sent: Sent[] = []
  closed: { code: number; reason: string } | null = null
  access: AccessLevel
  readonly tokenIssuedAt = 0
  /** Fresh tokens this peer was handed (the transport's to check; see Connection.test.ts). */
  readonly renewals: string[] = []

  constructor(
    readonly sub: string,
    readonly tokenAccess: TokenAccess = 'write',
    readonly name: string | undefined = undefined,
  ) {
    this.access = tokenAccess
  }

  async renewToken(token: string): Promise<{ couldWrite: boolean } | null> {
    this.renewals.push(token)
    return null
  }

  get canWrite(): boolean {
    return canWrite(this.access)
  }

  send(frame: Buffer, onWritten?: () => void): boolean {
    if (this.closed) return false
    this.sent.push(decodeSent(frame))
    onWritten?.()
    return true
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason }
  }

  /** What was sent of one kind, and forget everything sent so far. */
  take<K extends Sent['kind']>(kind: K): Extract<Sent, { kind: K }>[] {
    const matching = this.sent.filter((frame): frame is Extract<Sent, { kind: K }> => frame.kind === kind)
    this.sent.length = 0
    return matching
  }
}

function textUpdate(text: string, clientID: number, base?: Y.Doc): { update: Uint8Array; doc: Y.Doc } {
  const doc = new Y.Doc()
  doc.clientID = clientID
  if (base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  doc.getText('text').insert(doc.getText('text').length, text)
  return { update: Y.encodeStateAsUpdate(doc, before), doc }
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('text').toString()
}

const awarenessFrame = (entries: AwarenessEntry[]) => encodeAwarenessMessage(encodeAwarenessUpdate(entries))
const SAVED_REQUEST = Uint8Array.of(MessageType.Saved)
const emptyDocument = { updates: [], snapshotStateVector: null, lastSeq: 0, logLength: 0 }

/** A fan-out that records what the room publishes (shared: as with Redis). */
class RecordingFanout {
  readonly published: FanoutMessage[] = []
  constructor(readonly shared: boolean) {}
  publish(_docId: string, message: FanoutMessage): void {
    this.published.push(message)
  }
}

let store: SqliteStore
let queue: PersistQueue
let broadcasts: { receivers: number; bytes: number }[]

function roomDeps(overrides: Partial<RoomDeps> = {}): RoomDeps {
  return {
    store,
    persistQueue: queue,
    fanout: new RecordingFanout(false),
    metrics: { recordBroadcast: (receivers, bytes) => broadcasts.push({ receivers, bytes }) },
    compactAfterUpdates: 1000,
    log: silent,
    ...overrides,
  }
}

beforeEach(() => {
  vi.useFakeTimers()
  store = new SqliteStore(':memory:')
  queue = new PersistQueue(store, { intervalMs: 50 }, silent)
  broadcasts = []
})

afterEach(async () => {
  queue.stop()
  await store.close()
  vi.useRealTimers()
})

/** Lets the room's end-of-turn broadcast run. */
const endOfTurn = () => vi.advanceTimersByTimeAsync(0)

describe('joining', () => {
  it('a joiner is sent sync step 1 with the room\'s state vector; a read-only joiner is also told it may not write', () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('hi', 1).update))
    const reader = new FakePeer('r', 'read')
    room.join(reader)
    expect(reader.sent.map((frame) => frame.kind)).toEqual(['step1', 'denied'])
    expect(Y.decodeStateVector(reader.take('step1')[0].stateVector)).toEqual(new Map([[1, 2]]))
    const writer2 = new FakePeer('w2')
    room.join(writer2)
    expect(writer2.sent.map((frame) => frame.kind)).toEqual(['step1'])
  })

  it('a cold room answers a fresh client with the stored bytes, and its state vector without building the document', async () => {
    const { update } = textUpdate('stored', 7)
    const stored = { updates: [update], snapshotStateVector: null, lastSeq: 1, logLength: 1 }
    const room = new Room('doc', stored, roomDeps())
    const fresh = new FakePeer('f')
    room.join(fresh)
    expect(Y.decodeStateVector(fresh.take('step1')[0].stateVector)).toEqual(new Map([[7, 6]]))
    room.handleMessage(fresh, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
    const [step2] = fresh.take('step2')
    expect(step2.update).toEqual(update)
    // And it is a live room for everything else: a write lands on top of what was stored.
    room.handleMessage(fresh, encodeUpdateMessage(textUpdate('!', 8).update))
    expect(room.doc.getText('text').toString()).toMatch(/^(stored!|!stored)$/)
  })
})

describe('sync step 2 for fresh clients', () => {
  /** A peer that also keeps the raw frames it was sent, to tell one shared frame from equal copies. */
  class RawPeer extends FakePeer {
    readonly raw: Buffer[] = []
    override send(frame: Buffer, onWritten?: () => void): boolean {
      this.raw.push(frame)
      return super.send(frame, onWritten)
    }
  }

  /** Joins a fresh client and asks for everything; returns the raw step-2 frame and the text it carries. */
  function freshJoin(room: Room): { frame: Buffer; text: string } {
    const peer = new RawPeer('fresh')
    room.join(peer)
    peer.raw.length = 0
    peer.take('step1')
    room.handleMessage(peer, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
    const [step2] = peer.take('step2')
    return { frame: peer.raw[0], text: textOf(step2.update) }
  }

  it('is encoded once per change of the document and shared by every fresh joiner until the next change', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const writer = new FakePeer('w')
    room.join(writer)
    const first = textUpdate('hello', 1)
    room.handleMessage(writer, encodeUpdateMessage(first.update))
    const a = freshJoin(room)
    const b = freshJoin(room)
    expect(a.text).toBe('hello')
    expect(b.frame).toBe(a.frame)
    // An insertion: the next fresh joiner gets the new state, not the shared frame.
    room.handleMessage(writer, encodeUpdateMessage(textUpdate(' world', 1, first.doc).update))
    const c = freshJoin(room)
    expect(c.text).toBe('hello world')
    expect(c.frame).not.toBe(a.frame)
    // A deletion alone changes the document too.
    const editor = new Y.Doc()
    Y.applyUpdate(editor, room.encodeState())
    const before = Y.encodeStateVector(editor)
    editor.getText('text').delete(0, 6)
    room.handleMessage(writer, encodeUpdateMessage(Y.encodeStateAsUpdate(editor, before)))
    expect(freshJoin(room).text).toBe('world')
    // A client that holds part of the document still gets only what it lacks.
    const partial = new FakePeer('partial')
    room.join(partial)
    partial.take('step1')
    room.handleMessage(partial, encodeSyncStep1FromStateVector(Y.encodeStateVector(first.doc)))
    const [step2] = partial.take('step2')
    const holder = new Y.Doc()
    Y.applyUpdate(holder, first.update)
    Y.applyUpdate(holder, step2.update)
    expect(holder.getText('text').toString()).toBe('world')
  })

  it('on a cold room is the stored bytes, and the live document once a write built it', async () => {
    const { update, doc } = textUpdate('stored', 7)
    const stored = { updates: [update], snapshotStateVector: null, lastSeq: 1, logLength: 1 }
    const room = new Room('doc', stored, roomDeps())
    expect(freshJoin(room).text).toBe('stored')
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('!', 7, doc).update))
    expect(freshJoin(room).text).toBe('stored!')
  })
})

describe('document updates', () => {
  it('are applied once, stored once and relayed as one frame to every other peer, never echoed to the sender', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [a, b, c] = [new FakePeer('a'), new FakePeer('b'), new FakePeer('c')]
    for (const peer of [a, b, c]) room.join(peer)
    for (const peer of [a, b, c]) peer.take('step1')
    const { update } = textUpdate('hello', 1)
    room.handleMessage(a, encodeUpdateMessage(update))
    expect(room.doc.getText('text').toString()).toBe('hello')
    // Nothing goes out before the end of the turn: that is what lets a burst become one frame.
    expect(b.sent).toEqual([])
    broadcasts.length = 0
    await endOfTurn()
    expect(a.take('update')).toEqual([])
    expect(b.take('update').map((frame) => textOf(frame.update))).toEqual(['hello'])
    expect(c.take('update').map((frame) => textOf(frame.update))).toEqual(['hello'])
    // Counted once per frame, with its receivers.
    expect(broadcasts).toEqual([{ receivers: 2, bytes: expect.any(Number) }])
    await vi.advanceTimersByTimeAsync(50)
    expect(textOf(Y.mergeUpdates((await store.load('doc')).updates))).toBe('hello')
    expect((await store.load('doc')).logLength).toBe(1)
  })

  it('from several peers in one turn go out as one merged frame to each receiver', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [a, b, watcher] = [new FakePeer('a'), new FakePeer('b'), new FakePeer('watcher')]
    for (const peer of [a, b, watcher]) room.join(peer)
    for (const peer of [a, b, watcher]) peer.take('step1')
    room.handleMessage(a, encodeUpdateMessage(textUpdate('A', 1).update))
    room.handleMessage(b, encodeUpdateMessage(textUpdate('B', 2).update))
    room.handleMessage(a, encodeUpdateMessage(textUpdate('C', 3).update))
    await endOfTurn()
    const frames = watcher.take('update')
    expect(frames).toHaveLength(1)
    expect(textOf(frames[0].update).split('').sort().join('')).toBe('ABC')
    // With more than one sender in the batch, the senders get it too (each lacks the other's part).
    expect(a.take('update')).toHaveLength(1)
    expect(b.take('update')).toHaveLength(1)
  })

  it('a duplicate is neither relayed nor stored again', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [a, b] = [new FakePeer('a'), new FakePeer('b')]
    room.join(a)
    room.join(b)
    const { update } = textUpdate('once', 1)
    room.handleMessage(a, encodeUpdateMessage(update))
    await endOfTurn()
    b.take('update')
    room.handleMessage(a, encodeUpdateMessage(update))
    await endOfTurn()
    expect(b.take('update')).toEqual([])
    expect(queue.size).toBe(1)
  })

  it('a read-only peer\'s updates are neither applied, relayed nor stored', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [reader, other] = [new FakePeer('r', 'read'), new FakePeer('o')]
    room.join(reader)
    room.join(other)
    other.take('step1')
    room.handleMessage(reader, encodeUpdateMessage(textUpdate('nope', 1).update))
    await endOfTurn()
    expect(room.doc.getText('text').toString()).toBe('')
    expect(other.take('update')).toEqual([])
    expect(queue.size).toBe(0)
  })

  // A large one is checked as a stream (readValidUpdate, STREAMED_CHECK_BYTES), a small one decoded whole: both must hold.
  it.each([
    ['small', ' lost'],
    ['large (checked as a stream)', 'y'.repeat(STREAMED_CHECK_BYTES)],
  ])('a %s update that does not decode throws SyncError 1002 and leaves the document exactly as it was', async (_size, text) => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('kept', 1).update))
    const before = Y.encodeStateAsUpdate(room.doc)
    const { update } = textUpdate(text, 2)
    const truncated = update.subarray(0, update.length - 2)
    const error = (() => {
      try {
        room.handleMessage(writer, encodeUpdateMessage(truncated))
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(SyncError)
    expect((error as SyncError).closeCode).toBe(1002)
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before)
    expect(queue.size).toBe(1)
  })
})

describe('large updates (STREAMED_CHECK_BYTES or more: checked as a stream)', () => {
  it('are applied, stored and relayed alone, never merged with the same turn\'s other updates', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [a, b, watcher] = [new FakePeer('a'), new FakePeer('b'), new FakePeer('watcher')]
    for (const peer of [a, b, watcher]) room.join(peer)
    for (const peer of [a, b, watcher]) peer.take('step1')
    const big = textUpdate('y'.repeat(STREAMED_CHECK_BYTES), 1)
    expect(big.update.length).toBeGreaterThanOrEqual(STREAMED_CHECK_BYTES)
    room.handleMessage(a, encodeUpdateMessage(textUpdate('before ', 2).update))
    room.handleMessage(b, encodeUpdateMessage(big.update))
    room.handleMessage(a, encodeUpdateMessage(textUpdate(' after', 3).update))
    await endOfTurn()
    const frames = watcher.take('update')
    // What came before it, merged and sent first; it alone, as it came; what came after it.
    expect(frames.map((frame) => textOf(frame.update))).toEqual(['before ', big.doc.getText('text').toString(), ' after'])
    expect(frames[1].update).toEqual(big.update)
    expect(room.doc.getText('text').length).toBe(STREAMED_CHECK_BYTES + 'before  after'.length)
    expect(queue.size).toBe(3)
  })
})

describe('updates held back for missing dependencies', () => {
  const clientsOf = (update: Uint8Array) => [...new Set(Y.decodeUpdate(update).structs.map((struct) => struct.id.client))].sort()

  // proves: SYNC-8
  it('are sent to a joiner apart from the rest, after it, and are not in the GET answer; once they apply, nothing is apart', async () => {
    const first = textUpdate('hello', 1)
    const second = textUpdate('X', 2, first.doc)
    const both = new Y.Doc()
    Y.applyUpdate(both, first.update)
    Y.applyUpdate(both, second.update)
    const third = textUpdate('Y', 3, both)
    const room = new Room('doc', emptyDocument, roomDeps())
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(first.update))
    // The third depends on the second, which has not come: held back.
    room.handleMessage(writer, encodeUpdateMessage(third.update))
    expect(room.doc.store.pendingStructs).not.toBeNull()
    const joiner = new FakePeer('joiner')
    room.join(joiner)
    joiner.take('step1')
    room.handleMessage(joiner, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
    const sent = joiner.sent.splice(0)
    expect(sent.map((frame) => frame.kind)).toEqual(['step2', 'update'])
    const [step2, apart] = sent as [Extract<Sent, { kind: 'step2' }>, Extract<Sent, { kind: 'update' }>]
    expect(clientsOf(step2.update)).toEqual([1])
    expect(clientsOf(apart.update)).toEqual([3])
    expect(clientsOf(room.encodeState())).toEqual([1])
    // Applied in that order, the joiner holds what the room holds, held back alike.
    const joined = new Y.Doc()
    Y.applyUpdate(joined, step2.update)
    Y.applyUpdate(joined, apart.update)
    expect(joined.getText('text').toString()).toBe(room.doc.getText('text').toString())
    expect(joined.store.pendingStructs).not.toBeNull()
    // The missing one arrives: everything applies, for the room and for whoever holds the same.
    room.handleMessage(writer, encodeUpdateMessage(second.update))
    Y.applyUpdate(joined, second.update)
    expect(room.doc.store.pendingStructs).toBeNull()
    expect(joined.getText('text').toString()).toBe(room.doc.getText('text').toString())
    expect(room.doc.getText('text').toString()).toBe('helloXY')
    const later = new FakePeer('later')
    room.join(later)
    later.take('step1')
    room.handleMessage(later, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
    expect(later.sent.map((frame) => frame.kind)).toEqual(['step2'])
  })

  // proves: SYNC-8
  it('go out to the other peers alone, never merged with other updates of the same turn', async () => {
    const first = textUpdate('hello', 1)
    const second = textUpdate('X', 2, first.doc)
    const both = new Y.Doc()
    Y.applyUpdate(both, first.update)
    Y.applyUpdate(both, second.update)
    const third = textUpdate('Y', 3, both)
    const room = new Room('doc', emptyDocument, roomDeps())
    const [writer, watcher] = [new FakePeer('w'), new FakePeer('watcher')]
    room.join(writer)
    room.join(watcher)
    room.handleMessage(writer, encodeUpdateMessage(first.update))
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('!', 4).update))
    room.handleMessage(writer, encodeUpdateMessage(third.update))
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('?', 5).update))
    await endOfTurn()
    const frames = watcher.take('update').map((frame) => clientsOf(frame.update))
    // The two before it merged and sent first; it alone; what came after it, alone too (held back: nothing merges).
    expect(frames).toEqual([[1, 4], [3], [5]])
  })
})

describe('saved acknowledgements', () => {
  it('a peer that asks is told what is durable now and after each write; peers that did not ask are told nothing', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [asker, other] = [new FakePeer('asker'), new FakePeer('other')]
    room.join(asker)
    room.join(other)
    room.handleMessage(asker, SAVED_REQUEST)
    expect(asker.take('saved').map((ack) => Y.decodeStateVector(ack.stateVector))).toEqual([new Map()])
    room.handleMessage(asker, encodeUpdateMessage(textUpdate('abc', 5).update))
    await endOfTurn()
    expect(asker.take('saved')).toEqual([])
    await vi.advanceTimersByTimeAsync(50)
    expect(asker.take('saved').map((ack) => Y.decodeStateVector(ack.stateVector))).toEqual([new Map([[5, 3]])])
    expect(other.take('saved')).toEqual([])
    // Once the asker has left, nobody is told (and nothing is sent to a peer that is gone).
    room.leave(asker)
    room.handleMessage(other, encodeUpdateMessage(textUpdate('d', 6).update))
    await vi.advanceTimersByTimeAsync(50)
    expect(asker.take('saved')).toEqual([])
    expect(other.take('saved')).toEqual([])
  })

  it('a late subscriber on a room whose writes were stored unobserved is told the whole document once nothing is pending', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('xy', 3).update))
    const early = new FakePeer('early')
    room.join(early)
    // Still queued: the ack may only say what is durable, so not yet 'xy'.
    room.handleMessage(early, SAVED_REQUEST)
    expect(Y.decodeStateVector(early.take('saved')[0].stateVector)).toEqual(new Map())
    room.leave(early)
    await vi.advanceTimersByTimeAsync(50)
    const late = new FakePeer('late')
    room.join(late)
    room.handleMessage(late, SAVED_REQUEST)
    expect(Y.decodeStateVector(late.take('saved')[0].stateVector)).toEqual(new Map([[3, 2]]))
  })
})

describe('compaction', () => {
  it('folds the stored log into one snapshot once it holds compactAfterUpdates entries', async () => {
    const room = new Room('doc', emptyDocument, roomDeps({ compactAfterUpdates: 3 }))
    const writer = new FakePeer('w')
    room.join(writer)
    for (const [i, text] of ['a', 'b'].entries()) room.handleMessage(writer, encodeUpdateMessage(textUpdate(text, i + 1).update))
    await vi.advanceTimersByTimeAsync(50)
    expect((await store.load('doc')).logLength).toBe(2)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('c', 3).update))
    await vi.advanceTimersByTimeAsync(50)
    const stored = await store.load('doc')
    expect(stored.logLength).toBe(0)
    expect(stored.updates).toHaveLength(1)
    expect(textOf(stored.updates[0]).split('').sort().join('')).toBe('abc')
  })

  it('never compacts a deleted document', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('gone', 1).update))
    await vi.advanceTimersByTimeAsync(50)
    room.closeForDeletion()
    await room.compact()
    expect((await store.load('doc')).logLength).toBe(1)
  })
})

describe('presence', () => {
  const state = (clientId: number, clock: number, value: unknown): AwarenessEntry => ({ clientId, clock, json: JSON.stringify(value) })

  it('a peer\'s presence reaches the others at the end of the turn, and a joiner gets everyone\'s', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [a, b] = [new FakePeer('a'), new FakePeer('b')]
    room.join(a)
    room.join(b)
    // Already bound to a's token (presence is, see below): relayed exactly as sent.
    room.handleMessage(a, awarenessFrame([state(11, 1, { user: { id: 'a' } })]))
    await endOfTurn()
    expect(b.take('awareness').map((frame) => frame.entries)).toEqual([[state(11, 1, { user: { id: 'a' } })]])
    expect(a.take('awareness')).toEqual([])
    const late = new FakePeer('late')
    room.join(late)
    expect(late.take('awareness').map((frame) => frame.entries)).toEqual([[state(11, 1, { user: { id: 'a' } })]])
  })

  it('a peer can neither overwrite nor erase another peer\'s client ID; leaving removes its states for everyone', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [a, b] = [new FakePeer('a'), new FakePeer('b')]
    room.join(a)
    room.join(b)
    room.handleMessage(a, awarenessFrame([state(11, 1, { user: { id: 'a' } })]))
    await endOfTurn()
    room.handleMessage(b, awarenessFrame([state(11, 5, { user: 'impostor' })]))
    room.handleMessage(b, awarenessFrame([{ clientId: 11, clock: 6, json: 'null' }]))
    await endOfTurn()
    expect(a.take('awareness')).toEqual([])
    b.take('awareness')
    room.leave(a)
    await endOfTurn()
    expect(b.take('awareness').map((frame) => frame.entries)).toEqual([[{ clientId: 11, clock: 2, json: 'null' }]])
  })
})

describe('presence bound to the token', () => {
  const state = (clientId: number, clock: number, value: unknown): AwarenessEntry => ({ clientId, clock, json: JSON.stringify(value) })
  const relayedTo = (peer: FakePeer) => peer.take('awareness').flatMap((frame) => frame.entries.map((entry) => [entry.clientId, JSON.parse(entry.json)]))

  // proves: PRESENCE-8
  it("every state relayed carries the sender's token identity (user.id its sub, user.name its name); other fields pass as sent", async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const alice = new FakePeer('alice-id', 'write', 'Alice')
    const bob = new FakePeer('bob-id', 'read')
    const watcher = new FakePeer('watcher')
    for (const peer of [alice, bob, watcher]) room.join(peer)
    watcher.sent.length = 0
    room.handleMessage(alice, awarenessFrame([state(1, 1, { user: { id: 'carol-id', name: 'Carol', color: '#ff0000' }, cursor: { anchor: 3 } })]))
    // No name in bob's token: his own stays, his id does not.
    room.handleMessage(bob, awarenessFrame([state(2, 1, { user: { name: 'Boss', color: '#00ff00' } })]))
    room.handleMessage(alice, awarenessFrame([state(3, 1, { cursor: 5 })]))
    room.handleMessage(bob, awarenessFrame([state(4, 1, { user: 'not an object' })]))
    await endOfTurn()
    const expected = [
      [1, { user: { id: 'alice-id', name: 'Alice', color: '#ff0000' }, cursor: { anchor: 3 } }],
      [2, { user: { name: 'Boss', color: '#00ff00', id: 'bob-id' } }],
      [3, { cursor: 5, user: { id: 'alice-id', name: 'Alice' } }],
      [4, { user: { id: 'bob-id' } }],
    ]
    expect(relayedTo(watcher)).toEqual(expected)
    // What a joiner gets is bound too.
    const late = new FakePeer('late')
    room.join(late)
    expect(relayedTo(late)).toEqual(expected)
  })

  // proves: PRESENCE-8
  it('a state that already carries the identity is relayed exactly as it came (not written again); a state that is not an object is refused with 1002', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const alice = new FakePeer('alice-id', 'write', 'Alice')
    const watcher = new FakePeer('watcher')
    room.join(alice)
    room.join(watcher)
    const exact = '{"user":{"name":"Alice","color":"#123456","id":"alice-id"},"z":[1, 2]}'
    room.handleMessage(alice, awarenessFrame([{ clientId: 1, clock: 1, json: exact }]))
    await endOfTurn()
    expect(watcher.take('awareness').map((frame) => frame.entries[0].json)).toEqual([exact])
    for (const notAnObject of ['"Alice"', '[1]', '42', 'true']) {
      const refusal = (() => {
        try {
          room.handleMessage(alice, awarenessFrame([{ clientId: 1, clock: 2, json: notAnObject }]))
        } catch (error) {
          return error
        }
      })()
      expect(refusal, notAnObject).toBeInstanceOf(SyncError)
      expect((refusal as SyncError).closeCode).toBe(1002)
    }
    // A removal has no state to bind: it passes.
    room.handleMessage(alice, awarenessFrame([{ clientId: 1, clock: 2, json: 'null' }]))
    await endOfTurn()
    expect(watcher.take('awareness').map((frame) => frame.entries)).toEqual([[{ clientId: 1, clock: 2, json: 'null' }]])
  })

  // proves: PRESENCE-9
  it("a departed user's client ID taken by someone else shows the taker's identity, never the departed user's", async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const alice = new FakePeer('alice-id', 'write', 'Alice')
    const mallory = new FakePeer('mallory-id', 'read', 'Mallory')
    const watcher = new FakePeer('watcher')
    for (const peer of [alice, mallory, watcher]) room.join(peer)
    room.handleMessage(alice, awarenessFrame([state(7, 3, { user: { id: 'alice-id', name: 'Alice', color: '#ff0000' } })]))
    // While alice is here, her ID is hers alone.
    room.handleMessage(mallory, awarenessFrame([state(7, 1_000_000, { user: { id: 'alice-id', name: 'Alice', color: '#ff0000' } })]))
    await endOfTurn()
    expect(relayedTo(watcher)).toEqual([[7, { user: { id: 'alice-id', name: 'Alice', color: '#ff0000' } }]])
    room.leave(alice)
    await endOfTurn()
    expect(relayedTo(watcher)).toEqual([[7, null]])
    room.handleMessage(mallory, awarenessFrame([state(7, 1_000_000, { user: { id: 'alice-id', name: 'Alice', color: '#ff0000' } })]))
    await endOfTurn()
    expect(relayedTo(watcher)).toEqual([[7, { user: { id: 'mallory-id', name: 'Mallory', color: '#ff0000' } }]])
  })
})

describe('an update that fails inside Yjs', () => {
  const bad = INTEGRATION_FAILURE_UPDATE
  const badClient = Y.decodeUpdate(bad).structs[0].id.client

  /** The store with its loads held until `release()` (a rebuild then stays under way). */
  function slowStore(): { store: RoomDeps['store']; release: () => void; failNext: (error: Error) => void } {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const failures: Error[] = []
    return {
      store: {
        compact: (...args: Parameters<DocumentStore['compact']>) => store.compact(...args),
        load: async (docId: string) => {
          const failure = failures.shift()
          if (failure) throw failure
          await gate
          return store.load(docId)
        },
      },
      release,
      failNext: (error) => failures.push(error),
    }
  }

  const documentOf = (updates: Uint8Array[]) => {
    const doc = new Y.Doc()
    for (const update of updates) Y.applyUpdate(doc, update)
    return doc
  }

  // proves: INPUT-7
  it('closes its sender with 1002; the document is exactly as it was: nothing of it is kept, relayed, stored or sent to a joiner', async () => {
    // It does break a document when applied as it is: that is what the room must undo.
    const victim = documentOf([textUpdate('x', 1).update])
    expect(() => Y.applyUpdate(victim, bad)).toThrow(TypeError)
    expect(victim.getText('text').toString()).toContain('fuzz')

    const room = new Room('doc', emptyDocument, roomDeps())
    const [writer, watcher, mallory] = [new FakePeer('w'), new FakePeer('watcher'), new FakePeer('mallory')]
    for (const peer of [writer, watcher, mallory]) room.join(peer)
    const first = textUpdate('stored', 1)
    handlePeerFrame(room, writer, encodeUpdateMessage(first.update))
    await vi.advanceTimersByTimeAsync(50)
    // This one is still queued for the store when the bad one comes: the rebuild must keep it.
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate(' queued', 1, first.doc).update))
    await endOfTurn()
    for (const peer of [writer, watcher, mallory]) peer.sent.length = 0
    const before = Y.encodeStateVector(room.doc)
    expect(queue.size).toBe(1)

    handlePeerFrame(room, mallory, encodeUpdateMessage(bad))
    expect(mallory.closed?.code).toBe(1002)
    await room.settled()
    expect(Y.encodeStateVector(room.doc)).toEqual(before)
    expect(room.doc.getText('text').toString()).toBe('stored queued')
    expect(room.doc.getMap('meta').toJSON()).toEqual({})
    await endOfTurn()
    expect(watcher.take('update')).toEqual([])
    // A joiner is sent the document as it was.
    const joiner = new FakePeer('joiner')
    room.join(joiner)
    expect(joiner.take('step1').map((frame) => frame.stateVector)).toEqual([before])
    room.handleMessage(joiner, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
    const joined = documentOf(joiner.take('step2').map((frame) => frame.update))
    expect(joined.getText('text').toString()).toBe('stored queued')
    expect(Y.encodeStateVector(joined)).toEqual(before)
    // The store holds what was accepted, and nothing of the bad update (also after folding the log).
    await vi.advanceTimersByTimeAsync(50)
    await room.compact()
    const stored = documentOf((await store.load('doc')).updates)
    expect(stored.getText('text').toString()).toBe('stored queued')
    expect(Y.encodeStateVector(stored)).toEqual(before)
    expect(stored.getMap('meta').toJSON()).toEqual({})
    // And the room goes on: everyone else is still there, and edits flow.
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate('!', 2).update))
    await endOfTurn()
    expect(watcher.take('update')).toHaveLength(1)
    expect([writer.closed, watcher.closed, joiner.closed]).toEqual([null, null, null])
  })

  // proves: INPUT-8
  it("the room's other peers stay; what they send, and who joins, while it is rebuilt wait and are handled in order", async () => {
    const slow = slowStore()
    const room = new Room('doc', emptyDocument, roomDeps({ store: slow.store }))
    const [writer, watcher, mallory] = [new FakePeer('w'), new FakePeer('watcher'), new FakePeer('mallory')]
    for (const peer of [writer, watcher, mallory]) room.join(peer)
    const first = textUpdate('one', 1)
    handlePeerFrame(room, writer, encodeUpdateMessage(first.update))
    await endOfTurn()
    watcher.sent.length = 0

    handlePeerFrame(room, mallory, encodeUpdateMessage(bad))
    expect(mallory.closed?.code).toBe(1002)
    const second = textUpdate(' two', 1, first.doc)
    handlePeerFrame(room, writer, encodeUpdateMessage(second.update))
    handlePeerFrame(room, writer, awarenessFrame([{ clientId: 5, clock: 1, json: '{"user":{"id":"w"}}' }]))
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate(' three', 1, second.doc).update))
    const joiner = new FakePeer('joiner')
    room.join(joiner)
    await endOfTurn()
    // Nothing is handled, and the joiner is not greeted from the broken document, until it is rebuilt.
    expect(watcher.sent).toEqual([])
    expect(joiner.sent).toEqual([])
    expect(room.currentStateVector()).toBeNull()

    slow.release()
    await room.settled()
    expect(room.doc.getText('text').toString()).toBe('one two three')
    expect(room.doc.getMap('meta').toJSON()).toEqual({})
    await endOfTurn()
    const relayed = documentOf([first.update, ...watcher.take('update').map((frame) => frame.update)])
    expect(relayed.getText('text').toString()).toBe('one two three')
    // Greeted after the frames that came before it, from the rebuilt document.
    expect(joiner.take('step1').map((frame) => frame.stateVector)).toEqual([Y.encodeStateVector(room.doc)])
    expect([writer.closed, watcher.closed, joiner.closed]).toEqual([null, null, null])
  })

  // proves: INPUT-7
  it('while the store cannot answer, the rebuild is retried; nothing of the bad update is acknowledged as saved meanwhile', async () => {
    const slow = slowStore()
    slow.failNext(new Error('database away'))
    slow.release()
    const room = new Room('doc', emptyDocument, roomDeps({ store: slow.store }))
    const [writer, asker, mallory] = [new FakePeer('w'), new FakePeer('asker'), new FakePeer('mallory')]
    for (const peer of [writer, asker, mallory]) room.join(peer)
    room.handleMessage(asker, SAVED_REQUEST)
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate('kept', 1).update))
    handlePeerFrame(room, mallory, encodeUpdateMessage(bad))
    expect(mallory.closed?.code).toBe(1002)
    // The queued write goes out during the rebuild: its acknowledgement must not claim the bad update.
    await vi.advanceTimersByTimeAsync(50)
    await vi.advanceTimersByTimeAsync(1_000)
    await room.settled()
    expect(room.doc.getText('text').toString()).toBe('kept')
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate('!', 2).update))
    await vi.advanceTimersByTimeAsync(50)
    const acks = asker.take('saved').map((ack) => Y.decodeStateVector(ack.stateVector))
    expect(acks.length).toBeGreaterThan(0)
    for (const ack of acks) expect(ack.has(badClient)).toBe(false)
    expect(acks.at(-1)).toEqual(new Map([[1, 4], [2, 1]]))
  })

  // proves: INPUT-7
  it('a fold of the log while the document is rebuilt folds the stored rows, never the broken document', async () => {
    const slow = slowStore()
    const room = new Room('doc', emptyDocument, roomDeps({ store: slow.store }))
    const [writer, mallory] = [new FakePeer('w'), new FakePeer('mallory')]
    room.join(writer)
    room.join(mallory)
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate('kept', 1).update))
    await vi.advanceTimersByTimeAsync(50)
    handlePeerFrame(room, mallory, encodeUpdateMessage(bad))
    await room.compact()
    const stored = documentOf((await store.load('doc')).updates)
    expect(stored.getText('text').toString()).toBe('kept')
    expect(stored.getMap('meta').toJSON()).toEqual({})
    slow.release()
    await room.settled()
  })

  // proves: CLOSE-2
  it('a peer that sends more than the rebuild can hold for it is closed with 1013; the others are not', async () => {
    const slow = slowStore()
    const room = new Room('doc', emptyDocument, roomDeps({ store: slow.store }))
    const [flooder, other, mallory] = [new FakePeer('flooder'), new FakePeer('other'), new FakePeer('mallory')]
    for (const peer of [flooder, other, mallory]) room.join(peer)
    handlePeerFrame(room, mallory, encodeUpdateMessage(bad))
    const half = new Uint8Array(MAX_REBUILD_BACKLOG_BYTES / 2 + 1)
    handlePeerFrame(room, flooder, half)
    expect(flooder.closed).toBeNull()
    handlePeerFrame(room, flooder, half)
    expect(flooder.closed?.code).toBe(1013)
    handlePeerFrame(room, other, encodeUpdateMessage(textUpdate('fine', 3).update))
    expect(other.closed).toBeNull()
    slow.release()
    await room.settled()
    expect(room.doc.getText('text').toString()).toBe('fine')
    expect(other.closed).toBeNull()
  })

  // proves: SCALE-11
  it('one relayed by another instance is dropped: the document is as it was, and nothing of it is relayed, stored or published', async () => {
    const fanout = new RecordingFanout(true)
    const room = new Room('doc', emptyDocument, roomDeps({ fanout }))
    const [writer, watcher] = [new FakePeer('w'), new FakePeer('watcher')]
    room.join(writer)
    room.join(watcher)
    handlePeerFrame(room, writer, encodeUpdateMessage(textUpdate('ours', 1).update))
    await vi.advanceTimersByTimeAsync(50)
    watcher.sent.length = 0
    fanout.published.length = 0
    const before = Y.encodeStateVector(room.doc)
    room.handleFanout({ kind: 'update', update: bad })
    await room.settled()
    expect(Y.encodeStateVector(room.doc)).toEqual(before)
    expect(room.doc.getText('text').toString()).toBe('ours')
    await endOfTurn()
    expect(watcher.take('update')).toEqual([])
    expect(queue.size).toBe(0)
    // It asks the others for what it may lack (relayed updates they have not stored yet), and publishes nothing else.
    expect(fanout.published.map((message) => message.kind)).toEqual(['sync-request'])
    expect(writer.closed).toBeNull()
  })
})

describe('other instances', () => {
  it('the room publishes its own changes; changes from elsewhere are relayed here but neither published again nor stored', async () => {
    const fanout = new RecordingFanout(true)
    const room = new Room('doc', emptyDocument, roomDeps({ fanout }))
    const [local, watcher] = [new FakePeer('local'), new FakePeer('watcher')]
    room.join(local)
    room.join(watcher)
    watcher.take('step1')
    const own = textUpdate('own', 1).update
    room.handleMessage(local, encodeUpdateMessage(own))
    expect(fanout.published).toEqual([{ kind: 'update', update: own }])
    fanout.published.length = 0
    room.handleFanout({ kind: 'update', update: textUpdate('theirs', 2).update })
    await endOfTurn()
    expect(watcher.take('update')).toHaveLength(1)
    expect(fanout.published).toEqual([])
    expect(queue.size).toBe(1)
  })

  it('a sync request is answered with exactly what the asker lacks, and a request in turn when the asker holds more', () => {
    const fanout = new RecordingFanout(true)
    const room = new Room('doc', emptyDocument, roomDeps({ fanout }))
    const writer = new FakePeer('w')
    room.join(writer)
    const first = textUpdate('first', 1)
    room.handleMessage(writer, encodeUpdateMessage(first.update))
    room.handleMessage(writer, encodeUpdateMessage(textUpdate(' second', 1, first.doc).update))
    fanout.published.length = 0
    // The asker has 'first' and something of its own (client 9) that we lack.
    const asker = textUpdate('!', 9, first.doc).doc
    room.handleFanout({ kind: 'sync-request', stateVector: Y.encodeStateVector(asker) })
    const [answer, counterRequest] = fanout.published
    expect(answer.kind).toBe('update')
    Y.applyUpdate(asker, (answer as { update: Uint8Array }).update)
    // Now it lacks nothing the room holds.
    expect(Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(asker))).toEqual(Uint8Array.of(0, 0))
    expect(asker.getText('text').toString()).toContain(' second')
    expect(counterRequest).toEqual({ kind: 'sync-request', stateVector: Y.encodeStateVector(room.doc) })
  })
})

describe('access changes and deletion', () => {
  it('lowering a writer to read tells it so and stops applying its updates; other users are untouched', async () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [bob, alice] = [new FakePeer('bob'), new FakePeer('alice')]
    room.join(bob)
    room.join(alice)
    bob.take('denied')
    room.applyAccessChange('bob', 'read')
    expect(bob.take('denied')).toEqual([{ kind: 'denied', reason: READ_ONLY_REASON }])
    room.handleMessage(bob, encodeUpdateMessage(textUpdate('bob', 1).update))
    room.handleMessage(alice, encodeUpdateMessage(textUpdate('alice', 2).update))
    expect(room.doc.getText('text').toString()).toBe('alice')
    expect(alice.closed).toBeNull()
  })

  it('none closes that user\'s peers with 4403, and a change never grants more than the token', () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const [reader, writer] = [new FakePeer('bob', 'read'), new FakePeer('bob', 'write')]
    room.join(reader)
    room.join(writer)
    room.applyAccessChange('bob', 'write')
    expect(reader.canWrite).toBe(false)
    room.applyAccessChange('bob', 'none')
    expect(reader.closed).toEqual({ code: 4403, reason: 'access revoked' })
    expect(writer.closed).toEqual({ code: 4403, reason: 'access revoked' })
  })

  it('deletion closes every peer with 4404', () => {
    const room = new Room('doc', emptyDocument, roomDeps())
    const peers = [new FakePeer('a'), new FakePeer('b', 'read')]
    for (const peer of peers) room.join(peer)
    room.closeForDeletion()
    expect(room.deleted).toBe(true)
    expect(peers.map((peer) => peer.closed?.code)).toEqual([4404, 4404])
  })
})

it('tells its owner when the last peer has left, not before', () => {
  const emptied: string[] = []
  const room = new Room('doc', emptyDocument, roomDeps({ onEmpty: (r) => emptied.push(r.docId) }))
  const [a, b] = [new FakePeer('a'), new FakePeer('b')]
  room.join(a)
  room.join(b)
  expect(room.leave(a)).toBe(false)
  expect(emptied).toEqual([])
  expect(room.leave(b)).toBe(true)
  expect(emptied).toEqual(['doc'])
  expect(room.peerCount).toBe(0)
})

// proves: MEMORY-7
describe('going cold when quiet', () => {
  const COLD_AFTER_MS = 1_000

  it('a document unchanged for coldAfterMs, all stored, is held as bytes; readers and writers notice nothing', async () => {
    const room = new Room('doc', emptyDocument, roomDeps({ coldAfterMs: COLD_AFTER_MS }))
    const writer = new FakePeer('w')
    room.join(writer)
    const first = textUpdate('hello', 1)
    room.handleMessage(writer, encodeUpdateMessage(first.update))
    // Typing keeps it live: each change restarts the quiet time.
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS - 100)
    const second = textUpdate(' world', 2, first.doc)
    room.handleMessage(writer, encodeUpdateMessage(second.update))
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS - 100)
    expect(room.isCold).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(room.isCold).toBe(true)

    // A fresh joiner gets the whole document, from the bytes, without making it live.
    const fresh = new FakePeer('f')
    room.join(fresh)
    const everything = Y.decodeStateVector(Y.encodeStateVector(second.doc))
    expect(Y.decodeStateVector(fresh.take('step1')[0].stateVector)).toEqual(everything)
    room.handleMessage(fresh, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
    expect(textOf(fresh.take('step2')[0].update)).toBe('hello world')
    // Saved acknowledgements: everything held is stored.
    room.handleMessage(fresh, SAVED_REQUEST)
    expect(Y.decodeStateVector(fresh.take('saved')[0].stateVector)).toEqual(everything)

    // The next write makes it live again, on top of everything, and is stored and relayed as ever.
    const third = textUpdate('!', 3, second.doc)
    room.handleMessage(writer, encodeUpdateMessage(third.update))
    expect(room.isCold).toBe(false)
    expect(room.doc.getText('text').toString()).toBe('hello world!')
    await endOfTurn()
    const [relayed] = fresh.take('update')
    expect(textOf(Y.mergeUpdates([Y.encodeStateAsUpdate(second.doc), relayed.update]))).toBe('hello world!')
    await vi.advanceTimersByTimeAsync(100)
    const stored = await store.load('doc')
    expect(textOf(Y.mergeUpdates(stored.updates))).toBe('hello world!')
    room.destroy()
  })

  it('a document loaded for fresh readers stays bytes, whatever they send, until an update with something in it', async () => {
    const { update, doc } = textUpdate('stored', 7)
    const room = new Room('doc', { updates: [update], snapshotStateVector: null, lastSeq: 1, logLength: 1 }, roomDeps())
    const readers = Array.from({ length: 3 }, (_, i) => new FakePeer(`r${i}`))
    for (const [i, reader] of readers.entries()) {
      room.join(reader)
      room.handleMessage(reader, encodeSyncStep1FromStateVector(Uint8Array.of(0)))
      // What a stock client sends back to the server's step 1 when it holds nothing, then its presence.
      room.handleMessage(reader, encodeSyncStep2FromUpdate(Uint8Array.of(0, 0)))
      room.handleMessage(reader, awarenessFrame([{ clientId: 100 + i, clock: 1, json: JSON.stringify({ user: { name: `r${i}` } }) }]))
      expect(textOf(reader.take('step2')[0].update)).toBe('stored')
    }
    await endOfTurn()
    expect(room.isCold).toBe(true)
    // The first real write builds the document under it, and everyone gets it.
    room.handleMessage(readers[0], encodeUpdateMessage(textUpdate('!', 8, doc).update))
    expect(room.isCold).toBe(false)
    expect(room.doc.getText('text').toString()).toBe('stored!')
    await endOfTurn()
    expect(textOf(Y.mergeUpdates([update, readers[1].take('update')[0].update]))).toBe('stored!')
    room.destroy()
  })

  it('waits while a write of the document is not yet stored, and never goes cold with coldAfterMs 0', async () => {
    // A queue that holds writes far longer than the quiet time.
    queue.stop()
    queue = new PersistQueue(store, { intervalMs: COLD_AFTER_MS * 5 }, silent)
    const room = new Room('doc', emptyDocument, roomDeps({ coldAfterMs: COLD_AFTER_MS }))
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('unsaved', 1).update))
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS * 3)
    expect(room.isCold).toBe(false)
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS * 3)
    expect(room.isCold).toBe(true)
    expect(textOf(room.encodeState())).toBe('unsaved')
    room.destroy()

    const never = new Room('doc2', emptyDocument, roomDeps({ coldAfterMs: 0 }))
    never.join(writer)
    never.handleMessage(writer, encodeUpdateMessage(textUpdate('live', 2).update))
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS * 20)
    expect(never.isCold).toBe(false)
    never.destroy()
  })

  it('an update waiting for missing parts keeps the document live (the bytes could not hold it)', async () => {
    const room = new Room('doc', emptyDocument, roomDeps({ coldAfterMs: COLD_AFTER_MS }))
    const writer = new FakePeer('w')
    room.join(writer)
    const first = textUpdate('a', 1)
    const second = textUpdate('b', 2, first.doc)
    // The second before the first: held as pending, depending on what is missing.
    room.handleMessage(writer, encodeUpdateMessage(second.update))
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS * 3)
    expect(room.isCold).toBe(false)
    room.handleMessage(writer, encodeUpdateMessage(first.update))
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS * 3)
    expect(room.isCold).toBe(true)
    expect(textOf(room.encodeState())).toBe('ab')
    room.destroy()
  })

  it('with other instances (shared fan-out) a document stays live', async () => {
    const room = new Room('doc', emptyDocument, roomDeps({ coldAfterMs: COLD_AFTER_MS, fanout: new RecordingFanout(true) }))
    const writer = new FakePeer('w')
    room.join(writer)
    room.handleMessage(writer, encodeUpdateMessage(textUpdate('shared', 1).update))
    await vi.advanceTimersByTimeAsync(COLD_AFTER_MS * 5)
    expect(room.isCold).toBe(false)
    room.destroy()
  })
})
