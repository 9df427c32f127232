/**
 * docs/sync-protocol.md, "Connecting": the URL shape, the stock client working
 * unmodified, the token format, and the upgrade refusals in their stated order
 * (400 → 401 → 403 → 410), each observed as the HTTP status of the refused
 * upgrade.
 */
import { describe, expect, it } from 'vitest'
import {
  afterSecond,
  api,
  connectClient,
  docId,
  eventually,
  handMadeJwt,
  nowSeconds,
  rawClient,
  roomUrl,
  startTestServer,
  syncedClient,
  tokenDefects,
  upgradeStatus,
  validPayload,
} from './harness'

describe('URL and docId', () => {
  // proves: CONNECT-1
  it('ws://HOST:PORT/<docId>?token=<token> opens a room (a raw ws client at exactly that URL is served)', async () => {
    const server = await startTestServer()
    const room = docId()
    const url = `ws://127.0.0.1:${server.port}/${room}?token=${await server.token({ doc: room })}`
    expect(await upgradeStatus(url)).toEqual({ status: 101, body: '' })
  })

  // proves: CONNECT-1, CONNECT-3
  it('the stock WebsocketProvider(url, docId, ydoc, { params: { token } }) works unmodified: connects, syncs, edits', async () => {
    const server = await startTestServer()
    const room = docId()
    const token = await server.token({ doc: room })
    const a = await syncedClient(server, room, token)
    expect(a.provider.url).toBe(`${server.wsUrl}/${room}?token=${encodeURIComponent(token)}`)
    const b = await syncedClient(server, room, token)
    a.doc.getText('text').insert(0, 'stock client works')
    await eventually(() => expect(b.text()).toBe('stock client works'))
  })

  // proves: CONNECT-2
  it('accepts docIds of 1 and 128 characters of [A-Za-z0-9_-]', async () => {
    const server = await startTestServer()
    for (const id of ['a', 'Z', '0', '_', '-', 'x'.repeat(128), 'AZaz09_-', `${docId('max')}`.slice(0, 20) + 'y'.repeat(108)]) {
      expect(id.length).toBeLessThanOrEqual(128)
      const { status } = await upgradeStatus(roomUrl(server, id, await server.token({ doc: id })))
      expect(status, `docId ${id}`).toBe(101)
    }
  })

  // proves: CONNECT-2, AUTH-7
  it('refuses bad docIds with 400: 129 characters, empty, and characters outside [A-Za-z0-9_-]', async () => {
    const server = await startTestServer()
    const bad = ['x'.repeat(129), 'a.b', 'a b', 'a%20b', 'caf%C3%A9', 'a~b', 'a+b', 'a%2Fb', 'a/b', 'a:b', "a'b", 'a*b']
    for (const id of bad) {
      // Token claims can't hold an invalid doc either (lib/token.ts refuses them), so hand-make one:
      // the docId check must come first regardless of the token.
      const token = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, validPayload(id), server.secret)
      const { status } = await upgradeStatus(`${server.wsUrl}/${id}?token=${encodeURIComponent(token)}`)
      expect(status, `docId ${JSON.stringify(id)}`).toBe(400)
    }
    // An empty docId.
    const token = await server.token({ doc: 'a' })
    expect((await upgradeStatus(`${server.wsUrl}/?token=${token}`)).status).toBe(400)
  })

  // proves: CONNECT-2
  it('docIds are case-sensitive: "Abc…" and "abc…" are different rooms, and a token for one does not open the other', async () => {
    const server = await startTestServer()
    const base = docId('case')
    const upper = 'A' + base
    const lower = 'a' + base
    const up = await syncedClient(server, upper, await server.token({ doc: upper }))
    up.doc.getText('text').insert(0, 'upper')
    const low = await syncedClient(server, lower, await server.token({ doc: lower }))
    const upAgain = await syncedClient(server, upper, await server.token({ doc: upper }))
    await eventually(() => expect(upAgain.text()).toBe('upper'))
    expect(low.text()).toBe('')
    // A token whose doc is the lower-case id is "another document" for the upper-case id.
    expect((await upgradeStatus(roomUrl(server, upper, await server.token({ doc: lower })))).status).toBe(403)
  })
})

describe('tokens', () => {
  // proves: AUTH-1, AUTH-4, AUTH-5, CONFIG-4
  it('a token signed with HS256 over the UTF-8 bytes of AUTH_SECRET, with sub/doc/access/iat/exp, is accepted (also hand-made, as a self-hoster backend would)', async () => {
    const server = await startTestServer()
    const room = docId()
    const token = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, validPayload(room), server.secret)
    expect((await upgradeStatus(roomUrl(server, room, token))).status).toBe(101)
    // `name` is optional: present is fine too.
    const named = handMadeJwt({ alg: 'HS256' }, validPayload(room, { name: 'Alice' }), server.secret)
    expect((await upgradeStatus(roomUrl(server, room, named))).status).toBe(101)
  })

  // proves: AUTH-4
  it('nbf is honoured when present: a past nbf is accepted, a future nbf is refused with 401', async () => {
    const server = await startTestServer()
    const room = docId()
    const past = handMadeJwt({ alg: 'HS256' }, validPayload(room, { nbf: nowSeconds() - 10 }), server.secret)
    expect((await upgradeStatus(roomUrl(server, room, past))).status).toBe(101)
    const future = handMadeJwt({ alg: 'HS256' }, validPayload(room, { nbf: nowSeconds() + 600 }), server.secret)
    expect((await upgradeStatus(roomUrl(server, room, future))).status).toBe(401)
  })

  // proves: AUTH-14
  it('a token whose iat is more than 60 s ahead of the server clock is refused with 401, on the upgrade and over HTTP; a little skew is fine', async () => {
    const server = await startTestServer()
    const room = docId()
    const issued = (aheadSeconds: number) => {
      const iat = nowSeconds() + aheadSeconds
      return handMadeJwt({ alg: 'HS256' }, { ...validPayload(room), iat, exp: iat + 3600 }, server.secret)
    }
    expect((await upgradeStatus(roomUrl(server, room, issued(120)))).status).toBe(401)
    expect((await api(server, 'GET', `/docs/${room}/update`, { token: issued(120) })).status).toBe(401)
    expect((await upgradeStatus(roomUrl(server, room, issued(30)))).status).toBe(101)
    expect((await api(server, 'GET', `/docs/${room}/update`, { token: issued(30) })).status).toBe(200)
  })

  // proves: AUTH-3
  it('access "admin" implies write: an admin token can edit', async () => {
    const server = await startTestServer()
    const room = docId()
    const admin = await syncedClient(server, room, await server.token({ doc: room, access: 'admin' }))
    admin.doc.getText('text').insert(0, 'by admin')
    const reader = await syncedClient(server, room, await server.token({ doc: room, access: 'read', sub: 'r' }))
    await eventually(() => expect(reader.text()).toBe('by admin'))
  })
})

describe('upgrade refusals, in order: 400 docId, 401 token, 403 other doc, 410 deleted', () => {
  // proves: AUTH-1, AUTH-2, AUTH-8
  it('401 for every token defect: missing, malformed, badly signed, other algorithm, expired, nbf ahead, missing claim, unknown access', async () => {
    const server = await startTestServer()
    const room = docId()
    const cases = await tokenDefects(server.secret, room)
    for (const [label, token] of cases) {
      const { status } = await upgradeStatus(roomUrl(server, room, token))
      expect(status, label).toBe(401)
    }
    // Sanity: the same doc with a valid token opens, so the 401s are about the tokens.
    expect((await upgradeStatus(roomUrl(server, room, await server.token({ doc: room })))).status).toBe(101)
  })

  // proves: AUTH-9
  it('403 when the token is valid but its doc is another document', async () => {
    const server = await startTestServer()
    const room = docId('mine')
    const other = docId('other')
    for (const access of ['read', 'write', 'admin'] as const) {
      expect((await upgradeStatus(roomUrl(server, room, await server.token({ doc: other, access })))).status, access).toBe(403)
    }
  })

  // proves: AUTH-10, API-6
  it('410 when the document was deleted after the token was issued; a token issued after the deletion opens it', async () => {
    const server = await startTestServer()
    const room = docId()
    const old = await server.token({ doc: room, access: 'admin' }, { issuedAt: nowSeconds() - 30 })
    const del = await api(server, 'DELETE', `/docs/${room}`, { token: await server.token({ doc: room, access: 'admin' }, { issuedAt: nowSeconds() - 30 }) })
    expect(del.status).toBe(204)
    const deletedSecond = nowSeconds()
    expect((await upgradeStatus(roomUrl(server, room, old))).status).toBe(410)
    await afterSecond(deletedSecond)
    expect((await upgradeStatus(roomUrl(server, room, await server.token({ doc: room })))).status).toBe(101)
  })

  // proves: AUTH-11
  it('the checks come in the documented order when several apply', async () => {
    const server = await startTestServer()
    const room = docId('deleted')
    const otherRoom = docId('other')
    const past = nowSeconds() - 30
    // Delete `room` so that tokens issued before now are "deleted-before-issue" for it.
    expect((await api(server, 'DELETE', `/docs/${room}`, { token: await server.token({ doc: room, access: 'admin' }, { issuedAt: past }) })).status).toBe(204)
    const expired = handMadeJwt({ alg: 'HS256' }, { ...validPayload(room), iat: past - 7200, exp: past - 3600 }, server.secret)
    // bad docId + bad token → 400
    expect((await upgradeStatus(`${server.wsUrl}/bad.id?token=${expired}`)).status).toBe(400)
    // bad docId + no token → 400
    expect((await upgradeStatus(`${server.wsUrl}/${'x'.repeat(129)}`)).status).toBe(400)
    // bad token for a deleted doc → 401, not 410
    expect((await upgradeStatus(roomUrl(server, room, expired))).status).toBe(401)
    // token for another doc, presented at a deleted doc → 403, not 410
    expect((await upgradeStatus(roomUrl(server, room, await server.token({ doc: otherRoom }, { issuedAt: past })))).status).toBe(403)
    // the right doc, issued before deletion → 410
    expect((await upgradeStatus(roomUrl(server, room, await server.token({ doc: room }, { issuedAt: past })))).status).toBe(410)
  })

  // proves: AUTH-6
  it('a refused upgrade never becomes a socket: the stock client gets no document', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room }))
    writer.doc.getText('text').insert(0, 'secret text')
    const intruder = connectClient(server, room, handMadeJwt({ alg: 'HS256' }, validPayload(room), 'wrong-secret'))
    await eventually(() => expect(intruder.closeCodes.length).toBeGreaterThanOrEqual(2))
    expect(intruder.provider.synced).toBe(false)
    expect(intruder.text()).toBe('')
    // And a raw client sees the refusal as HTTP, not as an open socket.
    await expect(rawClient(server, room, null)).rejects.toThrow(/HTTP 401/)
  })
})
