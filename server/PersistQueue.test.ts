/**
 * Unit tests of group commit, with fake timers and a real SQLite store in
 * memory (wrapped to count writes and to fail on demand).
 */
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PersistQueue, type PersistTarget } from './PersistQueue'
import { SqliteStore } from './persistence/SqliteStore'

const silent = pino({ level: 'silent' })
const INTERVAL_MS = 50

/** A room as the queue sees it: records what it is told. */
class FakeTarget implements PersistTarget {
  readonly persisted: { lastSeq: number; count: number; stateVector: Uint8Array | null }[] = []
  stateVector: Uint8Array | null = null
  constructor(readonly docId: string) {}
  currentStateVector(): Uint8Array | null {
    return this.stateVector
  }
  onPersisted(result: { lastSeq: number; count: number; stateVector: Uint8Array | null }): void {
    this.persisted.push(result)
  }
}

const bytes = (...values: number[]) => Uint8Array.from(values)
/** What the store holds for `docId`, as plain arrays (it hands back Buffers). */
const storedOf = async (docId: string) => (await store.load(docId)).updates.map((update) => [...update])

let store: SqliteStore
let batches: number[]
let failNext: number
/** Runs inside the next write, before it fails or commits (to enqueue while a batch is in flight). */
let duringWrite: (() => void) | null
let queue: PersistQueue
let written: number[]
let failed: number

beforeEach(() => {
  vi.useFakeTimers()
  store = new SqliteStore(':memory:')
  batches = []
  failNext = 0
  duringWrite = null
  const appendBatch = store.appendBatch.bind(store)
  store.appendBatch = async (entries) => {
    const during = duringWrite
    duringWrite = null
    if (during) {
      // As a room would: on a later turn, while the write is under way.
      await Promise.resolve()
      during()
    }
    if (failNext > 0) {
      failNext--
      throw new Error('disk full')
    }
    batches.push(entries.length)
    return appendBatch(entries)
  }
  written = []
  failed = 0
  queue = new PersistQueue(store, { intervalMs: INTERVAL_MS, onBatchWritten: (s) => written.push(s), onBatchFailed: () => failed++ }, silent)
})

afterEach(async () => {
  queue.stop()
  await store.close()
  vi.useRealTimers()
})

describe('group commit', () => {
  it('writes everything that arrived within intervalMs, from every room, in one batch', async () => {
    const [a, b] = [new FakeTarget('a'), new FakeTarget('b')]
    queue.enqueue(a, bytes(1))
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 10)
    queue.enqueue(b, bytes(2))
    queue.enqueue(a, bytes(3))
    await vi.advanceTimersByTimeAsync(9)
    expect(batches).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(batches).toEqual([3])
    expect(written).toHaveLength(1)
    expect(await storedOf('a')).toEqual([[1], [3]])
    expect(await storedOf('b')).toEqual([[2]])
  })

  it('tells each room once per batch how many of its updates are durable, up to which sequence number, and the state vector it had when the batch was taken', async () => {
    const a = new FakeTarget('a')
    a.stateVector = bytes(1, 7, 3)
    queue.enqueue(a, bytes(1))
    queue.enqueue(a, bytes(2))
    await vi.advanceTimersByTimeAsync(INTERVAL_MS)
    const lastSeq = (await store.load('a')).lastSeq
    expect(a.persisted).toEqual([{ lastSeq, count: 2, stateVector: bytes(1, 7, 3) }])
  })

  it('knows what is pending per document, queued or in flight', async () => {
    const a = new FakeTarget('a')
    queue.enqueue(a, bytes(1))
    expect(queue.hasPendingFor('a')).toBe(true)
    expect(queue.hasPendingFor('b')).toBe(false)
    let inFlight: boolean | null = null
    a.currentStateVector = () => {
      // Called as the batch is taken, before the write: the batch counts as pending.
      inFlight = queue.hasPendingFor('a')
      return null
    }
    await queue.flush()
    expect(inFlight).toBe(true)
    expect(queue.hasPendingFor('a')).toBe(false)
  })

  it('flush resolves once everything queued is durable, without waiting for the interval', async () => {
    const a = new FakeTarget('a')
    queue.enqueue(a, bytes(1))
    await queue.flush()
    expect(await storedOf('a')).toEqual([[1]])
  })

  it('discard drops the queued updates of one document only', async () => {
    const [a, b] = [new FakeTarget('a'), new FakeTarget('b')]
    queue.enqueue(a, bytes(1))
    queue.enqueue(b, bytes(2))
    queue.discard('a')
    await queue.flush()
    expect(await storedOf('a')).toEqual([])
    expect(await storedOf('b')).toEqual([[2]])
    expect(a.persisted).toEqual([])
  })
})

describe('a failing store', () => {
  it('keeps the batch, in order, ahead of later updates, retries with a growing delay and reports the error until a write succeeds', async () => {
    const a = new FakeTarget('a')
    failNext = 2
    queue.enqueue(a, bytes(1))
    // Arrives while the failing batch is being written: it must stay behind that batch.
    duringWrite = () => queue.enqueue(a, bytes(2))
    await vi.advanceTimersByTimeAsync(INTERVAL_MS)
    expect(failed).toBe(1)
    expect(queue.lastError?.message).toBe('disk full')
    // First retry after 2 × the interval, the second after 4 ×.
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS)
    expect(failed).toBe(2)
    await vi.advanceTimersByTimeAsync(4 * INTERVAL_MS - 1)
    expect(batches).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(batches).toEqual([2])
    expect(queue.lastError).toBeNull()
    expect(await storedOf('a')).toEqual([[1], [2]])
    expect(a.persisted).toEqual([expect.objectContaining({ count: 2 })])
  })
})

describe('stop', () => {
  it('leaves no timer behind, whether or not something was queued', async () => {
    queue.enqueue(new FakeTarget('a'), bytes(1))
    expect(vi.getTimerCount()).toBe(1)
    await queue.flush()
    queue.enqueue(new FakeTarget('a'), bytes(2))
    queue.stop()
    expect(vi.getTimerCount()).toBe(0)
    // Stopping drops nothing: a flush still writes what was queued, and arms no timer doing so.
    await queue.flush()
    expect(await storedOf('a')).toEqual([[1], [2]])
    expect(vi.getTimerCount()).toBe(0)
  })
})
