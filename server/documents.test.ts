/**
 * Unit tests of the whole-document operations: each step of a deletion or an
 * access change, on the instance the call reached and on one that hears of
 * it through the relay. A real registry, queue and in-memory SQLite store;
 * fake peers and a recording relay.
 */
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { canWrite, type AccessLevel, type TokenAccess } from '../lib/access'
import { Documents } from './documents'
import type { FanoutHandler, FanoutMessage } from './fanout/Fanout'
import { PersistQueue } from './PersistQueue'
import { SqliteStore } from './persistence/SqliteStore'
import type { Peer } from './room/Peer'
import { RoomRegistry } from './RoomRegistry'

const silent = pino({ level: 'silent' })

class RecordingFanout {
  readonly shared = true
  readonly handlers = new Map<string, FanoutHandler>()
  readonly published: FanoutMessage[] = []
  async subscribe(docId: string, handler: FanoutHandler): Promise<void> {
    this.handlers.set(docId, handler)
  }
  async unsubscribe(docId: string): Promise<void> {
    this.handlers.delete(docId)
  }
  publish(_docId: string, message: FanoutMessage): void {
    if (message.kind !== 'sync-request') this.published.push(message)
  }
  onReconnect(): void {}
  /** A message from another instance. */
  deliver(docId: string, message: FanoutMessage): void {
    this.handlers.get(docId)?.(message)
  }
}

function peer(sub: string, tokenAccess: TokenAccess = 'write'): Peer & { closed: number | null } {
  let access: AccessLevel = tokenAccess
  return {
    id: 0,
    sub,
    name: undefined,
    tokenAccess,
    tokenIssuedAt: 0,
    renewToken: async () => null,
    get access() {
      return access
    },
    set access(level) {
      access = level
    },
    get canWrite() {
      return canWrite(access)
    },
    closed: null,
    send() {
      return this.closed === null
    },
    close(code) {
      this.closed ??= code
    },
  }
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('text').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('text').toString()
}

let store: SqliteStore
let queue: PersistQueue
let fanout: RecordingFanout
let registry: RoomRegistry
let documents: Documents

beforeEach(() => {
  vi.useFakeTimers()
  store = new SqliteStore(':memory:')
  queue = new PersistQueue(store, { intervalMs: 50 }, silent)
  fanout = new RecordingFanout()
  registry = new RoomRegistry({
    roomIdleMs: 1_000,
    log: silent,
    deps: { store, persistQueue: queue, fanout, metrics: { recordBroadcast() {} }, compactAfterUpdates: 1000, log: silent },
    onDocumentMessage: (room, message) => documents.handleFromElsewhere(room, message),
  })
  documents = new Documents({ store, rooms: registry, persistQueue: queue, fanout, log: silent })
})

afterEach(async () => {
  await registry.unloadAll()
  queue.stop()
  await store.close()
  vi.useRealTimers()
})

it('write resolves once the update is durable, and read gives back the whole document', async () => {
  const update = textUpdate('via the API')
  await documents.write('doc', update)
  expect(textOf(Y.mergeUpdates((await store.load('doc')).updates))).toBe('via the API')
  expect(textOf(await documents.read('doc'))).toBe('via the API')
  // Relayed, then (once stored) the others are told what the store holds, for their clients' acknowledgements.
  expect(fanout.published).toEqual([
    { kind: 'update', update },
    { kind: 'stored', stateVector: Y.encodeStateVectorFromUpdate(update) },
  ])
})

describe('delete', () => {
  it('closes the peers with 4404, tells the other instances, writes nothing more of the document, removes it and records when', async () => {
    const room = await registry.acquire('doc')
    const alice = peer('alice')
    room.join(alice)
    room.applyUpdate(textUpdate('stored'), { source: 'api' })
    await queue.flush()
    // Queued, not yet written, when the delete arrives: it must never reach the store.
    room.applyUpdate(textUpdate('late'), { source: 'api' })
    registry.release(room)
    const appended: string[] = []
    const appendBatch = store.appendBatch.bind(store)
    store.appendBatch = (entries) => {
      appended.push(...entries.map((entry) => textOf(entry.update)))
      return appendBatch(entries)
    }
    const before = Math.floor(Date.now() / 1000)
    await documents.delete('doc')
    expect(appended).toEqual([])
    expect(alice.closed).toBe(4404)
    expect(fanout.published.at(-1)).toEqual({ kind: 'deleted' })
    expect(queue.hasPendingFor('doc')).toBe(false)
    expect(await store.load('doc')).toMatchObject({ updates: [], logLength: 0 })
    expect((await store.getPolicy('doc', 'alice')).deletedAt).toBeGreaterThanOrEqual(before)
    expect(registry.size).toBe(0)
  })

  it('from another instance: closes the peers here, drops what was queued, and unloads the room', async () => {
    const room = await registry.acquire('doc')
    const bob = peer('bob')
    room.join(bob)
    room.applyUpdate(textUpdate('unsaved'), { source: 'api' })
    registry.release(room)
    fanout.deliver('doc', { kind: 'deleted' })
    expect(bob.closed).toBe(4404)
    expect(queue.hasPendingFor('doc')).toBe(false)
    await vi.waitFor(() => expect(registry.size).toBe(0))
    await queue.flush()
    expect((await store.load('doc')).updates).toEqual([])
  })
})

describe('changeAccess', () => {
  it('is recorded, applied to that user\'s open peers (and no one else\'s), and told to the other instances', async () => {
    const room = await registry.acquire('doc')
    const [bob, alice] = [peer('bob'), peer('alice')]
    room.join(bob)
    room.join(alice)
    await documents.changeAccess('doc', 'bob', 'read')
    expect(bob.canWrite).toBe(false)
    expect(alice.canWrite).toBe(true)
    expect((await store.getPolicy('doc', 'bob')).accessChange?.access).toBe('read')
    expect(fanout.published.at(-1)).toEqual({ kind: 'access', sub: 'bob', access: 'read' })
    registry.release(room)
  })

  it('from another instance: applied to the peers here, never recorded twice nor published again', async () => {
    const room = await registry.acquire('doc')
    const bob = peer('bob')
    room.join(bob)
    fanout.deliver('doc', { kind: 'access', sub: 'bob', access: 'none' })
    expect(bob.closed).toBe(4403)
    expect(fanout.published).toEqual([])
    expect((await store.getPolicy('doc', 'bob')).accessChange).toBeNull()
    registry.release(room)
  })
})
