/**
 * A cold room (loaded from the store, document not built yet) answers fresh
 * clients from the stored bytes, and still behaves exactly like a live room
 * for everything else: writes, reconnecting clients with offline edits, the
 * HTTP API.
 */
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { api, connectClient, docId, eventually, startTestServer, syncedClient } from './test/harness'

async function coldRoomWith(text: string) {
  const server = await startTestServer()
  const room = docId()
  const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'writer' }))
  writer.doc.getText('text').insert(0, text)
  await eventually(async () => expect(await server.store.storedText(room)).toBe(text))
  writer.destroy()
  // A restart leaves the room unloaded: the next connection finds it cold.
  await server.restart()
  return { server, room }
}

it('serves a fresh client the whole stored document, then takes its writes', async () => {
  const { server, room } = await coldRoomWith('stored text')
  const reader = await syncedClient(server, room, await server.token({ doc: room, sub: 'reader' }))
  expect(reader.text()).toBe('stored text')
  const other = await syncedClient(server, room, await server.token({ doc: room, sub: 'other' }))
  reader.doc.getText('text').insert(0, 'new ')
  await eventually(() => expect(other.text()).toBe('new stored text'))
  await eventually(async () => expect(await server.store.storedText(room)).toBe('new stored text'))
})

it('merges a reconnecting client\'s offline edits into a cold room', async () => {
  const server = await startTestServer()
  const room = docId()
  const doc = new Y.Doc()
  const first = await syncedClient(server, room, await server.token({ doc: room }), { doc })
  doc.getText('text').insert(0, 'shared')
  await eventually(async () => expect(await server.store.storedText(room)).toBe('shared'))
  first.provider.disconnect()
  doc.getText('text').insert(6, ' and offline')
  await server.restart()
  const back = connectClient(server, room, await server.token({ doc: room }), { doc })
  await back.waitSynced()
  const fresh = await syncedClient(server, room, await server.token({ doc: room, sub: 'fresh' }))
  await eventually(() => expect(fresh.text()).toBe('shared and offline'))
})

it('answers GET /docs/<id>/update from a cold room', async () => {
  const { server, room } = await coldRoomWith('via http')
  const response = await api(server, 'GET', `/docs/${room}/update`, { token: await server.token({ doc: room, access: 'read' }) })
  expect(response.status).toBe(200)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, response.bytes)
  expect(doc.getText('text').toString()).toBe('via http')
})
