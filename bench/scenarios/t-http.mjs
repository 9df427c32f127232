/**
 * T. Scenario A's steady phase with the receivers on Tandem's HTTP transport
 * (SSE down, POST up), against the same with them on WebSockets, in the same
 * run on the same server process: one writer (always a WebSocket), 50
 * receivers, 2,000 one-character edits at 400 a second. Latency from send to
 * each receiver, and the server's CPU over the phase per delivered update
 * (each edit counted once per receiver). Tandem only: no other server has
 * this transport. Every receiver must end with the writer's text.
 */
import * as Y from 'yjs'
import { BenchClient, connectAll, closeAll, sendAtPace, sleep, waitFor } from '../lib/client.mjs'
import { HttpBenchClient } from '../lib/httpClient.mjs'
import { cpuMs } from '../lib/proc.mjs'
import { Samples, percentile } from '../lib/stats.mjs'

export const config = { receivers: 50, edits: 2000, pacePerSecond: 400 }
/** Which servers T runs on (run.mjs skips the others). */
export const servers = ['tandem']

async function steady(server, room, Receiver, { receivers, edits, pace }) {
  const sendTimes = new Float64Array(edits)
  const latencies = new Samples(receivers * edits)
  let done = 0
  let writerId = -1
  const onArrival = (client, update) => {
    const seen = Y.parseUpdateMeta(update).to.get(writerId) ?? 0
    if (seen <= client.seen) return
    const now = performance.now()
    for (let k = client.seen; k < seen && k < edits; k++) latencies.push(now - sendTimes[k])
    if (client.seen < edits && seen >= edits) done++
    client.seen = seen
  }
  const writer = new BenchClient(server, room)
  const rx = Array.from({ length: receivers }, () => new Receiver(server, room))
  for (const c of rx) c.seen = 0
  const text = writer.doc.getText('t')
  try {
    await connectAll([writer, ...rx])
    writerId = writer.doc.clientID
    for (const c of rx) c.deferUpdates(onArrival)
    await sleep(200)
    const cpu0 = cpuMs(server.pid)
    await sendAtPace(text, { edits, pace, sendTimes })
    if (!(await waitFor(() => done === receivers, 30_000))) throw new Error(`T ${Receiver.name}: only ${done}/${receivers} receivers got all ${edits} edits`)
    const cpu = cpuMs(server.pid) - cpu0
    for (const c of rx) c.applyDeferred()
    const expected = text.toString()
    const diverged = rx.filter((c) => c.text() !== expected).length
    if (diverged > 0) throw new Error(`T ${Receiver.name}: ${diverged}/${receivers} receivers did not converge`)
    const failed = rx.find((c) => c.error)
    if (failed) throw failed.error
    const lat = latencies.view()
    if (lat.length !== receivers * edits) throw new Error(`T: ${lat.length} latency samples, expected ${receivers * edits}`)
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), cpuPerDeliveredUs: (cpu * 1000) / (edits * receivers) }
  } finally {
    await closeAll([writer, ...rx])
  }
}

export async function run(server, { receivers = config.receivers, edits = config.edits, pace = config.pacePerSecond } = {}) {
  const options = { receivers, edits, pace }
  // WebSockets first, then HTTP, each in a room of its own on the same process.
  const ws = await steady(server, 'transport-ws', BenchClient, options)
  await sleep(500)
  const http = await steady(server, 'transport-http', HttpBenchClient, options)
  return {
    wsP50: ws.p50,
    wsP99: ws.p99,
    httpP50: http.p50,
    httpP99: http.p99,
    wsCpuPerDeliveredUs: ws.cpuPerDeliveredUs,
    httpCpuPerDeliveredUs: http.cpuPerDeliveredUs,
    httpOverWsCpu: http.cpuPerDeliveredUs / ws.cpuPerDeliveredUs,
  }
}
