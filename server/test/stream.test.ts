/**
 * docs/sync-protocol.md, "The HTTP transport": a session (SSE down, POST up)
 * against the real server process, with nothing but `fetch` on the client
 * side (./support/stream.ts), next to stock WebSocket clients.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { SESSION_ID_PATTERN, encodeFrames } from '../../lib/httpStream'
import { CloseCode } from '../../lib/closeCodes'
import { api, docId, eventually, parseMetrics, serverText, spawnServer, startTestServer, syncedClient, type SpawnedServer } from './harness'
import { DEFAULT_LIMITS } from '../options'
import { readConfig } from '../config'
import { readSpec } from './support/spec'
import { StreamClient, StreamDocClient } from './support/stream'
import { QUERY_AWARENESS_FRAME, awarenessFrame, insertUpdate, syncStep1Frame, updateFrame } from './wire'

// Real server processes; on a loaded 2-core machine each start can take seconds.
vi.setConfig({ testTimeout: 60_000 })

/** The real server, with a short stream timeout and a small rate bucket so both can be reached in a test. */
function server(env: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnServer({ env: { STREAM_IDLE_MS: '400', MAX_MESSAGES_PER_SECOND: '50', ...env } })
}

const presenceOf = (client: { provider: { awareness: { getStates(): Map<number, unknown> } } }, clientID: number) =>
  client.provider.awareness.getStates().get(clientID)

describe('the HTTP transport, end to end', () => {
  // proves: STREAM-1, STREAM-3
  it('a GET opens an event stream: first `session`, then the frames a WebSocket would get, in base64', async () => {
    const s = await server()
    const room = docId()
    const stream = await StreamClient.open(s, room, await s.token({ doc: room }))
    expect(stream.status).toBe(200)
    expect(stream.contentType).toMatch(/^text\/event-stream/)
    expect(stream.events[0].event).toBe('session')
    expect(stream.session).toMatch(SESSION_ID_PATTERN)
    // Unasked, as SYNC-1 has it for a socket: sync step 1.
    await eventually(() => expect(stream.frames[0]).toMatchObject({ type: 0, step: 0 }))
    expect(stream.events.slice(1).every((e) => e.event === 'message')).toBe(true)
  })

  // proves: STREAM-2
  it('refuses as an upgrade is refused, with plain HTTP statuses and no stream: 400, 401, 403, 410', async () => {
    const s = await server()
    const room = docId()
    expect((await StreamClient.open(s, room, 'x', { path: '/docs/not!a-doc-id/stream' })).status).toBe(400)
    expect((await StreamClient.open(s, room, 'not-a-jwt')).status).toBe(401)
    expect((await StreamClient.open(s, room, await s.token({ doc: docId('other') }))).status).toBe(403)
    const old = await s.token({ doc: room })
    await new Promise((resolve) => setTimeout(resolve, 1100)) // token times are whole seconds (AUTH-12)
    expect((await api(s, 'DELETE', `/docs/${room}`, { token: await s.token({ doc: room, access: 'admin' }) })).status).toBe(204)
    const refused = await StreamClient.open(s, room, old)
    expect(refused.status).toBe(410)
    expect(refused.events).toHaveLength(0)
  })

  // proves: STREAM-4, STREAM-5
  it('an HTTP session and a WebSocket client in one room edit together and see each other', async () => {
    const s = await server()
    const room = docId()
    const ws = await syncedClient(s, room, await s.token({ doc: room, sub: 'alice', name: 'Alice' }), { awareness: { cursor: 1 } })
    ws.doc.getText('text').insert(0, 'from the socket')
    const http = await StreamDocClient.open(s, room, await s.token({ doc: room, sub: 'bob', name: 'Bob' }), { awareness: { cursor: 2 } })
    await http.waitSynced()
    await eventually(() => expect(http.text()).toBe('from the socket'))
    http.doc.getText('text').insert(0, 'over HTTP, ')
    await eventually(() => expect(ws.text()).toBe('over HTTP, from the socket'))
    ws.doc.getText('text').insert(ws.text().length, '!')
    await eventually(() => expect(http.text()).toBe('over HTTP, from the socket!'))
    // Presence both ways, bound to each token (PRESENCE-8).
    await eventually(() => expect(presenceOf(ws, http.doc.clientID)).toEqual({ cursor: 2, user: { id: 'bob', name: 'Bob' } }))
    await eventually(() => expect(http.awareness.getStates().get(ws.doc.clientID)).toEqual({ cursor: 1, user: { id: 'alice', name: 'Alice' } }))
    await eventually(async () => expect(await serverText(s, room)).toBe('over HTTP, from the socket!'))
  })

  // proves: STREAM-6
  it('POST answers 204; 404 for an unknown session; 400 for a malformed id; 401 and 403 for the wrong token', async () => {
    const s = await server()
    const room = docId()
    const token = await s.token({ doc: room, sub: 'bob' })
    const stream = await StreamClient.open(s, room, token)
    expect(await stream.post([QUERY_AWARENESS_FRAME])).toBe(204)
    expect(await stream.post([QUERY_AWARENESS_FRAME], { session: 'A'.repeat(22) })).toBe(404)
    expect(await stream.post([QUERY_AWARENESS_FRAME], { session: 'short' })).toBe(400)
    expect(await stream.post([QUERY_AWARENESS_FRAME], { token: 'nope' })).toBe(401)
    expect(await stream.post([QUERY_AWARENESS_FRAME], { token: await s.token({ doc: docId('elsewhere'), sub: 'bob' }) })).toBe(403)
    // The same document, another user: not theirs to write into.
    expect(await stream.post([QUERY_AWARENESS_FRAME], { token: await s.token({ doc: room, sub: 'mallory' }) })).toBe(403)
    // Another document's path with this session: unknown there.
    const otherRoom = docId('other')
    const res = await fetch(`${s.httpUrl}/docs/${otherRoom}/stream/${stream.session}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.token({ doc: otherRoom, sub: 'bob' })}` },
      body: encodeFrames([QUERY_AWARENESS_FRAME]),
    })
    expect(res.status).toBe(404)
    expect(stream.ended).toBe(false)
  })

  // proves: STREAM-7
  it('one body carries several frames, handled in order', async () => {
    const s = await server()
    const room = docId()
    const stream = await StreamClient.open(s, room, await s.token({ doc: room }))
    const doc = new Y.Doc()
    const parts: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => parts.push(updateFrame(update)))
    for (const word of ['one ', 'two ', 'three']) doc.getText('text').insert(doc.getText('text').length, word)
    expect(await stream.post(parts)).toBe(204)
    await eventually(async () => expect(await serverText(s, room)).toBe('one two three'))
  })

  // proves: STREAM-8, CLOSE-3
  it('a body that is not length-prefixed frames, or a bad frame in it, ends the session with a final `close` 1002', async () => {
    const s = await server()
    const room = docId()
    const token = await s.token({ doc: room })
    const cut = await StreamClient.open(s, room, token)
    // A length of 5 with two bytes after it.
    expect(await cut.postBody(new Uint8Array([5, 0, 0]))).toBe(400)
    await cut.waitEnded()
    expect(cut.closeEvent).toMatchObject({ code: CloseCode.ProtocolError })
    expect(cut.events.at(-1)?.event).toBe('close')
    expect(await cut.post([QUERY_AWARENESS_FRAME])).toBe(404)

    const unknownType = await StreamClient.open(s, room, token)
    expect(await unknownType.post([new Uint8Array([99])])).toBe(204)
    await unknownType.waitEnded()
    expect(unknownType.closeEvent).toMatchObject({ code: CloseCode.ProtocolError })
  })

  // proves: STREAM-9
  it('the rate bucket is the WebSocket one: a flood ends the session with 1008 and nothing after it applies', async () => {
    const s = await server()
    const room = docId()
    const stream = await StreamClient.open(s, room, await s.token({ doc: room }))
    // A bucket of 5 × 50 messages: 300 in one body run it dry; the update at the end must not apply.
    const flood: Uint8Array[] = Array.from({ length: 300 }, () => QUERY_AWARENESS_FRAME)
    flood.push(updateFrame(insertUpdate('too late').update))
    await stream.post(flood)
    await stream.waitEnded()
    expect(stream.closeEvent).toMatchObject({ code: CloseCode.PolicyViolation })
    expect(await serverText(s, room)).toBe('')
  })

  // proves: STREAM-10
  it('a body over MAX_MESSAGE_BYTES is refused with 413 and ends the session with 1009, as an oversized frame would', async () => {
    const s = await server({ MAX_MESSAGE_BYTES: '4096' })
    const room = docId()
    const stream = await StreamClient.open(s, room, await s.token({ doc: room }))
    expect(await stream.postBody(new Uint8Array(4097))).toBe(413)
    await stream.waitEnded()
    expect(stream.closeEvent).toMatchObject({ code: CloseCode.TooBig })
  })

  // proves: STREAM-11
  it('read access: told permission-denied, its updates are dropped, and it stays', async () => {
    const s = await server()
    const room = docId()
    const reader = await StreamClient.open(s, room, await s.token({ doc: room, sub: 'r', access: 'read' }))
    await eventually(() => expect(reader.frames.some((f) => f.type === 2)).toBe(true))
    expect(await reader.post([updateFrame(insertUpdate('not yours').update)])).toBe(204)
    expect(await reader.post([QUERY_AWARENESS_FRAME])).toBe(204)
    // The answer to the query came after the update was judged: it was dropped, and the session is open.
    await eventually(() => expect(reader.frames.filter((f) => f.type === 1).length).toBeGreaterThan(0))
    expect(await serverText(s, room)).toBe('')
    expect(reader.ended).toBe(false)
  })

  // proves: STREAM-12
  it('an access change to none ends the session with a final `close` 4403; a deletion with 4404', async () => {
    const s = await server()
    const room = docId()
    const admin = await s.token({ doc: room, sub: 'owner', access: 'admin' })
    const bob = await StreamClient.open(s, room, await s.token({ doc: room, sub: 'bob' }))
    const carol = await StreamClient.open(s, room, await s.token({ doc: room, sub: 'carol' }))
    expect((await api(s, 'POST', `/docs/${room}/access`, { token: admin, body: JSON.stringify({ sub: 'bob', access: 'none' }) })).status).toBe(204)
    await bob.waitEnded()
    expect(bob.closeEvent).toMatchObject({ code: CloseCode.AccessRevoked })
    expect(carol.ended).toBe(false)
    expect((await api(s, 'DELETE', `/docs/${room}`, { token: admin })).status).toBe(204)
    await carol.waitEnded()
    expect(carol.closeEvent).toMatchObject({ code: CloseCode.DocumentDeleted })
  })

  // proves: STREAM-13, CONFIG-20
  it('a session whose stream is gone for STREAM_IDLE_MS ends, and its presence goes with it', async () => {
    const s = await server()
    const room = docId()
    const ws = await syncedClient(s, room, await s.token({ doc: room, sub: 'alice' }))
    const http = await StreamDocClient.open(s, room, await s.token({ doc: room, sub: 'bob' }), { awareness: { cursor: 7 } })
    await eventually(() => expect(presenceOf(ws, http.doc.clientID)).toMatchObject({ cursor: 7 }))
    http.stream.abort()
    await eventually(() => expect(presenceOf(ws, http.doc.clientID)).toBeUndefined(), { timeoutMs: 5000 })
    expect(await http.stream.post([QUERY_AWARENESS_FRAME])).toBe(404)
  })

  // proves: STREAM-14
  it('within STREAM_IDLE_MS the stream can be opened again: the same session, its presence kept, nothing missed after a step 1', async () => {
    const s = await server({ STREAM_IDLE_MS: '20000' })
    const room = docId()
    const ws = await syncedClient(s, room, await s.token({ doc: room, sub: 'alice' }))
    const token = await s.token({ doc: room, sub: 'bob' })
    const first = await StreamClient.open(s, room, token)
    expect(await first.post([awarenessFrame([{ clientID: 77, clock: 1, state: { cursor: 5 } }])])).toBe(204)
    await eventually(() => expect(presenceOf(ws, 77)).toMatchObject({ cursor: 5 }))
    first.abort()
    await first.waitEnded()
    // Alice types while Bob has no stream.
    ws.doc.getText('text').insert(0, 'while you were away')
    await eventually(async () => expect(await serverText(s, room)).toBe('while you were away'))
    // Another user cannot take the session over.
    expect((await StreamClient.open(s, room, await s.token({ doc: room, sub: 'mallory' }), { session: first.session })).status).toBe(404)
    const again = await StreamClient.open(s, room, token, { session: first.session })
    expect(again.status).toBe(200)
    expect(again.session).toBe(first.session)
    // As the spec asks of a client that reopens: sync step 1 again, answered with what it lacks.
    expect(await again.post([syncStep1Frame()])).toBe(204)
    await eventually(() => {
      const doc = new Y.Doc()
      for (const f of again.frames) if (f.type === 0 && f.step !== 0) Y.applyUpdate(doc, f.payload)
      expect(doc.getText('text').toString()).toBe('while you were away')
    })
    // Bob's presence was never removed.
    expect(presenceOf(ws, 77)).toMatchObject({ cursor: 5 })
  })

  // proves: STREAM-15
  it('DELETE ends the session at once: presence removed, later POSTs 404', async () => {
    const s = await server({ STREAM_IDLE_MS: '60000' })
    const room = docId()
    const ws = await syncedClient(s, room, await s.token({ doc: room, sub: 'alice' }))
    const http = await StreamDocClient.open(s, room, await s.token({ doc: room, sub: 'bob' }), { awareness: { cursor: 3 } })
    await eventually(() => expect(presenceOf(ws, http.doc.clientID)).toMatchObject({ cursor: 3 }))
    expect(await http.stream.end()).toBe(204)
    await eventually(() => expect(presenceOf(ws, http.doc.clientID)).toBeUndefined())
    await http.stream.waitEnded()
    expect(await http.stream.post([QUERY_AWARENESS_FRAME])).toBe(404)
  })

  // proves: STREAM-16
  it('tandem_connections counts sessions with transport="http", sockets with transport="websocket"', async () => {
    const s = await server()
    const room = docId()
    const gauge = async (transport: string) =>
      parseMetrics((await api(s, 'GET', '/metrics')).text).samples.find((m) => m.name === 'tandem_connections' && m.labels === `{transport="${transport}"}`)?.value
    await syncedClient(s, room, await s.token({ doc: room, sub: 'alice' }))
    const one = await StreamClient.open(s, room, await s.token({ doc: room, sub: 'bob' }))
    await StreamClient.open(s, room, await s.token({ doc: room, sub: 'carol' }))
    await eventually(async () => expect(await gauge('http')).toBe(2))
    expect(await gauge('websocket')).toBe(1)
    expect(await one.end()).toBe(204)
    await eventually(async () => expect(await gauge('http')).toBe(1))
  })

  // proves: STREAM-17
  it('an open stream gets a comment line when idle, and is sent with headers that forbid buffering and caching', async () => {
    const s = await startTestServer({ limits: { streamKeepAliveMs: 50 } })
    const room = docId()
    const res = await fetch(`${s.httpUrl}/docs/${room}/stream?token=${await s.token({ doc: room })}`)
    expect(res.headers.get('cache-control')).toMatch(/no-cache/)
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const reader = res.body!.getReader()
    let text = ''
    while (!/\n: [^\n]*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
  })

  // proves: STREAM-18
  it('a fresh token (type 101) and presence queries work over POST as over a socket', async () => {
    const s = await server()
    const room = docId()
    const stream = await StreamClient.open(s, room, await s.token({ doc: room, sub: 'bob' }))
    const { refreshTokenFrame } = await import('./wire')
    expect(await stream.post([refreshTokenFrame(await s.token({ doc: room, sub: 'someone-else' }))])).toBe(204)
    await stream.waitEnded()
    expect(stream.closeEvent).toMatchObject({ code: CloseCode.TokenExpired })
    const fine = await StreamClient.open(s, room, await s.token({ doc: room, sub: 'bob' }))
    expect(await fine.post([refreshTokenFrame(await s.token({ doc: room, sub: 'bob' })), awarenessFrame([{ clientID: 5, clock: 1, state: { a: 1 } }]), QUERY_AWARENESS_FRAME])).toBe(204)
    await eventually(() => expect(fine.frames.some((f) => f.type === 1 && f.entries.some((e) => e.clientID === 5))).toBe(true))
    expect(fine.ended).toBe(false)
  })

  // proves: STREAM-13, STREAM-17
  it("the spec's numbers are the code's: 30 s without a stream, a keep-alive every 15 s", () => {
    const spec = readSpec().replace(/\s+/g, ' ')
    const idle = /stays `STREAM_IDLE_MS` \((\d+) seconds\)/.exec(spec)
    expect(idle, 'STREAM-13 states the idle time').not.toBeNull()
    expect(Number(idle![1]) * 1000).toBe(DEFAULT_LIMITS.streamIdleMs)
    expect(readConfig({} as NodeJS.ProcessEnv).STREAM_IDLE_MS).toBe(DEFAULT_LIMITS.streamIdleMs)
    const keepAlive = /\(`: keep-alive`\) every (\d+) seconds/.exec(spec)
    expect(keepAlive, 'STREAM-17 states the keep-alive interval').not.toBeNull()
    expect(Number(keepAlive![1]) * 1000).toBe(DEFAULT_LIMITS.streamKeepAliveMs)
  })

  // proves: STREAM-19
  it('answers any origin, and the preflight of a POST or DELETE, so that a page elsewhere can use it', async () => {
    const s = await startTestServer()
    const room = docId()
    const stream = await StreamClient.open(s, room, await s.token({ doc: room }))
    const res = await fetch(`${s.httpUrl}/docs/${room}/stream?token=${stream.token}`, { headers: { origin: 'https://docs.example.com' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    await res.body?.cancel()
    const preflight = await fetch(`${s.httpUrl}/docs/${room}/stream/${stream.session}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://docs.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/)
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/DELETE/)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/)
    const getPreflight = await fetch(`${s.httpUrl}/docs/${room}/stream`, {
      method: 'OPTIONS',
      headers: { origin: 'https://docs.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-forwarded-for' },
    })
    expect(getPreflight.status).toBe(204)
    expect(getPreflight.headers.get('access-control-allow-methods')).toMatch(/GET/)
    expect(getPreflight.headers.get('access-control-allow-headers')).toMatch(/x-forwarded-for/)
    // The refusals too, so that a page can read them.
    const refused = await fetch(`${s.httpUrl}/docs/${room}/stream?token=bad`, { headers: { origin: 'https://docs.example.com' } })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe('*')
  })

  // proves: STREAM-20
  it('SIGTERM ends every session with a final `close` 1001, and the server exits 0', async () => {
    const s = await server()
    const room = docId()
    const http = await StreamDocClient.open(s, room, await s.token({ doc: room, sub: 'bob' }))
    await http.waitSynced()
    http.doc.getText('text').insert(0, 'written over HTTP')
    await eventually(async () => expect(await serverText(s, room)).toBe('written over HTTP'))
    s.kill('SIGTERM')
    await http.stream.waitEnded()
    expect(http.stream.closeEvent).toMatchObject({ code: CloseCode.GoingAway })
    expect((await s.exited).code).toBe(0)
  })
})
