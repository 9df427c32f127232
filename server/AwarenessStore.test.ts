import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AwarenessStore,
  DEFAULT_MAX_AWARENESS_CLIENTS,
  MAX_RELEASED_IDS,
  RELEASED_TTL_MS,
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
} from './AwarenessStore'
import { SyncError } from './SyncError'

afterEach(() => {
  vi.useRealTimers()
})

/** The close code a call throws with (its SyncError's), or null when it does not throw. */
function closeCodeOf(call: () => unknown): number | null {
  try {
    call()
    return null
  } catch (error) {
    if (error instanceof SyncError) return error.closeCode
    throw error
  }
}

const state = (name: string) => JSON.stringify({ user: { name } })

describe('AwarenessStore', () => {
  it('lets a connection introduce and then update its own client IDs', () => {
    const store = new AwarenessStore<string>()
    expect(store.apply('alice', [{ clientId: 1, clock: 0, json: state('Alice') }])).toHaveLength(1)
    expect(store.apply('alice', [{ clientId: 1, clock: 1, json: state('Alice 2') }])).toHaveLength(1)
    expect(store.presentStates()).toEqual([{ clientId: 1, clock: 1, json: state('Alice 2') }])
  })

  it('ignores entries for client IDs another connection owns: no erasing, no impersonating', () => {
    const store = new AwarenessStore<string>()
    store.apply('alice', [{ clientId: 1, clock: 0, json: state('Alice') }])
    expect(store.apply('mallory', [{ clientId: 1, clock: 9, json: 'null' }])).toEqual([])
    expect(store.apply('mallory', [{ clientId: 1, clock: 9, json: state('Mallory') }])).toEqual([])
    expect(store.presentStates()).toEqual([{ clientId: 1, clock: 0, json: state('Alice') }])
  })

  it('keeps the accepted entries of a mixed message (stock clients echo others)', () => {
    const store = new AwarenessStore<string>()
    store.apply('alice', [{ clientId: 1, clock: 0, json: state('Alice') }])
    const accepted = store.apply('bob', [
      { clientId: 1, clock: 0, json: state('Alice') },
      { clientId: 2, clock: 0, json: state('Bob') },
    ])
    expect(accepted.map((entry) => entry.clientId)).toEqual([2])
  })

  it('drops stale clocks and applies y-protocols\' equal-clock removal rule', () => {
    const store = new AwarenessStore<string>()
    store.apply('alice', [{ clientId: 1, clock: 5, json: state('A') }])
    expect(store.apply('alice', [{ clientId: 1, clock: 4, json: state('old') }])).toEqual([])
    expect(store.apply('alice', [{ clientId: 1, clock: 5, json: 'null' }])).toHaveLength(1)
    expect(store.presentStates()).toEqual([])
  })

  it('removes all of a closed connection\'s states with bumped clocks, and a late echo cannot revive them', () => {
    const store = new AwarenessStore<string>()
    store.apply('alice', [
      { clientId: 1, clock: 3, json: state('A') },
      { clientId: 2, clock: 0, json: state('A tab 2') },
    ])
    const removals = store.removeOwner('alice')
    expect(removals).toEqual([
      { clientId: 1, clock: 4, json: 'null' },
      { clientId: 2, clock: 1, json: 'null' },
    ])
    expect(store.apply('bob', [{ clientId: 1, clock: 3, json: state('A') }])).toEqual([])
    expect(store.presentStates()).toEqual([])
  })

  // proves: PRESENCE-7
  it('caps how many client IDs one connection may introduce: one more is refused with 1008, and that message changes nothing', () => {
    const store = new AwarenessStore<string>()
    const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ clientId: from + i, clock: 0, json: '{}' }))
    expect(store.apply('greedy', ids(0, DEFAULT_MAX_AWARENESS_CLIENTS))).toHaveLength(DEFAULT_MAX_AWARENESS_CLIENTS)
    // Its own IDs it may update as often as it likes.
    expect(store.apply('greedy', [{ clientId: 0, clock: 1, json: '{"a":1}' }])).toHaveLength(1)
    expect(closeCodeOf(() => store.apply('greedy', [{ clientId: 0, clock: 2, json: '{"a":2}' }, ...ids(100, 1)]))).toBe(1008)
    expect(store.presentStates()).toHaveLength(DEFAULT_MAX_AWARENESS_CLIENTS)
    expect(store.presentStates().find((s) => s.clientId === 0)?.json).toBe('{"a":1}')
    // In one message too, and whatever the limit is set to.
    const strict = new AwarenessStore<string>({ maxClientsPerOwner: 2 })
    expect(closeCodeOf(() => strict.apply('greedy', ids(0, 3)))).toBe(1008)
    expect(strict.presentStates()).toEqual([])
    // Other instances' clients are many, under one owner: never capped.
    const shared = new AwarenessStore<string>({ remoteOwner: 'remote' })
    expect(shared.apply('remote', ids(0, 50))).toHaveLength(50)
  })

  // proves: MEMORY-6
  it("frees a closed connection's records: only their clocks are kept, for a while, and for so many IDs", () => {
    vi.useFakeTimers()
    const store = new AwarenessStore<string>({ maxClientsPerOwner: 4 })
    for (let conn = 0; conn < 3 * MAX_RELEASED_IDS; conn++) {
      store.apply(`conn${conn}`, [{ clientId: conn, clock: 1, json: state(`user ${conn}`) }])
      store.removeOwner(`conn${conn}`)
    }
    expect(store.recordCount).toEqual({ owned: 0, released: MAX_RELEASED_IDS })
    // Within the window a late echo of a recent one is still recognised as stale...
    const recent = 3 * MAX_RELEASED_IDS - 1
    expect(store.apply('echo', [{ clientId: recent, clock: 1, json: state(`user ${recent}`) }])).toEqual([])
    // ...and once clients themselves have dropped such states, nothing of them is kept at all.
    vi.advanceTimersByTime(RELEASED_TTL_MS + 1)
    store.removeOwner('nobody')
    store.apply('someone', [])
    expect(store.recordCount).toEqual({ owned: 0, released: 0 })
  })

  // proves: MEMORY-6
  it("frees other instances' states when they are removed or go quiet", () => {
    vi.useFakeTimers()
    const store = new AwarenessStore<string>({ remoteOwner: 'remote', remoteStateTtlMs: 30_000 })
    store.apply('remote', [{ clientId: 1, clock: 1, json: state('A') }, { clientId: 2, clock: 1, json: state('B') }])
    store.apply('remote', [{ clientId: 1, clock: 2, json: 'null' }])
    expect(store.recordCount.owned).toBe(1)
    vi.advanceTimersByTime(30_001)
    expect(store.presentStates()).toEqual([])
    expect(store.recordCount.owned).toBe(0)
  })
})

describe('awareness codec', () => {
  it('round-trips y-protocols awareness updates', () => {
    const entries = [
      { clientId: 7, clock: 2, json: state('Ann') },
      { clientId: 8, clock: 0, json: 'null' },
    ]
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries)
  })

  // proves: PRESENCE-6
  it('refuses with 1009 a state whose JSON is over the limit in UTF-8 bytes, judged before the text is decoded', () => {
    const sized = (bytes: number) => JSON.stringify({ pad: 'é'.repeat((bytes - 10) / 2) })
    expect(Buffer.byteLength(sized(16_384))).toBe(16_384)
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 0, json: sized(16_384) }]), 16_384)).toHaveLength(1)
    expect(closeCodeOf(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 0, json: sized(16_386) }]), 16_384))).toBe(1009)
    // Characters are not bytes: 8,190 two-byte characters are 16,390 bytes.
    expect(sized(16_390).length).toBeLessThan(16_384)
    expect(closeCodeOf(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 0, json: sized(16_390) }]), 16_384))).toBe(1009)
  })

  it('refuses truncated updates and states that are not JSON', () => {
    const encoded = encodeAwarenessUpdate([{ clientId: 7, clock: 2, json: state('Ann') }])
    expect(() => decodeAwarenessUpdate(encoded.subarray(0, encoded.length - 3))).toThrow(SyncError)
    expect(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 0, json: '{not json' }]))).toThrow(SyncError)
  })
})
