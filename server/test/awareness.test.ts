/**
 * docs/sync-protocol.md, "Presence": relayed like updates; a connection may
 * only set or remove the client IDs it introduced (others' entries are
 * ignored, not an error); a closed connection's states are removed for
 * everyone else at once.
 */
import { describe, expect, it } from 'vitest'
import {
  api,
  connectClient,
  consistently,
  docId,
  eventually,
  rawClient,
  startTestServer,
  syncedClient,
  type RawClient,
  type StockClient,
  type TestServer,
} from './harness'
import { awarenessFrame, type AwarenessEntry } from './wire'

/** "At once": far below y-protocols' 30 s outdated timeout, after which clients drop states themselves. */
const AT_ONCE_MS = 2000

const ALICE = { user: { id: 'alice', name: 'Alice' }, color: '#f00' }

/** A state as the server relays it from a connection whose token has `sub` and no name: `user.id` is `sub`. */
const from = (sub: string, state: Record<string, unknown>) => ({ ...state, user: { id: sub } })

async function roomWithAlice(server: TestServer) {
  const room = docId()
  // As Tandem's editor sends them: the user as the token has it (the server relays such states as they are).
  const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice', name: 'Alice' }), { awareness: ALICE })
  const carol = await syncedClient(server, room, await server.token({ doc: room, sub: 'carol' }), { awareness: { user: { id: 'carol' } } })
  await eventually(() => expect(carol.provider.awareness.getStates().get(alice.doc.clientID)).toEqual(ALICE))
  const mallory = await rawClient(server, room, await server.token({ doc: room, sub: 'mallory' }))
  await mallory.roundTrip()
  // Everything carol ever sees for alice's ID: a stock client re-announces itself after a remote
  // removal, so checking only the final state could miss a removal that was briefly applied.
  const seenForAlice: unknown[] = []
  carol.provider.awareness.on('change', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    const id = alice.doc.clientID
    if (removed.includes(id)) seenForAlice.push(null)
    if (added.includes(id) || updated.includes(id)) seenForAlice.push(carol.provider.awareness.getStates().get(id))
  })
  return { room, alice, carol, mallory, seenForAlice }
}

/** Sends `entries` from `raw`, then a marker entry of its own, and waits until `observer` has seen the marker. */
async function sendThenMark(raw: RawClient, entries: AwarenessEntry[], observer: StockClient, ownId: number, clock: number) {
  await raw.send(awarenessFrame(entries))
  await raw.send(awarenessFrame([{ clientID: ownId, clock, state: { marker: clock } }]))
  await eventually(() => expect(observer.provider.awareness.getStates().get(ownId)).toMatchObject({ marker: clock }))
}

describe('awareness', () => {
  // proves: PRESENCE-1
  it('is relayed: a state set by one client reaches every other, and so do its changes and its explicit removal', async () => {
    const server = await startTestServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    const c = await syncedClient(server, room, await server.token({ doc: room, sub: 'c' }))
    const elsewhere = docId('elsewhere')
    const outsider = await rawClient(server, elsewhere, await server.token({ doc: elsewhere, sub: 'x' }))
    a.provider.awareness.setLocalState({ user: { id: 'a' }, cursor: 1 })
    await eventually(() => {
      expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { id: 'a' }, cursor: 1 })
      expect(c.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { id: 'a' }, cursor: 1 })
    })
    // Only to that room: a connection to another docId hears nothing of it.
    await outsider.roundTrip()
    expect(outsider.framesOf(1).flatMap((f) => f.entries.map((e) => e.clientID))).not.toContain(a.doc.clientID)
    a.provider.awareness.setLocalStateField('cursor', 7)
    await eventually(() => expect(c.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { id: 'a' }, cursor: 7 }))
    a.provider.awareness.setLocalState(null)
    await eventually(() => {
      expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false)
      expect(c.provider.awareness.getStates().has(a.doc.clientID)).toBe(false)
    })
  })

  // proves: PRESENCE-4
  it("a closed connection's states are removed for everyone else at once (abrupt close, no goodbye message)", async () => {
    const server = await startTestServer()
    const { carol, mallory } = await roomWithAlice(server)
    // The raw client introduces two client IDs, then its TCP connection dies without a close frame.
    await mallory.send(awarenessFrame([
      { clientID: 5_000_001, clock: 1, state: { tab: 1 } },
      { clientID: 5_000_002, clock: 1, state: { tab: 2 } },
    ]))
    await eventually(() => {
      expect(carol.provider.awareness.getStates().get(5_000_001)).toEqual(from('mallory', { tab: 1 }))
      expect(carol.provider.awareness.getStates().get(5_000_002)).toEqual(from('mallory', { tab: 2 }))
    })
    const closedAt = Date.now()
    mallory.terminate()
    await eventually(
      () => {
        expect(carol.provider.awareness.getStates().has(5_000_001)).toBe(false)
        expect(carol.provider.awareness.getStates().has(5_000_002)).toBe(false)
      },
      { timeoutMs: AT_ONCE_MS },
    )
    expect(Date.now() - closedAt).toBeLessThan(AT_ONCE_MS)
  })

  // proves: PRESENCE-4
  it('states are removed at once also when the server closes the connection (bad frame 1002, access revoked 4403)', async () => {
    const server = await startTestServer()
    const { room, carol } = await roomWithAlice(server)
    const bad = await rawClient(server, room, await server.token({ doc: room, sub: 'bad' }))
    await bad.send(awarenessFrame([{ clientID: 5_100_001, clock: 1, state: { note: 'about to misbehave' } }]))
    await eventually(() => expect(carol.provider.awareness.getStates().get(5_100_001)).toEqual(from('bad', { note: 'about to misbehave' })))
    await bad.send(new Uint8Array([0, 2, 10, 1, 2]))
    expect(await bad.closeCode()).toBe(1002)
    await eventually(() => expect(carol.provider.awareness.getStates().has(5_100_001)).toBe(false), { timeoutMs: AT_ONCE_MS })
    const revoked = await rawClient(server, room, await server.token({ doc: room, sub: 'revoked' }, { issuedAt: Math.floor(Date.now() / 1000) - 60 }))
    await revoked.send(awarenessFrame([{ clientID: 5_100_002, clock: 1, state: { note: 'about to lose access' } }]))
    await eventually(() => expect(carol.provider.awareness.getStates().get(5_100_002)).toEqual(from('revoked', { note: 'about to lose access' })))
    const res = await api(server, 'POST', `/docs/${room}/access`, {
      token: await server.token({ doc: room, sub: 'owner', access: 'admin' }),
      body: JSON.stringify({ sub: 'revoked', access: 'none' }),
    })
    expect(res.status).toBe(204)
    expect(await revoked.closeCode()).toBe(4403)
    await eventually(() => expect(carol.provider.awareness.getStates().has(5_100_002)).toBe(false), { timeoutMs: AT_ONCE_MS })
  })

  // proves: PRESENCE-4
  it("a stock client's states disappear for others at once when its socket drops", async () => {
    const server = await startTestServer()
    const { alice, carol } = await roomWithAlice(server)
    // Drop the socket without the provider's goodbye (disconnect() would send a null state first).
    alice.provider.shouldConnect = false
    ;(alice.provider.ws as unknown as { terminate(): void }).terminate()
    await eventually(() => expect(carol.provider.awareness.getStates().has(alice.doc.clientID)).toBe(false), { timeoutMs: AT_ONCE_MS })
  })

  // proves: PRESENCE-2
  it("a connection cannot erase another connection's client ID (a null state for it is ignored)", async () => {
    const server = await startTestServer()
    const { room, alice, carol, mallory, seenForAlice } = await roomWithAlice(server)
    const victim = alice.doc.clientID
    const clock = alice.provider.awareness.meta.get(victim)!.clock
    await sendThenMark(mallory, [{ clientID: victim, clock: clock + 10, state: null }], carol, 6_000_001, 1)
    expect(carol.provider.awareness.getStates().get(victim)).toEqual(ALICE)
    expect(seenForAlice).toEqual([])
    // A later joiner too still gets alice's state from the server.
    const dave = await syncedClient(server, room, await server.token({ doc: room, sub: 'dave' }))
    await eventually(() => expect(dave.provider.awareness.getStates().get(victim)).toEqual(ALICE))
    expect(mallory.isOpen).toBe(true)
  })

  // proves: PRESENCE-2
  it("a connection cannot impersonate another connection's client ID (a state for it is ignored)", async () => {
    const server = await startTestServer()
    const { room, alice, carol, mallory, seenForAlice } = await roomWithAlice(server)
    const victim = alice.doc.clientID
    const clock = alice.provider.awareness.meta.get(victim)!.clock
    await sendThenMark(mallory, [{ clientID: victim, clock: clock + 10, state: { user: 'mallory pretending' } }], carol, 6_000_002, 1)
    expect(carol.provider.awareness.getStates().get(victim)).toEqual(ALICE)
    expect(seenForAlice).toEqual([])
    const dave = await syncedClient(server, room, await server.token({ doc: room, sub: 'dave' }))
    await eventually(() => expect(dave.provider.awareness.getStates().get(victim)).toEqual(ALICE))
    await consistently(() => expect(dave.provider.awareness.getStates().get(victim)).toEqual(ALICE))
    // Alice's own later change still goes through.
    alice.provider.awareness.setLocalStateField('color', '#0f0')
    await eventually(() => expect(carol.provider.awareness.getStates().get(victim)).toEqual({ ...ALICE, color: '#0f0' }))
  })

  // proves: PRESENCE-2
  it('a client ID introduced by one raw connection cannot be taken over by another connection', async () => {
    const server = await startTestServer()
    const { room, carol, mallory } = await roomWithAlice(server)
    await mallory.send(awarenessFrame([{ clientID: 7_000_001, clock: 1, state: { note: 'first owner' } }]))
    await eventually(() => expect(carol.provider.awareness.getStates().get(7_000_001)).toEqual(from('mallory', { note: 'first owner' })))
    const second = await rawClient(server, room, await server.token({ doc: room, sub: 'second' }))
    await sendThenMark(second, [{ clientID: 7_000_001, clock: 50, state: { note: 'usurper' } }], carol, 7_000_002, 1)
    await sendThenMark(second, [{ clientID: 7_000_001, clock: 51, state: null }], carol, 7_000_002, 2)
    expect(carol.provider.awareness.getStates().get(7_000_001)).toEqual(from('mallory', { note: 'first owner' }))
    // Its owner may still change and remove it.
    await mallory.send(awarenessFrame([{ clientID: 7_000_001, clock: 2, state: { note: 'first owner, moved' } }]))
    await eventually(() => expect(carol.provider.awareness.getStates().get(7_000_001)).toEqual(from('mallory', { note: 'first owner, moved' })))
    await mallory.send(awarenessFrame([{ clientID: 7_000_001, clock: 3, state: null }]))
    await eventually(() => expect(carol.provider.awareness.getStates().has(7_000_001)).toBe(false))
  })

  // proves: PRESENCE-3
  it("echoes of others' entries mixed with one's own are not an error: the connection stays open, its own entry applies, the others are untouched", async () => {
    const server = await startTestServer()
    const { alice, carol, mallory, seenForAlice } = await roomWithAlice(server)
    const aliceClock = alice.provider.awareness.meta.get(alice.doc.clientID)!.clock
    const carolClock = carol.provider.awareness.meta.get(carol.doc.clientID)!.clock
    // Exactly what a stock client sends when answering query-awareness: every state it knows.
    await mallory.send(awarenessFrame([
      { clientID: alice.doc.clientID, clock: aliceClock, state: ALICE },
      { clientID: 8_000_001, clock: 1, state: { note: 'mallory' } },
      { clientID: carol.doc.clientID, clock: carolClock + 5, state: { user: 'carol?' } },
    ]))
    await eventually(() => expect(carol.provider.awareness.getStates().get(8_000_001)).toEqual(from('mallory', { note: 'mallory' })))
    await mallory.roundTrip()
    expect(mallory.isOpen).toBe(true)
    expect(mallory.closeInfo).toBeNull()
    expect(alice.provider.awareness.getStates().get(carol.doc.clientID)).toEqual({ user: { id: 'carol' } })
    expect(carol.provider.awareness.getStates().get(alice.doc.clientID)).toEqual(ALICE)
    expect(seenForAlice).toEqual([])
  })

  // proves: PRESENCE-3
  it('a stock client answering query-awareness (echoing everyone) keeps its connection and breaks nobody', async () => {
    const server = await startTestServer()
    const { alice, carol, mallory } = await roomWithAlice(server)
    // Ask alice's stock client (through the server) for awareness: the server relays or answers;
    // either way stock clients end up sending states of others, which must be harmless.
    await mallory.send(new Uint8Array([3]))
    alice.provider.awareness.setLocalStateField('cursor', 3)
    await eventually(() => expect(carol.provider.awareness.getStates().get(alice.doc.clientID)).toEqual({ ...ALICE, cursor: 3 }))
    expect(alice.closeCodes).toEqual([])
    expect(carol.closeCodes).toEqual([])
  })
})

describe('presence limits', () => {
  // proves: PRESENCE-6, READ-2
  it('a read connection sending a 1 MiB presence state is closed with 1009, nothing of it is relayed, and a new joiner syncs', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }), { awareness: { user: { id: 'w' } } })
    writer.doc.getText('text').insert(0, 'the document')
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    await eventually(() => expect(watcher.text()).toBe('the document'))
    const viewer = await rawClient(server, room, await server.token({ doc: room, sub: 'viewer', access: 'read' }))
    await viewer.roundTrip()
    await viewer.send(awarenessFrame([{ clientID: 9_100_001, clock: 1, state: { blob: 'x'.repeat(1024 * 1024) } }]))
    expect(await viewer.closeCode()).toBe(1009)
    // Within a generous wait, a newcomer has the whole document (the server is not busy with that presence).
    const joiner = connectClient(server, room, await server.token({ doc: room, sub: 'joiner', access: 'read' }))
    await joiner.waitSynced(2_000)
    expect(joiner.text()).toBe('the document')
    expect(joiner.provider.awareness.getStates().has(9_100_001)).toBe(false)
    expect(watcher.provider.awareness.getStates().has(9_100_001)).toBe(false)
    expect(writer.closeCodes).toEqual([])
  })

  // proves: PRESENCE-6
  it('a state of exactly MAX_AWARENESS_BYTES is relayed; one byte more closes the connection with 1009', async () => {
    const server = await startTestServer({ limits: { maxAwarenessBytes: 1000 } })
    const room = docId()
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'r' }))
    // Already bound to its token, so relayed as it is: exactly 1000 bytes of JSON.
    const sized = (bytes: number) => {
      const json = JSON.stringify({ user: { id: 'r' }, pad: '' })
      return { user: { id: 'r' }, pad: 'p'.repeat(bytes - json.length) }
    }
    expect(JSON.stringify(sized(1000)).length).toBe(1000)
    await raw.send(awarenessFrame([{ clientID: 9_200_001, clock: 1, state: sized(1000) }]))
    await eventually(() => expect(watcher.provider.awareness.getStates().get(9_200_001)).toEqual(sized(1000)))
    await raw.send(awarenessFrame([{ clientID: 9_200_001, clock: 2, state: sized(1001) }]))
    expect(await raw.closeCode()).toBe(1009)
    await eventually(() => expect(watcher.provider.awareness.getStates().has(9_200_001)).toBe(false))
  })

  // proves: PRESENCE-7
  it('a connection may introduce MAX_AWARENESS_CLIENTS client IDs (4); one more closes it with 1008 and its states go', async () => {
    const server = await startTestServer()
    const room = docId()
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'tabs' }))
    const ids = [9_300_001, 9_300_002, 9_300_003, 9_300_004]
    await raw.send(awarenessFrame(ids.map((clientID) => ({ clientID, clock: 1, state: { tab: clientID } }))))
    await eventually(() => {
      for (const id of ids) expect(watcher.provider.awareness.getStates().get(id)).toEqual(from('tabs', { tab: id }))
    })
    // Updating its own four is fine...
    await raw.send(awarenessFrame([{ clientID: ids[0], clock: 2, state: { tab: 'moved' } }]))
    await raw.roundTrip()
    // ...a fifth is not.
    await raw.send(awarenessFrame([{ clientID: 9_300_005, clock: 1, state: { tab: 5 } }]))
    expect(await raw.closeCode()).toBe(1008)
    await eventually(() => {
      for (const id of [...ids, 9_300_005]) expect(watcher.provider.awareness.getStates().has(id)).toBe(false)
    })
  })
})

describe('presence bound to the token', () => {
  // proves: PRESENCE-8
  it("an impersonating presence shows the token's name and id: carets and the people list cannot be forged", async () => {
    const server = await startTestServer()
    const room = docId()
    const carol = await syncedClient(server, room, await server.token({ doc: room, sub: 'carol', name: 'Carol' }))
    // A viewer whose stock client claims to be Alice (with Alice's id), and adds a caret of its own.
    const mallory = await syncedClient(server, room, await server.token({ doc: room, sub: 'mallory-id', name: 'Mallory', access: 'read' }), {
      awareness: { user: { id: 'alice-id', name: 'Alice', color: '#ff0000' }, cursor: { anchor: 1, head: 1 } },
    })
    await eventually(() =>
      expect(carol.provider.awareness.getStates().get(mallory.doc.clientID)).toEqual({
        user: { id: 'mallory-id', name: 'Mallory', color: '#ff0000' },
        cursor: { anchor: 1, head: 1 },
      }),
    )
    // A token without a name binds the id only.
    const nameless = await syncedClient(server, room, await server.token({ doc: room, sub: 'nameless' }), { awareness: { user: { id: 'alice-id', name: 'Still me' } } })
    await eventually(() => expect(carol.provider.awareness.getStates().get(nameless.doc.clientID)).toEqual({ user: { id: 'nameless', name: 'Still me' } }))
    // And a joiner is sent the bound states too.
    const dave = await syncedClient(server, room, await server.token({ doc: room, sub: 'dave' }))
    await eventually(() => expect(dave.provider.awareness.getStates().get(mallory.doc.clientID)).toMatchObject({ user: { id: 'mallory-id', name: 'Mallory' } }))
  })

  // proves: PRESENCE-9
  it("a dropped user's presence cannot be taken over with a huge clock: whoever takes the client ID shows as themselves", async () => {
    const server = await startTestServer()
    const room = docId()
    const carol = await syncedClient(server, room, await server.token({ doc: room, sub: 'carol' }))
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice', name: 'Alice' }), { awareness: ALICE })
    const aliceId = alice.doc.clientID
    await eventually(() => expect(carol.provider.awareness.getStates().get(aliceId)).toEqual(ALICE))
    const mallory = await rawClient(server, room, await server.token({ doc: room, sub: 'mallory', name: 'Mallory', access: 'read' }))
    // While alice is connected her ID is hers: a huge clock changes nothing.
    await sendThenMark(mallory, [{ clientID: aliceId, clock: 2 ** 40, state: ALICE }], carol, 9_400_001, 1)
    expect(carol.provider.awareness.getStates().get(aliceId)).toEqual(ALICE)
    alice.destroy()
    await eventually(() => expect(carol.provider.awareness.getStates().has(aliceId)).toBe(false))
    // Once she is gone her ID is free, but whoever takes it appears under their own token.
    await mallory.send(awarenessFrame([{ clientID: aliceId, clock: 2 ** 40, state: ALICE }]))
    await eventually(() => expect(carol.provider.awareness.getStates().get(aliceId)).toEqual({ user: { id: 'mallory', name: 'Mallory' }, color: '#f00' }))
  })
})
