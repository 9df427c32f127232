/**
 * `stop()` leaves nothing running: no timer, no socket, no server handle,
 * once a real server on a real port has served a real client (the process of
 * a self-hoster's test suite must be able to exit).
 */
import { createHook } from 'node:async_hooks'
import { expect, it } from 'vitest'
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

/**
 * Every timer, immediate and handle created from now on, with the stack that
 * made it, for as long as it lives. (Comparing process-wide counts before and
 * after was flaky: the test runner's own short-lived timers came and went.)
 */
function trackResources() {
  const live = new Map<number, string>()
  const hook = createHook({
    init(id, type) {
      live.set(id, `${type}\n${new Error().stack?.split('\n').slice(4, 10).join('\n')}`)
    },
    destroy(id) {
      live.delete(id)
    },
  })
  hook.enable()
  return { live, stop: () => hook.disable() }
}

/** Waits, on immediates (a timer of our own would be one more live resource), until `done()` or `timeoutMs`. */
async function settle(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve))
}

it('leaves no timer or handle behind once stopped, after serving a client', async () => {
  const before = activeResources()
  const tracked = trackResources()
  try {
    const secret = 'stop-test-secret-of-at-least-32-bytes'
    const server = new SyncServer({ authSecret: secret, store: new SqliteStore(':memory:'), limits: { heartbeatIntervalMs: 50 } })
    const { port } = await server.listen(0, '127.0.0.1')
    const token = await signAccessToken(secret, { sub: 'u1', doc: 'doc', access: 'write' })
    const client = new WebSocket(`ws://127.0.0.1:${port}/doc?token=${token}`)
    const firstFrame = new Promise((resolve) => client.once('message', resolve))
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject))
    await firstFrame
    // An edit arms the write queue and the broadcast; the heartbeat, the token sweep and the health pings run on their own.
    const doc = new Y.Doc()
    doc.getText('text').insert(0, 'edit')
    client.send(encodeUpdateMessage(Y.encodeStateAsUpdate(doc)))
    const closeCode = new Promise((resolve) => client.once('close', resolve))
    expect(activeResources()).not.toEqual(before)

    await server.stop()
    expect(await closeCode).toBe(1001)
    // What keeps a process alive: timers, immediates, sockets, servers, file requests (not our own immediates).
    const KEEPS_ALIVE = /^(Timeout|Immediate|TCPWRAP|TCPSERVERWRAP|TCPCONNECTWRAP|PIPEWRAP|TLSWRAP|FSREQ)/
    const waitedOn = () => [...tracked.live.values()].filter((entry) => KEEPS_ALIVE.test(entry) && !entry.includes('at settle ('))
    await settle(() => waitedOn().length === 0, 5_000)
    expect(waitedOn()).toEqual([])
  } finally {
    tracked.stop()
  }
  // And the process as a whole holds nothing more than it did before (the runner's own may have ended since).
  for (const [kind, count] of Object.entries(activeResources())) expect(count, kind).toBeLessThanOrEqual(before[kind] ?? 0)
})
