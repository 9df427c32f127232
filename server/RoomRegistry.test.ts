/**
 * Unit tests of the registry: loading once, holding, idle unload, routing of
 * relay messages, and that nothing is left running once every room is
 * unloaded. Fake timers; a real PersistQueue and SQLite store in memory; a
 * fan-out that records subscriptions and can deliver messages "from another
 * instance".
 */
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { DocumentMessage, FanoutHandler, FanoutMessage } from './fanout/Fanout'
import { PersistQueue } from './PersistQueue'
import { SqliteStore } from './persistence/SqliteStore'
import type { Peer } from './room/Peer'
import type { Room } from './room/Room'
import { RoomRegistry } from './RoomRegistry'

const silent = pino({ level: 'silent' })
const IDLE_MS = 1_000

/** A relay of one instance: records subscriptions; `deliver` plays a message from another instance. */
class FakeFanout {
  readonly shared = true
  readonly handlers = new Map<string, FanoutHandler>()
  readonly published: { docId: string; message: FanoutMessage }[] = []
  private reconnectListener: (() => void) | null = null
  async subscribe(docId: string, handler: FanoutHandler): Promise<void> {
    this.handlers.set(docId, handler)
  }
  async unsubscribe(docId: string): Promise<void> {
    this.handlers.delete(docId)
  }
  publish(docId: string, message: FanoutMessage): void {
    this.published.push({ docId, message })
  }
  onReconnect(listener: () => void): void {
    this.reconnectListener = listener
  }
  deliver(docId: string, message: FanoutMessage): void {
    this.handlers.get(docId)?.(message)
  }
  reconnect(): void {
    this.reconnectListener?.()
  }
}

const peer = (sub: string): Peer => ({
  id: 0,
  sub,
  name: undefined,
  tokenAccess: 'write',
  access: 'write',
  canWrite: true,
  tokenIssuedAt: 0,
  send: () => true,
  close: () => {},
  renewToken: async () => null,
})

function textUpdate(text: string, clientID: number): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientID
  doc.getText('text').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

let store: SqliteStore
let loads: string[]
let queue: PersistQueue
let fanout: FakeFanout
let documentMessages: { docId: string; message: DocumentMessage }[]
let registry: RoomRegistry

beforeEach(() => {
  vi.useFakeTimers()
  store = new SqliteStore(':memory:')
  loads = []
  const load = store.load.bind(store)
  store.load = (docId) => {
    loads.push(docId)
    return load(docId)
  }
  queue = new PersistQueue(store, { intervalMs: 50 }, silent)
  fanout = new FakeFanout()
  documentMessages = []
  registry = new RoomRegistry({
    roomIdleMs: IDLE_MS,
    log: silent,
    deps: { store, persistQueue: queue, fanout, metrics: { recordBroadcast() {} }, compactAfterUpdates: 1000, log: silent },
    onDocumentMessage: (room, message) => documentMessages.push({ docId: room.docId, message }),
  })
})

afterEach(async () => {
  await registry.unloadAll()
  queue.stop()
  await store.close()
  vi.useRealTimers()
})

describe('loading', () => {
  it('concurrent acquires share one load and get the same room', async () => {
    const [a, b] = await Promise.all([registry.acquire('doc'), registry.acquire('doc')])
    expect(a).toBe(b)
    expect(loads).toEqual(['doc'])
    expect(registry.size).toBe(1)
  })

  it('a loaded room is subscribed to the relay and asks the other instances for what it lacks', async () => {
    await registry.acquire('doc')
    expect(fanout.handlers.has('doc')).toBe(true)
    expect(fanout.published.map(({ message }) => message.kind)).toEqual(['sync-request'])
  })
})

describe('idle unload', () => {
  it('an empty, unheld room unloads roomIdleMs after its release, with its writes flushed and its log folded', async () => {
    const room = await registry.acquire('doc')
    room.applyUpdate(textUpdate('kept', 1), { source: 'api' })
    registry.release(room)
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1)
    expect(await registry.peek('doc')).toBe(room)
    await vi.advanceTimersByTimeAsync(1)
    expect(registry.size).toBe(0)
    expect(fanout.handlers.has('doc')).toBe(false)
    const stored = await store.load('doc')
    expect(stored.logLength).toBe(0)
    expect(stored.updates).toHaveLength(1)
  })

  it('never while held or while a peer is in it; the last peer leaving starts the countdown', async () => {
    const room = await registry.acquire('doc')
    const held = await registry.acquire('doc')
    registry.release(room)
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3)
    expect(registry.size).toBe(1)
    const alice = peer('alice')
    room.join(alice)
    registry.release(held)
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3)
    expect(await registry.peek('doc')).toBe(room)
    room.leave(alice)
    await vi.advanceTimersByTimeAsync(IDLE_MS)
    expect(registry.size).toBe(0)
  })

  it('an acquire during the countdown keeps the room; one during the unload waits for it, then loads afresh', async () => {
    const first = await registry.acquire('doc')
    first.applyUpdate(textUpdate('x', 1), { source: 'api' })
    registry.release(first)
    await vi.advanceTimersByTimeAsync(IDLE_MS / 2)
    expect(await registry.acquire('doc')).toBe(first)
    registry.release(first)
    // Hold the unload in its compaction, to acquire while it is under way.
    let finishCompaction!: () => void
    const compact = store.compact.bind(store)
    store.compact = async (...args) => {
      await new Promise<void>((resolve) => (finishCompaction = resolve))
      return compact(...args)
    }
    await vi.advanceTimersByTimeAsync(IDLE_MS)
    expect(finishCompaction).toBeTypeOf('function')
    expect(await registry.peek('doc')).toBeNull()
    let second: Room | null = null
    const acquiring = registry.acquire('doc').then((room) => (second = room))
    await vi.advanceTimersByTimeAsync(0)
    expect(second).toBeNull()
    finishCompaction()
    await acquiring
    expect(second).not.toBe(first)
    expect(second!.doc.getText('text').toString()).toBe('x')
    expect(loads).toEqual(['doc', 'doc'])
    registry.release(second!)
  })
})

describe('relay messages', () => {
  it('room traffic goes to the room; deletions and access changes go to onDocumentMessage', async () => {
    const room = await registry.acquire('doc')
    fanout.deliver('doc', { kind: 'update', update: textUpdate('from elsewhere', 2) })
    expect(room.doc.getText('text').toString()).toBe('from elsewhere')
    fanout.deliver('doc', { kind: 'access', sub: 'bob', access: 'read' })
    fanout.deliver('doc', { kind: 'deleted' })
    expect(documentMessages).toEqual([
      { docId: 'doc', message: { kind: 'access', sub: 'bob', access: 'read' } },
      { docId: 'doc', message: { kind: 'deleted' } },
    ])
    registry.release(room)
  })

  it('after a relay outage, every loaded room re-reads the store and asks again for what it lacks', async () => {
    const room = await registry.acquire('doc')
    // Another instance stored this while we were cut off.
    await store.appendBatch([{ docId: 'doc', update: textUpdate('written elsewhere', 3) }])
    fanout.published.length = 0
    fanout.reconnect()
    await vi.waitFor(() => expect(room.doc.getText('text').toString()).toBe('written elsewhere'))
    expect(fanout.published.map(({ message }) => message.kind)).toEqual(['sync-request'])
    registry.release(room)
  })
})

it('discard drops a room at once, without writing a snapshot of it', async () => {
  const room = await registry.acquire('doc')
  room.applyUpdate(textUpdate('gone', 1), { source: 'api' })
  await queue.flush()
  await registry.discard('doc')
  expect(registry.size).toBe(0)
  expect(fanout.handlers.has('doc')).toBe(false)
  expect((await store.load('doc')).logLength).toBe(1)
})

it('leaves no timer behind once every room is unloaded and the queue stopped', async () => {
  const rooms: Room[] = []
  for (const docId of ['a', 'b', 'c']) rooms.push(await registry.acquire(docId))
  for (const room of rooms) room.applyUpdate(textUpdate(room.docId, 1), { source: 'api' })
  // Idle countdowns and the queue's timer are all armed now.
  for (const room of rooms) registry.release(room)
  expect(vi.getTimerCount()).toBeGreaterThan(0)
  await registry.unloadAll()
  queue.stop()
  expect(registry.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
})
