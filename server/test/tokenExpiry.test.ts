/**
 * docs/sync-protocol.md, "Tokens" and "Fresh tokens": a live connection lasts
 * as long as its token, and no longer, unless the client hands over a fresh
 * one (message type 101) first; a fresh token is judged as an upgrade's token
 * is, for the same document and user.
 */
import { describe, expect, it } from 'vitest'
import {
  afterSecond,
  api,
  consistently,
  docId,
  eventually,
  handMadeJwt,
  nowSeconds,
  rawClient,
  serverText,
  startTestServer,
  syncedClient,
  validPayload,
  type RawClient,
} from './harness'
import { insertUpdate, refreshTokenFrame, updateFrame } from './wire'

/** The promise: closed within 5 s of `exp` (and the sweep runs every second). */
const WITHIN_MS = 5_000

/** How long to wait for a close that must come by `exp` + 5 s. */
const untilPromised = (exp: number) => Math.max(0, exp * 1000 + WITHIN_MS - Date.now())

/** Waits until the wall clock is past `exp` + `extraSeconds` (the time a token's expiry is judged against). */
const past = (exp: number, extraSeconds = 0) => afterSecond(exp + extraSeconds)

async function writesGetThrough(writer: RawClient, watcher: Awaited<ReturnType<typeof syncedClient>>, text: string, clientID: number) {
  await writer.send(updateFrame(insertUpdate(text, { clientID }).update))
  await eventually(() => expect(watcher.text()).toContain(text))
}

describe('expiring sockets', () => {
  // proves: AUTH-13
  it('a connection whose token expires is closed with 4401 within 5 s of exp; what its client types afterwards never arrives', async () => {
    const server = await startTestServer()
    const room = docId()
    const issuedAt = nowSeconds()
    const exp = issuedAt + 2
    const editor = await syncedClient(server, room, await server.token({ doc: room, sub: 'short' }, { issuedAt, expiresInSeconds: 2 }))
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'reader', access: 'read' }, { issuedAt, expiresInSeconds: 2 }))
    editor.doc.getText('text').insert(0, 'before;')
    await eventually(async () => expect(await serverText(server, room)).toBe('before;'))
    // Readers too.
    expect(await reader.closeCode(untilPromised(exp))).toBe(4401)
    await eventually(() => expect(editor.closeCodes).toContain(4401), { timeoutMs: untilPromised(exp) })
    // The stock client reconnects with the same, expired token: refused, so nothing more reaches the document.
    editor.doc.getText('text').insert(editor.text().length, 'after;')
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    await consistently(() => expect(watcher.text()).toBe('before;'), 1_000)
    expect(await serverText(server, room)).toBe('before;')
  })

  // proves: EXT-2
  it('a connection that sends a fresh token first stays open past the old exp, keeps writing, and lasts until the new exp', async () => {
    const server = await startTestServer()
    const room = docId()
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    const issuedAt = nowSeconds()
    // Seconds apart, so that a busy machine still connects and refreshes before the first expiry,
    // and writes after it before the second.
    const writer = await rawClient(server, room, await server.token({ doc: room, sub: 'long' }, { issuedAt, expiresInSeconds: 3 }))
    await writer.send(refreshTokenFrame(await server.token({ doc: room, sub: 'long' }, { issuedAt, expiresInSeconds: 8 })))
    await writer.roundTrip()
    await past(issuedAt + 3, 2)
    expect(writer.isOpen).toBe(true)
    await writesGetThrough(writer, watcher, 'still writing', 13_000_001)
    // Now its token is the fresh one: it expires with it.
    expect(await writer.closeCode(untilPromised(issuedAt + 8))).toBe(4401)
    expect(watcher.closeCodes).toEqual([])
  })

  // proves: EXT-2
  it("the connection's access becomes what the fresh token grants, capped by an access change as on an upgrade", async () => {
    const server = await startTestServer()
    const room = docId()
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    // Write, then a fresh token that only reads: told permission-denied, its updates are dropped, it stays.
    const writer = await rawClient(server, room, await server.token({ doc: room, sub: 'w' }))
    await writesGetThrough(writer, watcher, 'w1;', 13_100_001)
    const from = writer.frames.length
    await writer.send(refreshTokenFrame(await server.token({ doc: room, sub: 'w', access: 'read' })))
    await writer.waitFor((f) => f.type === 2, { fromIndex: from })
    await writer.send(updateFrame(insertUpdate('dropped;', { clientID: 13_100_002 }).update))
    await writer.roundTrip()
    expect(await serverText(server, room)).toBe('w1;')
    expect(writer.isOpen).toBe(true)
    // Read, then a fresh token that writes: it writes.
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }))
    await reader.send(refreshTokenFrame(await server.token({ doc: room, sub: 'r', access: 'write' })))
    await writesGetThrough(reader, watcher, 'r1;', 13_100_003)
    // An access change lowers bob to read: a fresh write token issued up to it stays capped; one issued after writes.
    const bob = await rawClient(server, room, await server.token({ doc: room, sub: 'bob' }))
    const oldToken = await server.token({ doc: room, sub: 'bob' })
    const changed = await api(server, 'POST', `/docs/${room}/access`, {
      token: await server.token({ doc: room, sub: 'owner', access: 'admin' }),
      body: JSON.stringify({ sub: 'bob', access: 'read' }),
    })
    expect(changed.status).toBe(204)
    await bob.send(refreshTokenFrame(oldToken))
    await bob.send(updateFrame(insertUpdate('capped;', { clientID: 13_100_004 }).update))
    await bob.roundTrip()
    expect(await serverText(server, room)).not.toContain('capped;')
    await afterSecond(nowSeconds())
    await bob.send(refreshTokenFrame(await server.token({ doc: room, sub: 'bob' })))
    await writesGetThrough(bob, watcher, 'bob again;', 13_100_005)
  })

  // proves: EXT-3
  it('a fresh token that is not valid for this document and this user closes the connection with 4401', async () => {
    const server = await startTestServer()
    const room = docId()
    const now = nowSeconds()
    const other = docId('other')
    const bad: Array<[string, string]> = [
      ['garbage', 'not-a-jwt'],
      ['signed with another secret', handMadeJwt({ alg: 'HS256' }, validPayload(room), server.secret + 'x')],
      ['expired', handMadeJwt({ alg: 'HS256' }, { ...validPayload(room), iat: now - 7200, exp: now - 3600 }, server.secret)],
      ['issued in the future', handMadeJwt({ alg: 'HS256' }, { ...validPayload(room), iat: now + 600, exp: now + 4200 }, server.secret)],
      ['for another document', await server.token({ doc: other, sub: 'alice' })],
      ['for another user', await server.token({ doc: room, sub: 'mallory' })],
    ]
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher' }))
    for (const [label, token] of bad) {
      const conn = await rawClient(server, room, await server.token({ doc: room, sub: 'alice' }))
      await conn.roundTrip()
      await conn.send(refreshTokenFrame(token))
      expect(await conn.closeCode(), label).toBe(4401)
    }
    expect(watcher.closeCodes).toEqual([])
  })
})
