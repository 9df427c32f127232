/**
 * docs/sync-protocol.md, "Bad input": each kind of bad frame closes that
 * connection only, with its close code; the room's document is exactly as it
 * was before; other connections and rooms go on; no input from the network
 * stops the process.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import {
  api,
  consistently,
  docId,
  eventually,
  metric,
  rawClient,
  RawClient,
  roomUrl,
  serverDocument,
  sleep,
  spawnServer,
  startTestServer,
  syncedClient,
  upgradeStatus,
  type SpawnedServer,
  type TestServer,
} from './harness'
import {
  INTEGRATION_FAILURE_UPDATE,
  awarenessFrame,
  encodeAwareness,
  insertUpdate,
  prng,
  structsThenBrokenDeleteSet,
  syncStep1Frame,
  updateFrame,
  updateFrameOfSize,
} from './wire'

const bytes = (...xs: number[]) => new Uint8Array(xs)
const frame = (write: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}
const validUpdate = insertUpdate('INJECTED', { clientID: 2_000_001 }).update

/** Malformed or truncated messages, unknown types, undecodable updates: all must close with 1002. */
const PROTOCOL_ERRORS: Array<[string, Uint8Array]> = [
  ['empty frame', bytes()],
  ['truncated varUint message type', bytes(0x80)],
  ['sync without a sub-type', bytes(0)],
  ['sync with an unknown sub-type', bytes(0, 9, 1, 0)],
  ['sync step 1 without a state vector', bytes(0, 0)],
  ['sync step 1 with an undecodable state vector', frame((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 0); encoding.writeVarUint8Array(e, bytes(5, 1)) })],
  ['update without a payload', bytes(0, 2)],
  ['update whose length prefix runs past the frame', bytes(0, 2, 10, 1, 2)],
  ['update whose length prefix claims 2 GiB', frame((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2); encoding.writeVarUint(e, 2 ** 31); encoding.writeUint8Array(e, bytes(1, 2, 3)) })],
  ['truncated update (valid update cut short)', updateFrame(validUpdate.slice(0, validUpdate.length - 5))],
  ['random bytes as an update', updateFrame(bytes(1, 2, 3, 4, 5, 6, 7))],
  ['update of 0xff bytes', updateFrame(new Uint8Array(32).fill(0xff))],
  ['update whose structs decode but whose delete set is cut off', updateFrame(structsThenBrokenDeleteSet('INJECTED'))],
  ['sync step 2 with a truncated update', frame((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 1); encoding.writeVarUint8Array(e, validUpdate.slice(0, 6)) })],
  ['awareness without a payload', bytes(1)],
  ['awareness whose payload is truncated', frame((e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint8Array(e, bytes(3, 1)) })],
  ['awareness whose state is not JSON', frame((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(e, frame((p) => { encoding.writeVarUint(p, 1); encoding.writeVarUint(p, 2_000_002); encoding.writeVarUint(p, 1); encoding.writeVarString(p, '{not json') }))
  })],
  ['awareness claiming more entries than it has', frame((e) => {
    encoding.writeVarUint(e, 1)
    const one = encodeAwareness([{ clientID: 2_000_003, clock: 1, state: { ok: true } }])
    one[0] = 4
    encoding.writeVarUint8Array(e, one)
  })],
  ['unknown message type 4', bytes(4)],
  ['unknown message type 7 with a payload', bytes(7, 1, 2, 3)],
  ['unknown message type 99', bytes(99, 0)],
  ['unknown message type 102 (varUint)', frame((e) => encoding.writeVarUint(e, 102))],
  ['a fresh token (type 101) without its token', frame((e) => encoding.writeVarUint(e, 101))],
  ['a fresh token (type 101) whose length prefix runs past the frame', frame((e) => { encoding.writeVarUint(e, 101); encoding.writeVarUint(e, 40); encoding.writeUint8Array(e, bytes(65, 66)) })],
  ['unknown message type 2^20', frame((e) => { encoding.writeVarUint(e, 2 ** 20); encoding.writeVarUint(e, 0) })],
]

interface Scene {
  server: TestServer
  room: string
  writer: Awaited<ReturnType<typeof syncedClient>>
  observer: Awaited<ReturnType<typeof syncedClient>>
  otherRoom: string
  otherWriter: Awaited<ReturnType<typeof syncedClient>>
  otherObserver: Awaited<ReturnType<typeof syncedClient>>
  before: { text: string; sv: Uint8Array }
}

/** A room with content and two stock clients, and a second room with two more. */
async function scene(server: TestServer): Promise<Scene> {
  const room = docId('room')
  const otherRoom = docId('other')
  const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
  const observer = await syncedClient(server, room, await server.token({ doc: room, sub: 'o' }))
  const otherWriter = await syncedClient(server, otherRoom, await server.token({ doc: otherRoom, sub: 'w2' }))
  const otherObserver = await syncedClient(server, otherRoom, await server.token({ doc: otherRoom, sub: 'o2' }))
  writer.doc.getText('text').insert(0, 'before')
  await eventually(() => expect(observer.text()).toBe('before'))
  const doc = await serverDocument(server, room)
  return { server, room, writer, observer, otherRoom, otherWriter, otherObserver, before: { text: doc.getText('text').toString(), sv: Y.encodeStateVector(doc) } }
}

/** After the bad connection closed: the room is exactly as before, and both rooms still serve their clients. */
async function expectUnharmed(s: Scene): Promise<void> {
  const doc = await serverDocument(s.server, s.room)
  expect(doc.getText('text').toString()).toBe(s.before.text)
  expect([...Y.encodeStateVector(doc)]).toEqual([...s.before.sv])
  expect(s.observer.text()).toBe(s.before.text)
  // Same room goes on: the existing connections were not closed and still relay.
  s.writer.doc.getText('text').insert(s.writer.text().length, ' after')
  await eventually(() => expect(s.observer.text()).toBe(`${s.before.text} after`))
  // Other room goes on.
  s.otherWriter.doc.getText('text').insert(0, 'other room fine')
  await eventually(() => expect(s.otherObserver.text()).toBe('other room fine'))
  for (const c of [s.writer, s.observer, s.otherWriter, s.otherObserver]) expect(c.closeCodes).toEqual([])
}

describe('bad input closes that connection only', () => {
  // proves: INPUT-1, INPUT-5
  it.each(PROTOCOL_ERRORS)('%s → 1002, room unchanged, others go on', async (_label, bad) => {
    const server = await startTestServer()
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'bad' }))
    await raw.roundTrip()
    await raw.send(bad)
    expect(await raw.closeCode()).toBe(1002)
    await expectUnharmed(s)
  })

  // proves: INPUT-7, INPUT-5
  it('an update that decodes but fails inside Yjs → 1002; nothing of it is kept, relayed, stored or sent to a joiner; others go on', async () => {
    const server = await startTestServer()
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'bad' }))
    await raw.roundTrip()
    await raw.send(updateFrame(INTEGRATION_FAILURE_UPDATE))
    expect(await raw.closeCode()).toBe(1002)
    await expectUnharmed(s)
    expect(s.observer.doc.getMap('meta').toJSON()).toEqual({})
    const after = `${s.before.text} after`
    const joiner = await syncedClient(server, s.room, await server.token({ doc: s.room, sub: 'joiner' }))
    expect(joiner.text()).toBe(after)
    expect(joiner.doc.getMap('meta').toJSON()).toEqual({})
    // What the store holds, read back after a restart: the same, and nothing of the bad update.
    await eventually(async () => expect(await server.store.storedText(s.room)).toBe(after))
    await server.restart()
    const stored = await serverDocument(server, s.room)
    expect(stored.getText('text').toString()).toBe(after)
    expect(stored.getMap('meta').toJSON()).toEqual({})
  })

  // proves: INPUT-2, INPUT-5
  it('a text frame → 1003, room unchanged, others go on', async () => {
    const server = await startTestServer()
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'bad' }))
    await raw.sendText('{"type":"update","text":"INJECTED"}')
    expect(await raw.closeCode()).toBe(1003)
    await expectUnharmed(s)
  })

  // proves: INPUT-2
  it('a text frame whose bytes are a valid update message is still refused with 1003 and not applied', async () => {
    const server = await startTestServer()
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'bad' }))
    // clientID 100 keeps every byte below 0x80, so the frame is valid UTF-8 (plain ASCII).
    const message = updateFrame(insertUpdate('INJECTED', { clientID: 100 }).update)
    expect(message.every((b) => b < 0x80)).toBe(true)
    await raw.sendText(Buffer.from(message).toString('latin1'))
    expect(await raw.closeCode()).toBe(1003)
    await expectUnharmed(s)
  })

  // proves: INPUT-2
  it('a text frame that is not valid UTF-8 also closes with 1003 (the spec names no other code for text frames)', async () => {
    const server = await startTestServer()
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'bad' }))
    await new Promise<void>((resolve, reject) =>
      raw.ws.send(Buffer.from(updateFrame(insertUpdate('INJECTED', { clientID: 2_000_010 }).update)), { binary: false }, (e) => (e ? reject(e) : resolve())),
    )
    expect(await raw.closeCode()).toBe(1003)
    await expectUnharmed(s)
  })

  // proves: INPUT-3
  it('a frame over MAX_MESSAGE_BYTES → 1009 and is not applied; a frame of exactly MAX_MESSAGE_BYTES is accepted', async () => {
    const max = 4096
    const server = await startTestServer({ limits: { maxMessageBytes: max } })
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'big' }))
    const over = updateFrameOfSize(max + 1, 'big')
    expect(over.frame.length).toBe(max + 1)
    await raw.send(over.frame)
    expect(await raw.closeCode()).toBe(1009)
    expect((await serverDocument(server, s.room)).getText('big').toString()).toBe('')
    await expectUnharmed(s)
    // Exactly at the limit is fine.
    const ok = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'ok' }))
    const atLimit = updateFrameOfSize(max, 'big')
    expect(atLimit.frame.length).toBe(max)
    await ok.send(atLimit.frame)
    await ok.roundTrip()
    expect(ok.isOpen).toBe(true)
    await eventually(async () => expect((await serverDocument(server, s.room)).getText('big').length).toBeGreaterThan(max - 100))
  })

  // proves: INPUT-4, INPUT-5
  it('a flood over MAX_MESSAGES_PER_SECOND → 1008; nothing after the bucket emptied is applied; others go on', async () => {
    const perSecond = 20
    const server = await startTestServer({ limits: { maxMessagesPerSecond: perSecond } })
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'flood' }))
    // Sequential appends from one client: whatever the server kept must be a prefix.
    const doc = new Y.Doc()
    doc.clientID = 2_000_020
    const frames: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => frames.push(updateFrame(u)))
    const flood = doc.getText('flood')
    for (let i = 0; i < 400; i++) flood.insert(i, String.fromCharCode(65 + (i % 26)))
    for (const f of frames) {
      if (!raw.isOpen) break
      raw.ws.send(f)
    }
    expect(await raw.closeCode()).toBe(1008)
    const kept = (await serverDocument(server, s.room)).getText('flood').toString()
    expect(flood.toString().startsWith(kept)).toBe(true)
    // A bucket of 5 x 20 = 100 messages, plus whatever refilled during the burst (well under a second).
    expect(kept.length).toBeLessThanOrEqual(5 * perSecond + perSecond)
    expect(kept.length).toBeLessThan(400)
    await expectUnharmed({ ...s, before: { text: s.before.text, sv: Y.encodeStateVector(await serverDocument(server, s.room)) } })
  })

  // proves: INPUT-4, CONFIG-10
  it('the bucket holds 5x MAX_MESSAGES_PER_SECOND and refills at that rate: bursts within it and a steady rate below it are fine', async () => {
    const perSecond = 20
    const server = await startTestServer({ limits: { maxMessagesPerSecond: perSecond } })
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    const me = 2_000_030
    let clock = 0
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) raw.ws.send(awarenessFrame([{ clientID: me, clock: ++clock, state: { n: clock } }]))
    }
    await burst(80) // within the bucket of 100
    await sleep(3000) // refills 60: back to at least 80
    expect(raw.isOpen).toBe(true)
    await burst(70) // 150 in ~3 s: only fine because of the refill
    await sleep(500)
    expect(raw.isOpen).toBe(true)
    expect(raw.closeInfo).toBeNull()
    // Then a burst the bucket cannot hold.
    await burst(200)
    expect(await raw.closeCode()).toBe(1008)
  })

  // proves: INPUT-1
  it('a message sent by a client after its bad one is never applied (the connection is gone)', async () => {
    const server = await startTestServer()
    const s = await scene(server)
    const raw = await rawClient(server, s.room, await server.token({ doc: s.room, sub: 'bad' }))
    raw.ws.send(bytes(0, 2, 10, 1, 2))
    raw.ws.send(updateFrame(insertUpdate('LATE', { clientID: 2_000_040 }).update))
    expect(await raw.closeCode()).toBe(1002)
    await expectUnharmed(s)
  })
})

// ---------------------------------------------------------------- fuzz

function fuzzFrames(seed: number, count: number): Array<{ bytes: Uint8Array; text: boolean }> {
  const rand = prng(seed)
  const int = (n: number) => Math.floor(rand() * n)
  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))
  const doc = new Y.Doc()
  doc.clientID = 1_000_000 + seed
  const seeds: Uint8Array[] = [
    syncStep1Frame(),
    updateFrame(insertUpdate('fuzz', { clientID: 1_500_000 + seed }).update),
    awarenessFrame([{ clientID: 1_600_000 + seed, clock: 1, state: { user: 'fuzz' } }]),
    bytes(3),
    bytes(100),
    ...PROTOCOL_ERRORS.map(([, b]) => b),
  ]
  const out: Array<{ bytes: Uint8Array; text: boolean }> = []
  for (let i = 0; i < count; i++) {
    const kind = int(6)
    let b: Uint8Array
    if (kind === 0) b = randomBytes(int(64))
    else if (kind === 1) b = Uint8Array.of(int(5), ...randomBytes(int(40)))
    else if (kind === 2) {
      // Bit flips in a valid or invalid seed message.
      b = seeds[int(seeds.length)].slice()
      for (let k = 0; k < 1 + int(4); k++) if (b.length) b[int(b.length)] ^= 1 << int(8)
    } else if (kind === 3) {
      // Truncate or extend a seed.
      const s = seeds[int(seeds.length)]
      b = rand() < 0.5 ? s.slice(0, int(s.length + 1)) : Uint8Array.of(...s, ...randomBytes(1 + int(16)))
    } else if (kind === 4) {
      // Random sync/awareness framing around random payloads, with huge length prefixes sometimes.
      b = frame((e) => {
        encoding.writeVarUint(e, int(2))
        encoding.writeVarUint(e, int(3))
        if (rand() < 0.3) encoding.writeVarUint(e, int(2 ** 32))
        encoding.writeVarUint8Array(e, randomBytes(int(48)))
      })
    } else b = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...randomBytes(int(8)))
    out.push({ bytes: b, text: rand() < 0.03 })
  }
  return out
}

async function fuzzServer(server: SpawnedServer, seed: number, count: number): Promise<void> {
  const room = docId('fuzz')
  const token = await server.token({ doc: room, sub: 'fuzzer' })
  const readToken = await server.token({ doc: room, sub: 'fuzz-reader', access: 'read' })
  let conn: RawClient | null = null
  let n = 0
  for (const f of fuzzFrames(seed, count)) {
    if (!conn || !conn.isOpen) {
      conn = new RawClient(roomUrl(server, room, ++n % 5 === 0 ? readToken : token))
      await conn.opened
    }
    if (f.text) conn.ws.send(Buffer.from(f.bytes).toString('latin1'))
    else conn.ws.send(f.bytes)
    await Promise.race([conn.closed, sleep(3)])
  }
  conn?.terminate()
}

describe('no input from the network can stop the process', () => {
  // proves: INPUT-6
  it('survives hundreds of random and mutated frames, random HTTP bodies and odd upgrade URLs, and still serves', async () => {
    const server = await spawnServer({ env: { MAX_MESSAGE_BYTES: '65536', MAX_MESSAGES_PER_SECOND: '100000' } })
    const seed = 20261127
    await fuzzServer(server, seed, 400)
    // HTTP side: random bodies to the update endpoint and odd requests.
    const rand = prng(seed + 1)
    const room = docId('http-fuzz')
    const token = await server.token({ doc: room })
    for (let i = 0; i < 40; i++) {
      const body = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))
      const res = await api(server, 'POST', `/docs/${room}/update`, { token, body })
      expect([204, 400]).toContain(res.status)
    }
    for (const path of ['/docs', '/docs/', `/docs/${room}`, `/docs/${room}/update/extra`, '/%', '/..%2F..%2Fetc', '/docs/%00/update', '/metrics?x=%zz']) {
      const res = await fetch(server.httpUrl + path, { method: 'POST', headers: { authorization: 'Bearer %%%', 'content-type': 'application/json' }, body: '{' })
      expect(res.status).toBeGreaterThanOrEqual(200)
      await res.arrayBuffer()
    }
    for (const url of [`${server.wsUrl}/%`, `${server.wsUrl}/a?token=%zz`, `${server.wsUrl}/a?token=${'x'.repeat(8000)}`, `${server.wsUrl}/?`, `${server.wsUrl}//a`]) {
      const outcome = await upgradeStatus(url).catch(() => ({ status: -1, body: '' }))
      expect(outcome.status).not.toBe(101)
    }
    expect(server.hasExited()).toBe(false)
    const health = await api(server, 'GET', '/healthz')
    expect(health.status).toBe(200)
    // And it still serves: a fresh room relays between stock clients.
    const fresh = docId('after-fuzz')
    const a = await syncedClient(server, fresh, await server.token({ doc: fresh, sub: 'a' }))
    const b = await syncedClient(server, fresh, await server.token({ doc: fresh, sub: 'b' }))
    a.doc.getText('text').insert(0, 'still alive')
    await eventually(() => expect(b.text()).toBe('still alive'))
    expect(await metric(server, 'tandem_connections')).toBeGreaterThanOrEqual(2)
    await consistently(() => expect(server.hasExited()).toBe(false), 200)
  })

  // proves: INPUT-6
  it('an in-process server survives the same fuzz from several connections at once', async () => {
    const server = await startTestServer({ limits: { maxMessageBytes: 65536, maxMessagesPerSecond: 100000 } })
    const room = docId('parallel-fuzz')
    const token = await server.token({ doc: room })
    await Promise.all(
      [1, 2, 3, 4].map(async (k) => {
        let conn: RawClient | null = null
        for (const f of fuzzFrames(k * 7919, 100)) {
          if (!conn || !conn.isOpen) {
            conn = new RawClient(roomUrl(server, room, token))
            await conn.opened
          }
          conn.ws.send(f.text ? Buffer.from(f.bytes).toString('latin1') : f.bytes)
          await Promise.race([conn.closed, sleep(2)])
        }
        conn?.terminate()
      }),
    )
    const a = await syncedClient(server, room, await server.token({ doc: room, sub: 'a' }))
    const b = await syncedClient(server, room, await server.token({ doc: room, sub: 'b' }))
    a.doc.getText('probe').insert(0, 'ok')
    await eventually(() => expect(b.doc.getText('probe').toString()).toBe('ok'))
  })
})
