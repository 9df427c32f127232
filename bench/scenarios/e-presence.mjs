/**
 * E. Presence storm: 50 clients in one room, each moving its caret 20 times a
 * second for 10 s. Server CPU over that window, WebSocket payload bytes the
 * server sent per second (summed at the receivers), and delivery latency p95
 * (each state carries its send time; all clients share this process's clock).
 * Every client must end up seeing every other client's last caret.
 */
import { BenchClient, connectAll, closeAll, decodeAwareness, encodeAwareness, sleep, waitFor } from '../lib/client.mjs'
import { cpuMs, monoUs } from '../lib/proc.mjs'
import { Samples, percentile } from '../lib/stats.mjs'

export const config = { clients: 50, perSecond: 20, seconds: 10 }

/**
 * The send stamp of a state. States are written with "t" first and every
 * server here keeps key order (they relay the text, or JSON.parse and
 * stringify it), so a prefix read saves the load process a JSON.parse per
 * state per receiver (up to 49,000 a second), which on 2 cores would
 * otherwise slow the very deliveries it times.
 */
function sendTime(json) {
  if (json.startsWith('{"t":')) return parseFloat(json.slice(5))
  const state = JSON.parse(json)
  return state && typeof state.t === 'number' ? state.t : null
}

export async function run(server, opts = {}) {
  // `label` names the scenario in errors: G (presence crowd) runs this same storm with other figures.
  // `userId`: put the token's subject in every state, as Tandem's editor does (G); Tandem otherwise adds it itself.
  const { clients: n, perSecond, seconds, label = 'E', userId } = { ...config, ...opts }
  const moves = perSecond * seconds
  const intervalMs = 1000 / perSecond
  const latencies = new Samples(n * n * moves)
  const onAwareness = (client, payload, now) => {
    for (const [id, clock, json] of decodeAwareness(payload)) {
      if (id === client.doc.clientID) continue
      // Count each state once: some servers resend states a receiver already has.
      if ((client.clocks.get(id) ?? -1) >= clock) continue
      client.clocks.set(id, clock)
      const t = sendTime(json)
      if (t !== null) latencies.push(now - t)
    }
  }
  const clients = Array.from({ length: n }, () => {
    const c = new BenchClient(server, 'presence', { onAwareness })
    c.clocks = new Map()
    c.clock = 0
    c.sent = 0
    return c
  })
  const name = (i) => (userId ? { name: `user-${i}`, color: '#30bced', id: userId } : { name: `user-${i}`, color: '#30bced' })
  const send = (c, i, withTime) => {
    c.clock++
    const pos = c.clock * 3
    const state = withTime ? { t: performance.now() } : {}
    state.user = name(i)
    state.cursor = { anchor: pos, head: pos }
    c.sendAwareness(encodeAwareness(c.doc.clientID, c.clock, state))
  }
  try {
    await connectAll(clients)
    // Introduce everyone first (not measured), as editors do on joining.
    clients.forEach((c, i) => send(c, i, false))
    await sleep(500)
    latencies.length = 0

    const bytes0 = clients.reduce((s, c) => s + c.bytesIn, 0)
    const cpu0 = cpuMs(server.pid)
    const window = [monoUs()]
    const t0 = performance.now()
    const deadline = t0 + seconds * 1000 + 5000
    let remaining = n * moves
    while (remaining > 0 && performance.now() < deadline) {
      const elapsed = performance.now() - t0
      clients.forEach((c, i) => {
        const due = Math.min(moves, Math.floor((elapsed - (i * intervalMs) / n) / intervalMs) + 1)
        while (c.sent < due) {
          send(c, i, true)
          c.sent++
          remaining--
        }
      })
      await sleep(2)
    }
    const sendMs = performance.now() - t0
    const finalClock = moves + 1
    const converged = await waitFor(
      () => clients.every((c) => clients.every((o) => o === c || c.clocks.get(o.doc.clientID) === finalClock)),
      10_000,
      20,
    )
    const cpu = cpuMs(server.pid) - cpu0
    window.push(monoUs())
    const bytes = clients.reduce((s, c) => s + c.bytesIn, 0) - bytes0
    if (!converged) {
      const missing = clients.reduce((s, c) => s + clients.filter((o) => o !== c && c.clocks.get(o.doc.clientID) !== finalClock).length, 0)
      throw new Error(`${label}: ${missing} (receiver, client) pairs never saw the last caret`)
    }
    return {
      p95: percentile(latencies.view(), 95),
      p50: percentile(latencies.view(), 50),
      cpuMs: cpu,
      bytesOutPerSec: bytes / (sendMs / 1000),
      delivered: latencies.length,
      windows: { storm: window },
    }
  } finally {
    await closeAll(clients)
  }
}
