/**
 * C. Idle connections: 2,000 connections over 200 rooms. Memory per
 * connection (RSS from /proc and the JS heap after a full GC, both against
 * the server's own baseline before any connection). Then every connection
 * closes: rooms still loaded once they had time to unload, and the heap
 * against its baseline. A second identical connect/close cycle follows:
 * heap growth from the first cycle's end to the second's tells retention
 * per connection apart from one-off warm-up (JIT code, pools).
 */
import { BenchClient, connectAll, closeAll, sleep } from '../lib/client.mjs'
import { rssBytes } from '../lib/proc.mjs'

export const config = { connections: 2000, rooms: 200, unloadTimeoutMs: 20_000 }

async function roomsLoaded(server) {
  // Tandem's count comes from /metrics, which needs no GC; the others' from the probe.
  return server.kind === 'tandem' ? server.metric('tandem_rooms') : (await server.probe()).rooms
}

async function waitUnloaded(server, timeoutMs) {
  const deadline = performance.now() + timeoutMs
  let rooms = await roomsLoaded(server)
  while (rooms !== 0 && performance.now() < deadline) {
    await sleep(250)
    rooms = await roomsLoaded(server)
  }
  return rooms
}

/** One connect-all / close-all cycle; returns the server's state while connected and after. */
async function cycle(server, { connections, rooms, unloadTimeoutMs }, hooks = {}) {
  const clients = Array.from({ length: connections }, (_, i) => new BenchClient(server, `idle-${i % rooms}`))
  let closed = false
  try {
    await connectAll(clients)
    await sleep(1000)
    const connected = await server.probe()
    const connectedRss = rssBytes(server.pid)
    if (hooks.onConnected) await hooks.onConnected()
    await closeAll(clients)
    closed = true
    const roomsLeft = await waitUnloaded(server, unloadTimeoutMs)
    const after = await server.probe()
    if (hooks.onClosed) await hooks.onClosed()
    return { connected, connectedRss, roomsLeft, after }
  } finally {
    if (!closed) await closeAll(clients)
  }
}

export async function run(server, opts = {}) {
  const params = { ...config, ...opts }
  const base = await server.probe()
  const baseRss = rssBytes(server.pid)
  if (opts.onBaseline) await opts.onBaseline()
  const first = await cycle(server, params, opts)
  const second = await cycle(server, params, { onClosed: opts.onSecondClosed })
  return {
    rssPerConnKiB: (first.connectedRss - baseRss) / params.connections / 1024,
    heapPerConnKiB: (first.connected.heapUsed - base.heapUsed) / params.connections / 1024,
    roomsAfterClose: Math.max(first.roomsLeft, second.roomsLeft),
    heapAfterCloseKiB: (first.after.heapUsed - base.heapUsed) / 1024,
    heapSecondCycleKiB: (second.after.heapUsed - first.after.heapUsed) / 1024,
    heapBaseKiB: base.heapUsed / 1024,
  }
}
