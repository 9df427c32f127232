/**
 * Preloaded (`--import`) into every server under test, Tandem included, so the
 * JS heap is measured the same way everywhere: the harness sends 'probe' over
 * the child's IPC channel, we run a full GC (needs --expose-gc) and answer with
 * process.memoryUsage() and, where the server's wrapper registered one, its
 * count of loaded rooms. Nothing else in the server changes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'

// Event-loop stalls since the last 'probe' or 'eld' request: a server that
// blocks (a synchronous store, a long encode) shows it here.
const eld = monitorEventLoopDelay({ resolution: 5 })
eld.enable()

if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg?.type === 'eld') {
      process.send({ type: 'eld', id: msg.id, maxMs: eld.max / 1e6, p99Ms: eld.percentile(99) / 1e6 })
      eld.reset()
      return
    }
    if (!msg || msg.type !== 'probe') return
    if (typeof globalThis.gc === 'function') {
      // Two passes: the first can leave weakly held objects for the second.
      globalThis.gc()
      globalThis.gc()
    }
    const mem = process.memoryUsage()
    const rooms = typeof globalThis.__benchRooms === 'function' ? globalThis.__benchRooms() : null
    process.send({ type: 'probe', id: msg.id, heapUsed: mem.heapUsed, rss: mem.rss, external: mem.external, rooms })
    // The GC above is ours, not the server's: keep it out of the stall figures.
    eld.reset()
  })
  // The IPC channel must not keep a server alive that wants to exit.
  process.channel?.unref?.()
}
