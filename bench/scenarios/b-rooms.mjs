/**
 * B. Many rooms: 200 rooms × 5 clients, one writer per room, each writer
 * typing 10 edits a second. Server CPU per delivered update (an edit reaching
 * one receiver) and resident memory. The CPU window runs from the first edit
 * until 2.5 s after the last delivery, so a store that a server defers (such
 * as Hocuspocus's 2 s debounce) is paid inside it: every server persists.
 */
import * as Y from 'yjs'
import { BenchClient, connectAll, closeAll, sleep, waitFor } from '../lib/client.mjs'
import { cpuMs, monoUs, rssBytes } from '../lib/proc.mjs'

export const config = { rooms: 200, perRoom: 5, editsPerWriter: 30, intervalMs: 100, settleMs: 2500 }

export async function run(server, opts = {}) {
  const { rooms, perRoom, editsPerWriter, intervalMs, settleMs } = { ...config, ...opts }
  const receiversPerRoom = perRoom - 1
  const expectedDeliveries = rooms * receiversPerRoom * editsPerWriter
  let delivered = 0
  const onDocChange = (client) => {
    const seen = Y.getState(client.doc.store, client.writerId)
    if (seen > client.seen) {
      delivered += seen - client.seen
      client.seen = seen
    }
  }
  const groups = []
  for (let r = 0; r < rooms; r++) {
    const room = `room-${r}`
    const writer = new BenchClient(server, room)
    const rx = Array.from({ length: receiversPerRoom }, () => {
      const c = new BenchClient(server, room, { onDocChange })
      c.seen = 0
      c.writerId = writer.doc.clientID
      return c
    })
    groups.push({ writer, rx, sent: 0, offset: (r * intervalMs) / rooms })
  }
  const all = groups.flatMap((g) => [g.writer, ...g.rx])
  try {
    await connectAll(all)
    await sleep(500)
    const rssConnected = rssBytes(server.pid)

    const cpu0 = cpuMs(server.pid)
    const window = [monoUs()]
    const t0 = performance.now()
    const deadline = t0 + editsPerWriter * intervalMs + 10_000
    let remaining = rooms * editsPerWriter
    // One scheduler for all writers: each sends what is due at its own staggered pace.
    while (remaining > 0 && performance.now() < deadline) {
      const elapsed = performance.now() - t0
      for (const g of groups) {
        const due = Math.min(editsPerWriter, Math.floor((elapsed - g.offset) / intervalMs) + 1)
        while (g.sent < due) {
          const text = g.writer.doc.getText('t')
          text.insert(text.length, 'x')
          g.sent++
          remaining--
        }
      }
      await sleep(2)
    }
    if (!(await waitFor(() => delivered >= expectedDeliveries, 30_000))) {
      throw new Error(`B: ${delivered}/${expectedDeliveries} deliveries`)
    }
    const rssLoaded = rssBytes(server.pid)
    await sleep(settleMs)
    const cpu = cpuMs(server.pid) - cpu0
    window.push(monoUs())

    let diverged = 0
    for (const g of groups) {
      const expected = g.writer.text()
      for (const c of g.rx) if (c.text() !== expected) diverged++
    }
    if (diverged > 0) throw new Error(`B: ${diverged} receivers did not converge`)
    return {
      cpuPerDeliveredUs: (cpu * 1000) / delivered,
      cpuMs: cpu,
      rssMiB: Math.max(rssConnected, rssLoaded) / 2 ** 20,
      windows: { cpu: window },
    }
  } finally {
    await closeAll(all)
  }
}
