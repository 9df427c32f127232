/**
 * docs/sync-protocol.md, "The document API": GET/POST /docs/<id>/update,
 * DELETE /docs/<id>, POST /docs/<id>/access, each with `Authorization: Bearer
 * <token>` and the upgrade's refusals.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  afterSecond,
  api,
  connectClient,
  consistently,
  docId,
  eventually,
  handMadeJwt,
  nowSeconds,
  rawClient,
  roomUrl,
  serverDocument,
  serverText,
  startTestServer,
  syncedClient,
  tokenDefects,
  upgradeStatus,
  validPayload,
  type TestServer,
} from './harness'
import { INTEGRATION_FAILURE_UPDATE, insertUpdate, structsThenBrokenDeleteSet, updateFrame, updateOfSize } from './wire'

const LONG_AGO = () => nowSeconds() - 60

async function seed(server: TestServer, room: string, text: string) {
  const res = await api(server, 'POST', `/docs/${room}/update`, { token: await server.token({ doc: room, sub: 'seeder' }), body: insertUpdate(text).update })
  expect(res.status).toBe(204)
}

describe('authorisation of every call (same token format and refusals as the upgrade)', () => {
  const calls = (room: string) => [
    { method: 'GET', path: `/docs/${room}/update`, body: undefined as Uint8Array | string | undefined },
    { method: 'POST', path: `/docs/${room}/update`, body: insertUpdate('x').update },
    { method: 'DELETE', path: `/docs/${room}`, body: undefined },
    { method: 'POST', path: `/docs/${room}/access`, body: JSON.stringify({ sub: 'bob', access: 'read' }) },
  ]

  // proves: API-1, AUTH-7
  it('400 for a bad docId', async () => {
    const server = await startTestServer()
    for (const bad of ['x'.repeat(129), 'a.b', 'a%20b']) {
      const token = handMadeJwt({ alg: 'HS256' }, validPayload(bad, { access: 'admin' }), server.secret)
      for (const c of calls(bad)) {
        const res = await api(server, c.method, c.path, { token, body: c.body })
        expect(res.status, `${c.method} ${c.path}`).toBe(400)
      }
    }
  })

  // proves: API-1, AUTH-8
  it('401 for every token defect, including a missing Authorization header', async () => {
    const server = await startTestServer()
    const room = docId()
    for (const [label, token] of await tokenDefects(server.secret, room)) {
      for (const c of calls(room)) {
        const res = await api(server, c.method, c.path, { token, body: c.body })
        expect(res.status, `${label}: ${c.method} ${c.path}`).toBe(401)
      }
    }
    // Not a Bearer credential at all.
    const good = await server.token({ doc: room, access: 'admin' })
    const res = await api(server, 'GET', `/docs/${room}/update`, { headers: { authorization: `Basic ${good}` } })
    expect(res.status).toBe(401)
  })

  // proves: API-1, AUTH-9
  it('403 when the token is for another document, and when its access is too low for the call', async () => {
    const server = await startTestServer()
    const room = docId()
    const other = docId('other')
    for (const c of calls(room)) {
      const res = await api(server, c.method, c.path, { token: await server.token({ doc: other, access: 'admin' }), body: c.body })
      expect(res.status, `${c.method} ${c.path}`).toBe(403)
    }
    const read = await server.token({ doc: room, access: 'read' })
    const write = await server.token({ doc: room, access: 'write' })
    expect((await api(server, 'POST', `/docs/${room}/update`, { token: read, body: insertUpdate('no').update })).status).toBe(403)
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: read })).status).toBe(403)
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: write })).status).toBe(403)
    expect((await api(server, 'POST', `/docs/${room}/access`, { token: read, body: JSON.stringify({ sub: 'bob', access: 'read' }) })).status).toBe(403)
    expect((await api(server, 'POST', `/docs/${room}/access`, { token: write, body: JSON.stringify({ sub: 'bob', access: 'read' }) })).status).toBe(403)
    // The refused write changed nothing.
    expect(await serverText(server, room)).toBe('')
  })

  // proves: API-1, AUTH-10
  it('410 for a token issued before the document was deleted', async () => {
    const server = await startTestServer()
    const room = docId()
    const issued = LONG_AGO()
    const old = (access: 'read' | 'write' | 'admin') => server.token({ doc: room, access }, { issuedAt: issued })
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: await old('admin') })).status).toBe(204)
    for (const c of calls(room)) {
      const res = await api(server, c.method, c.path, { token: await old('admin'), body: c.body })
      expect(res.status, `${c.method} ${c.path}`).toBe(410)
    }
  })
})

describe('GET /docs/<docId>/update (read)', () => {
  // proves: API-2
  it('200 with the whole document as one Yjs update, application/octet-stream, for a read token', async () => {
    const server = await startTestServer()
    const room = docId()
    const a = await syncedClient(server, room, await server.token({ doc: room }))
    a.doc.getText('text').insert(0, 'whole document')
    a.doc.getMap('meta').set('title', 'T')
    await eventually(async () => expect(await serverText(server, room)).toBe('whole document'))
    const res = await api(server, 'GET', `/docs/${room}/update`, { token: await server.token({ doc: room, access: 'read' }) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    const doc = new Y.Doc()
    Y.applyUpdate(doc, res.bytes)
    expect(doc.getText('text').toString()).toBe('whole document')
    expect(doc.getMap('meta').get('title')).toBe('T')
    // One update: everything the client has, nothing missing.
    expect([...Y.encodeStateVector(doc)]).toEqual([...Y.encodeStateVector(a.doc)])
  })

  // proves: API-2
  it('serves a document whose room is not loaded, from the store', async () => {
    const server = await startTestServer({ limits: { roomIdleMs: 50 } })
    const room = docId()
    await seed(server, room, 'stored only')
    await server.restart()
    expect(await serverText(server, room)).toBe('stored only')
  })

  // proves: API-2
  it('a document never written is an empty document', async () => {
    const server = await startTestServer()
    const room = docId('never')
    const res = await api(server, 'GET', `/docs/${room}/update`, { token: await server.token({ doc: room, access: 'read' }) })
    expect(res.status).toBe(200)
    const decoded = Y.decodeUpdate(res.bytes)
    expect(decoded.structs).toEqual([])
    expect(decoded.ds.clients.size).toBe(0)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, res.bytes)
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(new Y.Doc()))
  })
})

describe('POST /docs/<docId>/update (write)', () => {
  // proves: API-3
  it('204; validated, applied, persisted and relayed to live connections exactly as a writer update', async () => {
    const server = await startTestServer()
    const room = docId()
    const live = await syncedClient(server, room, await server.token({ doc: room, sub: 'live' }))
    const observer = await rawClient(server, room, await server.token({ doc: room, sub: 'o' }))
    const { update } = insertUpdate('from the backend', { clientID: 12_000_001 })
    const res = await api(server, 'POST', `/docs/${room}/update`, { token: await server.token({ doc: room, sub: 'backend' }), body: update })
    expect(res.status).toBe(204)
    expect(res.bytes.length).toBe(0)
    await eventually(() => expect(live.text()).toBe('from the backend'))
    await eventually(() => expect(observer.framesOf(0).some((f) => f.step === 2)).toBe(true))
    await eventually(async () => expect(await server.store.storedText(room)).toBe('from the backend'), { timeoutMs: 1000 })
    await server.restart()
    expect(await serverText(server, room)).toBe('from the backend')
  })

  // proves: AUTH-3, API-3
  it('admin tokens may write too', async () => {
    const server = await startTestServer()
    const room = docId()
    const res = await api(server, 'POST', `/docs/${room}/update`, { token: await server.token({ doc: room, access: 'admin' }), body: insertUpdate('admin').update })
    expect(res.status).toBe(204)
    expect(await serverText(server, room)).toBe('admin')
  })

  // proves: API-4
  it('an empty or undecodable body gets 400 and changes nothing (no store write, no relay)', async () => {
    const server = await startTestServer()
    const room = docId()
    await seed(server, room, 'unchanged')
    const live = await syncedClient(server, room, await server.token({ doc: room, sub: 'live' }))
    const observer = await rawClient(server, room, await server.token({ doc: room, sub: 'o' }))
    await observer.roundTrip()
    const relayedBefore = observer.framesOf(0).filter((f) => f.step === 2).length
    const token = await server.token({ doc: room, sub: 'backend' })
    const valid = insertUpdate('INJECTED', { clientID: 12_000_002 }).update
    const bodies: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array()],
      ['random bytes', Uint8Array.of(9, 8, 7, 6, 5, 4, 3)],
      ['truncated update', valid.slice(0, valid.length - 4)],
      ['structs then a broken delete set', structsThenBrokenDeleteSet('INJECTED')],
      ['a y-websocket frame instead of an update', Uint8Array.of(0xff, 0xff, 0xff)],
    ]
    for (const [label, body] of bodies) {
      const res = await api(server, 'POST', `/docs/${room}/update`, { token, body })
      expect(res.status, label).toBe(400)
    }
    expect(await serverText(server, room)).toBe('unchanged')
    await consistently(() => expect(live.text()).toBe('unchanged'))
    expect(observer.framesOf(0).filter((f) => f.step === 2).length).toBe(relayedBefore)
    await server.restart()
    expect(await serverText(server, room)).toBe('unchanged')
  })

  // proves: API-13
  it('a body that decodes but fails inside Yjs gets 400 and changes nothing: not applied, relayed, stored, nor served', async () => {
    const server = await startTestServer()
    const room = docId()
    await seed(server, room, 'unchanged')
    const live = await syncedClient(server, room, await server.token({ doc: room, sub: 'live' }))
    const before = Y.encodeStateVector(await serverDocument(server, room))
    const token = await server.token({ doc: room, sub: 'backend' })
    const res = await api(server, 'POST', `/docs/${room}/update`, { token, body: INTEGRATION_FAILURE_UPDATE })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text)).toEqual({ error: expect.any(String) })
    const after = await serverDocument(server, room)
    expect(after.getText('text').toString()).toBe('unchanged')
    expect(after.getMap('meta').toJSON()).toEqual({})
    expect(Y.encodeStateVector(after)).toEqual(before)
    await consistently(() => expect(live.text()).toBe('unchanged'))
    // The document still takes good writes, and only those are stored.
    expect((await api(server, 'POST', `/docs/${room}/update`, { token, body: insertUpdate('+', { clientID: 12_000_003 }).update })).status).toBe(204)
    await eventually(() => expect(live.text()).toBe('+unchanged'))
    await server.restart()
    const stored = await serverDocument(server, room)
    expect(stored.getText('text').toString()).toBe('+unchanged')
    expect(stored.getMap('meta').toJSON()).toEqual({})
  })

  // proves: API-4, CONFIG-9
  it('a body over MAX_MESSAGE_BYTES gets 413 and changes nothing; exactly MAX_MESSAGE_BYTES is accepted', async () => {
    const max = 2048
    const server = await startTestServer({ limits: { maxMessageBytes: max } })
    const room = docId()
    const token = await server.token({ doc: room })
    const over = updateOfSize(max + 1)
    const res = await api(server, 'POST', `/docs/${room}/update`, { token, body: over })
    expect(res.status).toBe(413)
    expect((await api(server, 'GET', `/docs/${room}/update`, { token })).bytes).toEqual(Uint8Array.of(0, 0))
    const far = await api(server, 'POST', `/docs/${room}/update`, { token, body: updateOfSize(max * 20) })
    expect(far.status).toBe(413)
    const atMax = await api(server, 'POST', `/docs/${room}/update`, { token, body: updateOfSize(max) })
    expect(atMax.status).toBe(204)
  })
})

describe('DELETE /docs/<docId> (admin)', () => {
  // proves: API-5
  it('closes the room connections with 4404 (stock clients stop reconnecting), removes the content from the store, answers 204', async () => {
    const server = await startTestServer()
    const room = docId()
    const otherRoom = docId('other')
    const stock = await syncedClient(server, room, await server.token({ doc: room, sub: 's' }, { issuedAt: LONG_AGO() }))
    const raw = await rawClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }, { issuedAt: LONG_AGO() }))
    const bystander = await syncedClient(server, otherRoom, await server.token({ doc: otherRoom }))
    stock.doc.getText('text').insert(0, 'doomed')
    bystander.doc.getText('text').insert(0, 'safe')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('doomed'))
    const res = await api(server, 'DELETE', `/docs/${room}`, { token: await server.token({ doc: room, access: 'admin' }, { issuedAt: LONG_AGO() }) })
    expect(res.status).toBe(204)
    expect(await raw.closeCode()).toBe(4404)
    await eventually(() => expect(stock.terminal?.code).toBe(4404))
    expect(stock.provider.shouldConnect).toBe(false)
    // Removed from the store itself.
    const stored = await server.store.inner.load(room)
    const fromStore = new Y.Doc()
    for (const u of stored.updates) Y.applyUpdate(fromStore, u)
    expect(fromStore.getText('text').toString()).toBe('')
    // Other rooms untouched.
    expect(bystander.closeCodes).toEqual([])
    expect(await serverText(server, otherRoom)).toBe('safe')
  })

  // proves: API-6, AUTH-10
  it('refuses tokens issued before the deletion with 410; tokens issued after open an empty document that works', async () => {
    const server = await startTestServer()
    const room = docId()
    const oldWrite = await server.token({ doc: room, sub: 'w' }, { issuedAt: LONG_AGO() })
    await seed(server, room, 'old content')
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: await server.token({ doc: room, access: 'admin' }, { issuedAt: LONG_AGO() }) })).status).toBe(204)
    const deletedAt = nowSeconds()
    expect((await upgradeStatus(roomUrl(server, room, oldWrite))).status).toBe(410)
    expect((await api(server, 'GET', `/docs/${room}/update`, { token: oldWrite })).status).toBe(410)
    // A stock client holding an old token never gets the document back.
    const stale = connectClient(server, room, oldWrite)
    await eventually(() => expect(stale.closeCodes.length).toBeGreaterThanOrEqual(1))
    expect(stale.provider.synced).toBe(false)
    stale.destroy()
    await afterSecond(deletedAt)
    const fresh = await server.token({ doc: room, sub: 'w' })
    expect((await upgradeStatus(roomUrl(server, room, fresh))).status).toBe(101)
    const client = await syncedClient(server, room, fresh)
    expect(client.text()).toBe('')
    client.doc.getText('text').insert(0, 'reborn')
    await eventually(async () => expect(await serverText(server, room)).toBe('reborn'))
    // Still refused after a restart (the deletion is durable), still fine for new tokens.
    await server.restart()
    expect((await upgradeStatus(roomUrl(server, room, oldWrite))).status).toBe(410)
    expect(await serverText(server, room)).toBe('reborn')
  })

  // proves: API-5
  it('works on a document whose room is not loaded, and the content does not come back after a restart', async () => {
    const server = await startTestServer()
    const room = docId()
    await seed(server, room, 'cold content')
    await server.restart()
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: await server.token({ doc: room, access: 'admin' }, { issuedAt: LONG_AGO() }) })).status).toBe(204)
    const deletedAt = nowSeconds()
    await server.restart()
    await afterSecond(deletedAt)
    expect(await serverText(server, room)).toBe('')
  })
})

describe('POST /docs/<docId>/access (admin)', () => {
  const setAccess = async (server: TestServer, room: string, sub: string, access: string) =>
    api(server, 'POST', `/docs/${room}/access`, {
      token: await server.token({ doc: room, sub: 'owner', access: 'admin' }, { issuedAt: LONG_AGO() }),
      body: JSON.stringify({ sub, access }),
    })

  // proves: API-7
  it('400 for a bad body', async () => {
    const server = await startTestServer()
    const room = docId()
    const token = await server.token({ doc: room, access: 'admin' })
    const bodies = [
      '',
      '{',
      'null',
      '[]',
      '"read"',
      JSON.stringify({ access: 'read' }),
      JSON.stringify({ sub: 'bob' }),
      JSON.stringify({ sub: 'bob', access: 'admin' }),
      JSON.stringify({ sub: 'bob', access: 'owner' }),
      JSON.stringify({ sub: 'bob', access: 'READ' }),
      JSON.stringify({ sub: 42, access: 'read' }),
      JSON.stringify({ sub: '', access: 'read' }),
      JSON.stringify({ sub: 'bob', access: null }),
    ]
    for (const body of bodies) {
      const res = await api(server, 'POST', `/docs/${room}/access`, { token, body })
      expect(res.status, body).toBe(400)
    }
    for (const access of ['read', 'write', 'none']) {
      expect((await api(server, 'POST', `/docs/${room}/access`, { token, body: JSON.stringify({ sub: 'bob', access }) })).status, access).toBe(204)
    }
  })

  // proves: API-8
  it('read: that user open connections stop applying updates from then on, are told permission-denied, and stay open; others are unaffected', async () => {
    const server = await startTestServer()
    const room = docId()
    const bobToken = await server.token({ doc: room, sub: 'bob' }, { issuedAt: LONG_AGO() })
    const bob = await rawClient(server, room, bobToken)
    const bobStock = await syncedClient(server, room, bobToken)
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice' }, { issuedAt: LONG_AGO() }))
    const bobDoc = new Y.Doc()
    bobDoc.clientID = 13_000_001
    const sendBob = (text: string) => {
      const sv = Y.encodeStateVector(bobDoc)
      bobDoc.getText('text').insert(bobDoc.getText('text').length, text)
      return bob.send(updateFrame(Y.encodeStateAsUpdate(bobDoc, sv)))
    }
    await sendBob('before ')
    await eventually(() => expect(alice.text()).toBe('before '))
    expect(bob.framesOf(2)).toHaveLength(0)
    expect((await setAccess(server, room, 'bob', 'read')).status).toBe(204)
    const denied = await bob.waitFor((f) => f.type === 2, { timeoutMs: 2000 })
    expect(denied).toMatchObject({ type: 2, sub: 0 })
    await sendBob('after')
    bobStock.doc.getText('text').insert(0, 'STOCK ')
    await bob.roundTrip()
    expect(bob.isOpen).toBe(true)
    alice.doc.getText('text').insert(0, '>')
    await eventually(async () => expect(await serverText(server, room)).toBe('>before '))
    await consistently(() => expect(alice.text()).toBe('>before '))
    // Bob still receives (read access).
    await eventually(() => expect(bobStock.text()).toContain('>'))
    expect(bobStock.closeCodes).toEqual([])
  })

  // proves: API-9
  it('none: that user open connections are closed with 4403 (stock clients stop reconnecting); other users stay', async () => {
    const server = await startTestServer()
    const room = docId()
    const bobToken = await server.token({ doc: room, sub: 'bob' }, { issuedAt: LONG_AGO() })
    const bobRaw = await rawClient(server, room, bobToken)
    const bobReader = await rawClient(server, room, await server.token({ doc: room, sub: 'bob', access: 'read' }, { issuedAt: LONG_AGO() }))
    const bobStock = await syncedClient(server, room, bobToken)
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice' }, { issuedAt: LONG_AGO() }))
    expect((await setAccess(server, room, 'bob', 'none')).status).toBe(204)
    expect(await bobRaw.closeCode()).toBe(4403)
    expect(await bobReader.closeCode()).toBe(4403)
    await eventually(() => expect(bobStock.terminal?.code).toBe(4403))
    alice.doc.getText('text').insert(0, 'alice goes on')
    await eventually(async () => expect(await serverText(server, room)).toBe('alice goes on'))
    expect(alice.closeCodes).toEqual([])
  })

  // proves: API-11
  it('an old write token cannot restore write access after a change to read; HTTP writes with it are refused too', async () => {
    const server = await startTestServer()
    const room = docId()
    const oldWrite = await server.token({ doc: room, sub: 'bob' }, { issuedAt: LONG_AGO() })
    expect((await setAccess(server, room, 'bob', 'read')).status).toBe(204)
    const bob = await rawClient(server, room, oldWrite)
    await bob.waitFor((f) => f.type === 2, { timeoutMs: 2000 })
    await bob.send(updateFrame(insertUpdate('RESTORED?', { clientID: 13_000_002 }).update))
    await bob.roundTrip()
    expect(await serverText(server, room)).toBe('')
    expect((await api(server, 'POST', `/docs/${room}/update`, { token: oldWrite, body: insertUpdate('HTTP?').update })).status).toBe(403)
    expect(await serverText(server, room)).toBe('')
    // Reading is still allowed with it.
    expect((await api(server, 'GET', `/docs/${room}/update`, { token: oldWrite })).status).toBe(200)
    // The change survives a restart.
    await server.restart()
    const again = await rawClient(server, room, oldWrite)
    await again.waitFor((f) => f.type === 2, { timeoutMs: 2000 })
    await again.send(updateFrame(insertUpdate('RESTORED?', { clientID: 13_000_003 }).update))
    await again.roundTrip()
    expect(await serverText(server, room)).toBe('')
  })

  // proves: API-11
  it('an old token after a change to none never opens the document', async () => {
    const server = await startTestServer()
    const room = docId()
    await seed(server, room, 'private')
    const oldWrite = await server.token({ doc: room, sub: 'bob' }, { issuedAt: LONG_AGO() })
    expect((await setAccess(server, room, 'bob', 'none')).status).toBe(204)
    const attempt = await upgradeStatus(roomUrl(server, room, oldWrite))
    if (attempt.status === 101) {
      // Accepted at HTTP level: then the socket must be closed with 4403 before any content.
      const raw = await rawClient(server, room, oldWrite).catch(() => null)
      if (raw) {
        expect(await raw.closeCode()).toBe(4403)
        expect(raw.framesOf(0).filter((f) => f.step !== 0)).toEqual([])
      }
    } else {
      expect([401, 403]).toContain(attempt.status)
    }
    const get = await api(server, 'GET', `/docs/${room}/update`, { token: oldWrite })
    expect(get.status).toBe(403)
  })

  // proves: API-10
  it('never more than the token grants: a change to write does not let a read token write', async () => {
    const server = await startTestServer()
    const room = docId()
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'bob', access: 'read' }, { issuedAt: LONG_AGO() }))
    expect((await setAccess(server, room, 'bob', 'write')).status).toBe(204)
    await reader.roundTrip()
    await reader.send(updateFrame(insertUpdate('UPGRADED?', { clientID: 13_000_004 }).update))
    await reader.roundTrip()
    expect(await serverText(server, room)).toBe('')
    const later = await rawClient(server, room, await server.token({ doc: room, sub: 'bob', access: 'read' }))
    await later.send(updateFrame(insertUpdate('UPGRADED?', { clientID: 13_000_005 }).update))
    await later.roundTrip()
    expect(await serverText(server, room)).toBe('')
  })

  // proves: API-12
  it('tokens issued after the change decide: a new write token writes again after read, and after none', async () => {
    const server = await startTestServer()
    const room = docId()
    for (const access of ['read', 'none'] as const) {
      expect((await setAccess(server, room, 'bob', access)).status).toBe(204)
      const changedAt = nowSeconds()
      await afterSecond(changedAt)
      const fresh = await server.token({ doc: room, sub: 'bob' })
      const bob = await syncedClient(server, room, fresh)
      bob.doc.getText('text').insert(0, access)
      await eventually(async () => expect(await serverText(server, room)).toContain(access))
      expect((await api(server, 'POST', `/docs/${room}/update`, { token: fresh, body: insertUpdate(`http-${access}`).update })).status).toBe(204)
      bob.destroy()
    }
  })
})

describe('token times', () => {
  /**
   * Runs `act` and returns the second it happened in, retrying (with a fresh
   * room) when the clock ticked over during it, so that the server's own
   * timestamp of the act is known to be exactly that second.
   */
  async function withinOneSecond(act: (room: string) => Promise<void>): Promise<{ room: string; second: number }> {
    for (let attempt = 1; ; attempt++) {
      const room = docId(`attempt${attempt}`)
      const before = nowSeconds()
      await act(room)
      if (nowSeconds() === before) return { room, second: before }
      if (attempt >= 5) throw new Error('the clock ticked over during every attempt')
    }
  }

  // proves: AUTH-12
  it('a token issued in the same second as a deletion counts as issued before it: 410', async () => {
    const server = await startTestServer()
    const { room, second } = await withinOneSecond(async (room) => {
      const admin = await server.token({ doc: room, sub: 'owner', access: 'admin' }, { issuedAt: LONG_AGO() })
      expect((await api(server, 'DELETE', `/docs/${room}`, { token: admin })).status).toBe(204)
    })
    const sameSecond = await server.token({ doc: room, sub: 'late' }, { issuedAt: second })
    expect((await upgradeStatus(roomUrl(server, room, sameSecond))).status).toBe(410)
    expect((await api(server, 'GET', `/docs/${room}/update`, { token: sameSecond })).status).toBe(410)
    const nextSecond = await server.token({ doc: room, sub: 'late' }, { issuedAt: second + 1 })
    expect((await upgradeStatus(roomUrl(server, room, nextSecond))).status).toBe(101)
  })

  // proves: AUTH-12
  it('a token issued in the same second as an access change counts as issued before it: it is capped by the change', async () => {
    const server = await startTestServer()
    const { room, second } = await withinOneSecond(async (room) => {
      const admin = await server.token({ doc: room, sub: 'owner', access: 'admin' }, { issuedAt: LONG_AGO() })
      const res = await api(server, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub: 'bob', access: 'read' }) })
      expect(res.status).toBe(204)
    })
    const sameSecond = await server.token({ doc: room, sub: 'bob', access: 'write' }, { issuedAt: second })
    const refused = await api(server, 'POST', `/docs/${room}/update`, { token: sameSecond, body: insertUpdate('same second').update })
    expect(refused.status).toBe(403)
    const nextSecond = await server.token({ doc: room, sub: 'bob', access: 'write' }, { issuedAt: second + 1 })
    const accepted = await api(server, 'POST', `/docs/${room}/update`, { token: nextSecond, body: insertUpdate('next second').update })
    expect(accepted.status).toBe(204)
    expect(await serverText(server, room)).toBe('next second')
  })
})
