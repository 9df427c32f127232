import { describe, expect, it } from 'vitest'
import { AwarenessStore, MAX_CLIENT_IDS_PER_CONNECTION, decodeAwarenessUpdate, encodeAwarenessUpdate } from './AwarenessStore'
import { SyncError } from './SyncError'

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

  it('caps how many client IDs one connection may introduce', () => {
    const store = new AwarenessStore<string>()
    const entries = Array.from({ length: MAX_CLIENT_IDS_PER_CONNECTION + 5 }, (_, i) => ({ clientId: i, clock: 0, json: '{}' }))
    expect(store.apply('greedy', entries)).toHaveLength(MAX_CLIENT_IDS_PER_CONNECTION)
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

  it('refuses truncated updates and states that are not JSON', () => {
    const encoded = encodeAwarenessUpdate([{ clientId: 7, clock: 2, json: state('Ann') }])
    expect(() => decodeAwarenessUpdate(encoded.subarray(0, encoded.length - 3))).toThrow(SyncError)
    expect(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 0, json: '{not json' }]))).toThrow(SyncError)
  })
})
