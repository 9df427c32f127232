/**
 * A. Fan-out: one room, one writer, 50 receivers. 2,000 edits at a steady
 * pace (latency from send to each receiver), then 2,000 as fast as possible
 * (edits delivered per second, counting each edit once per receiver). Every
 * receiver must end with the writer's text.
 */
import * as Y from 'yjs'
import { BenchClient, connectAll, closeAll, sendAtPace, sleep, waitFor } from '../lib/client.mjs'
import { cpuMs, monoUs } from '../lib/proc.mjs'
import { Samples, percentile } from '../lib/stats.mjs'

export const config = { receivers: 50, edits: 2000, pacePerSecond: 400 }

/** `count` one-character appends on the writer's doc, each captured as its own update instead of being sent. */
function preEncodeEdits(writer, count, char) {
  const updates = []
  writer.hold = updates
  const text = writer.doc.getText('t')
  for (let i = 0; i < count; i++) text.insert(text.length, char)
  writer.hold = null
  return updates
}

export async function run(server, { receivers = config.receivers, edits = config.edits, pace = config.pacePerSecond } = {}) {
  const room = 'fanout'
  const sendTimes = new Float64Array(edits * 2)
  const latencies = new Samples(receivers * edits)
  let phase = 'steady'
  let target = edits
  let done = 0
  let lastDoneAt = 0
  let writerId = -1

  // Receivers note what arrived (Y.parseUpdateMeta: the writer's clock after
  // this update; one char = one tick = one edit) and apply it all after the
  // scenario: on 2 cores, 50 receivers integrating every edit would compete
  // with the server and put the load process's queueing into the latencies.
  const onArrival = (client, update) => {
    const seen = Y.parseUpdateMeta(update).to.get(writerId) ?? 0
    if (seen <= client.seen) return
    const now = performance.now()
    if (phase === 'steady') {
      for (let k = client.seen; k < seen && k < edits; k++) latencies.push(now - sendTimes[k])
    }
    if (client.seen < target && seen >= target) {
      done++
      lastDoneAt = now
    }
    client.seen = seen
  }

  const writer = new BenchClient(server, room)
  const rx = Array.from({ length: receivers }, () => new BenchClient(server, room))
  for (const c of rx) c.seen = 0
  const text = writer.doc.getText('t')
  try {
    await connectAll([writer, ...rx])
    writerId = writer.doc.clientID
    for (const c of rx) c.deferUpdates(onArrival)
    await sleep(200)
    await server.eld()

    const steadyWindow = [monoUs()]
    await sendAtPace(text, { edits, pace, sendTimes })
    if (!(await waitFor(() => done === receivers, 30_000))) {
      throw new Error(`A steady: only ${done}/${receivers} receivers got all ${edits} edits`)
    }
    steadyWindow.push(monoUs())
    const steadyStall = (await server.eld()).maxMs

    // Burst: every edit its own message, all written in one go. The messages
    // are made and encoded beforehand so the timed window holds delivery
    // only, not the writer's own Yjs work.
    const burstUpdates = preEncodeEdits(writer, edits, 'b')
    phase = 'burst'
    target = edits * 2
    done = 0
    await sleep(200)
    await server.eld()
    const cpu0 = cpuMs(server.pid)
    const frames0 = rx.reduce((s, c) => s + c.framesIn, 0)
    const b0 = performance.now()
    const burstWindow = [monoUs()]
    for (let i = 0; i < edits; i++) {
      sendTimes[edits + i] = performance.now()
      writer.sendUpdate(burstUpdates[i])
    }
    if (!(await waitFor(() => done === receivers, 60_000, 1))) {
      throw new Error(`A burst: only ${done}/${receivers} receivers got all ${edits} burst edits`)
    }
    burstWindow.push(monoUs())
    const burstMs = lastDoneAt - b0
    const burstCpu = cpuMs(server.pid) - cpu0
    const burstStall = (await server.eld()).maxMs
    const burstFrames = (rx.reduce((s, c) => s + c.framesIn, 0) - frames0) / receivers

    for (const c of rx) c.applyDeferred()
    const expected = text.toString()
    const diverged = rx.filter((c) => c.text() !== expected).length
    if (diverged > 0) throw new Error(`A: ${diverged}/${receivers} receivers did not converge`)

    const lat = latencies.view()
    if (lat.length !== receivers * edits) throw new Error(`A: ${lat.length} latency samples, expected ${receivers * edits}`)
    return {
      steadyP50: percentile(lat, 50),
      steadyP95: percentile(lat, 95),
      steadyP99: percentile(lat, 99),
      burstRate: (edits * receivers) / (burstMs / 1000),
      burstCpuMs: burstCpu,
      burstFramesPerReceiver: burstFrames,
      burstMaxStallMs: burstStall,
      steadyMaxStallMs: steadyStall,
      windows: { steady: steadyWindow, burst: burstWindow },
    }
  } finally {
    await closeAll([writer, ...rx])
  }
}
