/**
 * D. A large document: the automerge-paper trace (259,778 edits, batched as
 * lib/trace.mjs says) replayed into the server by one writer. Then:
 *  1. SIGKILL one second after the server acknowledged the last edit, restart
 *     on the same data, and see how much text a fresh client gets back;
 *  2. the writer reconnects and sends its whole state (what a client that
 *     kept its edits does), and a fresh client's full load is timed (warm);
 *  3. SIGTERM, restart, and a fresh client's full load is timed again (cold).
 * Load times run from opening the socket (see freshLoad); bytes are the
 * WebSocket payload the fresh client received by the end of the load.
 * Warm and cold loads must give exactly the trace's final text.
 * Memory: the server's RSS before any connection and right after the replay
 * is acknowledged (read from /proc, no GC forced: the SIGKILL second must not
 * be disturbed), and its JS heap and RSS after a full GC once the warm load is
 * done (the room loaded, nobody connected but the writer).
 */
import * as Y from 'yjs'
import { BenchClient, sleep, waitFor } from '../lib/client.mjs'
import { loadTrace } from '../lib/trace.mjs'
import { monoUs, rssBytes } from '../lib/proc.mjs'

const ROOM = 'paper'
export const config = { killAfterMs: 1000 }

/** Sends a step 1 carrying `stateVector` and waits for the server's answer, which comes after everything sent before. */
async function ack(client, stateVector, timeoutMs) {
  const before = client.step2Count
  client.sendStep1(stateVector)
  if (!(await waitFor(() => client.step2Count > before, timeoutMs, 2))) throw new Error(`D: no ack within ${timeoutMs} ms`)
}

/**
 * A fresh client's full load, timed two ways from opening the socket: until
 * the frame that completes the text has arrived (the server's part: accept,
 * load, encode, send), and until the client has applied it (what a user waits
 * for; the client's own Yjs work is the same for every server). Frames are
 * applied in arrival order as they come; y-websocket 2 answers sync step 1
 * before its leveldb read is done and sends the content as a later update, so
 * "synced" alone is not "loaded". Without `expectedLength` (after the
 * SIGKILL) it waits a fixed second after sync for such late content.
 */
async function freshLoad(server, expectedLength, what) {
  const client = new BenchClient(server, ROOM)
  client.deferUpdates()
  const window = [monoUs()]
  const t0 = performance.now()
  await client.connect(60_000)
  let receivedAt = 0
  let appliedAt = 0
  const text = client.doc.getText('t')
  const check = (entry) => {
    if (!appliedAt && text.length === expectedLength) {
      receivedAt = entry.at
      appliedAt = performance.now()
    }
  }
  if (expectedLength === undefined) {
    await sleep(1000)
    client.applyDeferred()
  } else {
    const deadline = performance.now() + 60_000
    while (!appliedAt && performance.now() < deadline) {
      client.applyDeferred({ stop: false, after: check })
      if (!appliedAt) await sleep(1)
    }
    if (!appliedAt) throw new Error(`D ${what}: the fresh client had ${text.length} of ${expectedLength} chars after 60 s`)
  }
  window.push(monoUs())
  const result = { window, receivedMs: receivedAt - t0, appliedMs: appliedAt - t0, bytes: client.bytesIn, text: client.text() }
  await client.close()
  return result
}

/** `restart(how)` stops the current server with SIGKILL ('kill') or SIGTERM ('term') and starts it again on the same data. */
export async function run(server, { restart }) {
  const trace = loadTrace()
  const finalSv = Y.encodeStateVectorFromUpdate(trace.state)

  const MiB = 2 ** 20
  const idleRss = rssBytes(server.pid)
  // 1. Replay, then SIGKILL a second after the server has the last edit.
  const writer = new BenchClient(server, ROOM)
  await writer.connect()
  const t0 = performance.now()
  const replayWindow = [monoUs()]
  for (const update of trace.updates) writer.sendUpdate(update)
  await ack(writer, finalSv, 120_000)
  const replayMs = performance.now() - t0
  replayWindow.push(monoUs())
  const replayRss = rssBytes(server.pid)
  await sleep(config.killAfterMs)
  server = await restart('kill')
  await writer.close()
  const recovered = await freshLoad(server, undefined, 'after SIGKILL')

  // 2. The writer comes back with everything; a fresh client loads it warm.
  const writer2 = new BenchClient(server, ROOM)
  await writer2.connect(60_000)
  writer2.sendUpdate(trace.state)
  await ack(writer2, finalSv, 60_000)
  const warm = await freshLoad(server, trace.finalText.length, 'warm')
  if (warm.text !== trace.finalText) throw new Error(`D warm: got ${warm.text.length} chars, not the trace's final text`)
  const warmMemory = await server.probe()
  await writer2.close()

  // 3. Clean restart; a fresh client loads it cold.
  server = await restart('term')
  const cold = await freshLoad(server, trace.finalText.length, 'cold')
  if (cold.text !== trace.finalText) throw new Error(`D cold: got ${cold.text.length} chars, not the trace's final text`)

  return {
    replayMs,
    warmMs: warm.receivedMs,
    warmAppliedMs: warm.appliedMs,
    warmKiB: warm.bytes / 1024,
    coldMs: cold.receivedMs,
    coldAppliedMs: cold.appliedMs,
    coldKiB: cold.bytes / 1024,
    killRecoveredChars: recovered.text.length,
    killRecoveredExact: recovered.text === trace.finalText ? 1 : 0,
    idleRssMiB: idleRss / MiB,
    replayRssMiB: replayRss / MiB,
    warmHeapMiB: warmMemory.heapUsed / MiB,
    warmRssMiB: warmMemory.rss / MiB,
    windows: { replay: replayWindow, warm: warm.window, cold: cold.window },
  }
}
