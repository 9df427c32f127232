/**
 * `stop()` leaves nothing running: no timer, no socket, no server handle,
 * once a real server on a real port has served a real client (the process of
 * a self-hoster's test suite must be able to exit).
 */
import { expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { signAccessToken } from '../lib/token'
import { SqliteStore } from './persistence/SqliteStore'
import { encodeUpdateMessage } from './protocol'
import { SyncServer } from './SyncServer'

/** How many active resources of each kind the process holds (timers, sockets, servers…). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

it('leaves no timer or handle behind once stopped, after serving a client', async () => {
  const before = activeResources()
  const secret = 'stop-test-secret-of-at-least-32-bytes'
  const server = new SyncServer({ authSecret: secret, store: new SqliteStore(':memory:'), limits: { heartbeatIntervalMs: 50 } })
  const { port } = await server.listen(0, '127.0.0.1')
  const token = await signAccessToken(secret, { sub: 'u1', doc: 'doc', access: 'write' })
  const client = new WebSocket(`ws://127.0.0.1:${port}/doc?token=${token}`)
  const firstFrame = new Promise((resolve) => client.once('message', resolve))
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject))
  await firstFrame
  // An edit arms the write queue and the broadcast; the heartbeat and the health pings run on their own.
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'edit')
  client.send(encodeUpdateMessage(Y.encodeStateAsUpdate(doc)))
  const closeCode = new Promise((resolve) => client.once('close', resolve))
  expect(activeResources()).not.toEqual(before)

  await server.stop()
  expect(await closeCode).toBe(1001)
  await vi.waitFor(() => expect(activeResources()).toEqual(before), { timeout: 5_000, interval: 20 })
})
