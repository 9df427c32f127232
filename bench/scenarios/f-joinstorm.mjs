/**
 * F. Join storm on a large document (issue 11). One writer stores the
 * document of lib/bigDocument.mjs (the automerge-paper trace's state in 16
 * texts, about 3.9 MB encoded) through the server's normal path: 16 update
 * messages, then a sync step 1 whose answer is the ack. Then:
 *  1. warm: with the writer still connected (the room loaded), 100 fresh
 *     clients open their sockets at the same moment;
 *  2. cold: the writer leaves, SIGTERM, restart on the same data, and 100
 *     fresh clients open their sockets at once on the unloaded room.
 * For each client, the time from the common start until the frame that
 * completes the whole document has arrived (median and slowest); the
 * server's RSS just before the storm and its peak RSS during it (VmHWM after resetting it through
 * /proc/<pid>/clear_refs; the largest of 10 ms samples where that is refused)
 * and its CPU (utime + stime) from the start until the last frame.
 *
 * Received frames are only stored during the storm (timestamp and bytes),
 * so the load process does no Yjs work while it times arrivals. Afterwards
 * clients are grouped by the exact frames they got (a digest), and one client
 * per group has its frames applied in order to a Y.Doc: the frame after which
 * all 16 texts are complete is the group's "whole state" frame, and the
 * texts must equal the trace's final text.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import * as Y from 'yjs'
import { BenchClient, closeAll, sleep, waitFor } from '../lib/client.mjs'
import { loadBigDocument } from '../lib/bigDocument.mjs'
import { cpuMs, monoUs, rssBytes } from '../lib/proc.mjs'
import { percentile } from '../lib/stats.mjs'

const ROOM = 'storm'
export const config = { clients: 100, quietMs: 1000, timeoutMs: 90_000 }
export const servers = ['tandem', 'hocuspocus', 'ywebsocket']
/** The whole scenario's limit (run.mjs): two storms of 390 MB through one load process; y-websocket took 161 s once. */
export const timeoutMs = 360_000

/** Peak RSS since the last reset: VmHWM, which clear_refs "5" resets to the current RSS. */
function peakRss(pid) {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readStatus(pid))
  return match ? Number(match[1]) * 1024 : NaN
}
function readStatus(pid) {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return ''
  }
}

function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** Stores the document through the server's normal path and waits for the server's answer after it. */
async function storeDocument(server, document) {
  const writer = new BenchClient(server, ROOM)
  await writer.connect(60_000)
  for (const part of document.parts) writer.sendUpdate(part)
  const before = writer.step2Count
  writer.sendStep1(document.stateVector)
  if (!(await waitFor(() => writer.step2Count > before, 120_000, 5))) throw new Error('F: the server did not ack the stored document within 120 s')
  return writer
}

/** The frame index after which `frames` hold the whole document, checked by applying them; -1 if never. */
function completingFrame(frames, document) {
  const doc = new Y.Doc()
  const texts = document.names.map((name) => doc.getText(name))
  const length = document.finalText.length
  let done = -1
  frames.forEach((frame, i) => {
    Y.applyUpdate(doc, frame.update)
    if (done < 0 && texts.every((t) => t.length === length)) done = i
  })
  const exact = done >= 0 && texts.every((t) => t.toString() === document.finalText)
  doc.destroy()
  return exact ? done : -1
}

/** 100 clients open at once; resolves with per-client times, peak RSS and CPU. */
async function storm(server, document, phase, n) {
  const clients = Array.from({ length: n }, () => {
    const c = new BenchClient(server, ROOM)
    c.deferUpdates()
    return c
  })
  // URLs (Tandem's tokens) first, so signing is not inside the timed window.
  await Promise.all(clients.map((c) => server.url(c.docName)))
  const rssBefore = rssBytes(server.pid)
  const cleared = resetPeakRss(server.pid)
  let sampledPeak = rssBefore
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, rssBytes(server.pid))
  }, 10)
  const cpu0 = cpuMs(server.pid)
  const window = [monoUs()]
  const t0 = performance.now()
  try {
    await Promise.all(clients.map((c) => c.connect(config.timeoutMs)))
    // Until every client has at least half the document's bytes and nothing has arrived for quietMs.
    let lastTotal = -1
    let quietSince = performance.now()
    const settled = await waitFor(
      () => {
        const total = clients.reduce((s, c) => s + c.bytesIn, 0)
        if (total !== lastTotal) {
          lastTotal = total
          quietSince = performance.now()
          return false
        }
        return clients.every((c) => c.bytesIn >= document.bytes / 2) && performance.now() - quietSince >= config.quietMs
      },
      config.timeoutMs,
      20,
    )
    const cpu = cpuMs(server.pid) - cpu0
    window.push(monoUs())
    clearInterval(sampler)
    const peak = cleared ? peakRss(server.pid) : sampledPeak
    if (!settled) {
      const short = clients.filter((c) => c.bytesIn < document.bytes / 2).length
      throw new Error(`F ${phase}: ${short} of ${n} clients had less than half the document after ${config.timeoutMs / 1000} s`)
    }
    // Group clients by the exact frames they received, and check one per group.
    const groups = new Map()
    for (const c of clients) {
      const hash = createHash('sha1')
      for (const f of c.deferred) hash.update(f.update)
      const key = `${c.deferred.length}:${hash.digest('hex')}`
      if (!groups.has(key)) groups.set(key, { index: completingFrame(c.deferred, document), clients: [] })
      groups.get(key).clients.push(c)
    }
    const times = []
    for (const { index, clients: members } of groups.values()) {
      if (index < 0) throw new Error(`F ${phase}: ${members.length} clients never received the whole document`)
      for (const c of members) times.push(c.deferred[index].at - t0)
    }
    times.sort((a, b) => a - b)
    // Phase-wide CPU ends at the quiet check; the last frame is what the clients wait for.
    return { medianMs: percentile(times, 50), slowestMs: times[times.length - 1], rssBeforeMiB: rssBefore / 2 ** 20, peakRssMiB: peak / 2 ** 20, cpuMs: cpu, groups: groups.size, window }
  } finally {
    clearInterval(sampler)
    for (const c of clients) c.deferred = null
    await closeAll(clients)
  }
}

/** `restart('term')` stops the server with SIGTERM and starts it again on the same data. */
export async function run(server, { restart }) {
  const document = loadBigDocument()
  const n = config.clients
  const writer = await storeDocument(server, document)
  await sleep(500)
  const warm = await storm(server, document, 'warm', n)
  await writer.close()
  server = await restart('term')
  await sleep(500)
  const cold = await storm(server, document, 'cold', n)
  return {
    docKiB: document.bytes / 1024,
    warmMedianMs: warm.medianMs,
    warmSlowestMs: warm.slowestMs,
    warmRssBeforeMiB: warm.rssBeforeMiB,
    warmPeakRssMiB: warm.peakRssMiB,
    warmCpuMs: warm.cpuMs,
    coldMedianMs: cold.medianMs,
    coldSlowestMs: cold.slowestMs,
    coldRssBeforeMiB: cold.rssBeforeMiB,
    coldPeakRssMiB: cold.peakRssMiB,
    coldCpuMs: cold.cpuMs,
    windows: { warm: warm.window, cold: cold.window },
  }
}
