/**
 * docs/sync-protocol.md, "Read access": the connection receives the document
 * and everyone's awareness, may send its own awareness, gets one auth
 * `permission-denied` right after joining and stays open; its document updates
 * are never applied nor relayed.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { consistently, docId, eventually, rawClient, serverText, startTestServer, syncedClient } from './harness'
import { awarenessFrame, insertUpdate, syncStep2Frame, updateClients, updateFrame } from './wire'

describe('read access', () => {
  // proves: READ-1
  it('receives the document, later edits, and everyone awareness', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }), { awareness: { user: { id: 'w' } } })
    writer.doc.getText('text').insert(0, 'for your eyes')
    await eventually(async () => expect(await serverText(server, room)).toBe('for your eyes'))
    const reader = await syncedClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }))
    expect(reader.text()).toBe('for your eyes')
    await eventually(() => expect(reader.provider.awareness.getStates().get(writer.doc.clientID)).toEqual({ user: { id: 'w' } }))
    writer.doc.getText('text').insert(0, 'only ')
    await eventually(() => expect(reader.text()).toBe('only for your eyes'))
  })

  // proves: READ-2
  it('may send its own awareness, which others receive', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    const reader = await syncedClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }), { awareness: { user: { id: 'r' } } })
    await eventually(() => expect(writer.provider.awareness.getStates().get(reader.doc.clientID)).toEqual({ user: { id: 'r' } }))
    reader.provider.awareness.setLocalStateField('cursor', 42)
    await eventually(() => expect(writer.provider.awareness.getStates().get(reader.doc.clientID)).toEqual({ user: { id: 'r' }, cursor: 42 }))
  })

  // proves: READ-3
  it('gets exactly one auth permission-denied message right after joining, saying it is read-only, and stays open', async () => {
    const server = await startTestServer()
    const room = docId()
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }))
    // Unasked: the reader has sent nothing yet.
    const denied = await reader.waitFor((f) => f.type === 2, { timeoutMs: 2000 })
    expect(denied).toMatchObject({ type: 2, sub: 0 })
    expect((denied as { reason: string }).reason).toMatch(/read/i)
    await reader.roundTrip()
    expect(reader.framesOf(2)).toHaveLength(1)
    expect(reader.isOpen).toBe(true)
    // A writer gets no such message.
    const writer = await rawClient(server, room, await server.token({ doc: room, sub: 'w' }))
    await writer.roundTrip()
    expect(writer.framesOf(2)).toHaveLength(0)
  })

  // proves: READ-4
  it('its updates are never applied nor relayed, and its connection stays open', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    writer.doc.getText('text').insert(0, 'original')
    const observer = await rawClient(server, room, await server.token({ doc: room, sub: 'o' }))
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }))
    await reader.roundTrip()
    const evil = insertUpdate('HACKED ', { clientID: 3_000_001 })
    await reader.send(updateFrame(evil.update))
    await reader.send(syncStep2Frame(insertUpdate('ALSO ', { clientID: 3_000_002 }).update))
    await reader.roundTrip()
    expect(reader.isOpen).toBe(true)
    // A write after it from a writer arrives; the reader's never does.
    writer.doc.getText('text').insert(8, '!')
    await eventually(async () => expect(await serverText(server, room)).toBe('original!'))
    await eventually(() => expect(writer.text()).toBe('original!'))
    await consistently(() => expect(writer.text()).toBe('original!'))
    const relayed = observer.frames.filter((f) => f.type === 0 && f.step !== 0).flatMap((f) => [...updateClients((f as { payload: Uint8Array }).payload)])
    expect(relayed).not.toContain(3_000_001)
    expect(relayed).not.toContain(3_000_002)
    // Nor persisted: a restarted server does not have it either.
    await server.restart()
    expect(await serverText(server, room)).toBe('original!')
  })

  // proves: READ-4
  it("a stock read-only client with offline edits syncs the server's document and its edits stay local", async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    writer.doc.getText('text').insert(0, 'server text')
    await eventually(async () => expect(await serverText(server, room)).toBe('server text'))
    const local = new Y.Doc()
    local.getText('text').insert(0, 'LOCAL ')
    const reader = await syncedClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }), { doc: local })
    await eventually(() => expect(reader.text()).toContain('server text'))
    reader.doc.getText('text').insert(0, 'MORE ')
    writer.doc.getText('text').insert(0, '>')
    await eventually(() => expect(reader.text().replace('MORE ', '').replace('LOCAL ', '')).toBe('>server text'))
    await consistently(() => expect(writer.text()).toBe('>server text'))
    expect(await serverText(server, room)).toBe('>server text')
    expect(reader.closeCodes).toEqual([])
  })

  // proves: READ-2, READ-4
  it('a read connection that sends awareness and updates interleaved: awareness applies, updates do not', async () => {
    const server = await startTestServer()
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    const reader = await rawClient(server, room, await server.token({ doc: room, sub: 'r', access: 'read' }))
    await reader.send(updateFrame(insertUpdate('nope', { clientID: 3_000_003 }).update))
    await reader.send(awarenessFrame([{ clientID: 3_000_003, clock: 1, state: { note: 'reader' } }]))
    await eventually(() => expect(writer.provider.awareness.getStates().get(3_000_003)).toEqual({ note: 'reader', user: { id: 'r' } }))
    expect(writer.text()).toBe('')
    expect(await serverText(server, room)).toBe('')
    expect(reader.isOpen).toBe(true)
  })
})
