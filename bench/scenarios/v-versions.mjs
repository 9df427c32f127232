/**
 * V. Version history (Tandem only; the others keep none): the automerge-paper
 * trace replayed by one writer in 100 equal parts, a named version after each
 * (POST /docs/<id>/versions). Then:
 *  1. SIGTERM and restart (the unload and shutdown compact the log), and the
 *     store's size for the document: every stored snapshot and log row, in
 *     bytes, over the final document's own encoded size (Y.encodeStateAsUpdate);
 *     issue 13 asks for at most 4×;
 *  2. a version's state fetched (GET …/versions/<id>), timed;
 *  3. restores of version 50 and then of the last version, each timed from
 *     the POST to a connected client holding the restored text.
 * Restored text must equal the version's.
 */
import Database from 'better-sqlite3'
import path from 'node:path'
import * as Y from 'yjs'
import { BenchClient, waitFor } from '../lib/client.mjs'
import { loadTrace } from '../lib/trace.mjs'

const ROOM = 'paper-history'
const VERSIONS = 100

async function call(server, method, urlPath, body) {
  const res = await fetch(`http://127.0.0.1:${server.port}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${await server.token(ROOM)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
  })
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (!res.ok) throw new Error(`V: ${method} ${urlPath} answered ${res.status}: ${Buffer.from(bytes).toString()}`)
  return bytes
}

/** Waits until the server has applied everything `client` sent (its answer to a step 1 comes after). */
async function settle(client) {
  const before = client.step2Count
  client.sendStep1(Y.encodeStateVector(client.doc))
  if (!(await waitFor(() => client.step2Count > before, 60_000, 2))) throw new Error('V: no answer to sync step 1 within 60 s')
}

/** Bytes the store holds for the document: its snapshot and its log rows (SQLite, read after the server stopped writing). */
function storedBytes(dataDir) {
  const db = new Database(path.join(dataDir, 'tandem.db'), { readonly: true })
  try {
    const snapshot = db.prepare('SELECT COALESCE(SUM(LENGTH(snapshot)), 0) AS n FROM doc_snapshots WHERE doc_id = ?').get(ROOM).n
    const log = db.prepare('SELECT COALESCE(SUM(LENGTH(update_data)), 0) AS n, COUNT(*) AS rows FROM doc_updates WHERE doc_id = ?').get(ROOM)
    return { bytes: snapshot + log.n, rows: log.rows }
  } finally {
    db.close()
  }
}

export async function run(server, { restart }) {
  const trace = loadTrace()
  const writer = new BenchClient(server, ROOM)
  await writer.connect()
  const perVersion = Math.ceil(trace.updates.length / VERSIONS)
  const ids = []
  for (let i = 0; i < trace.updates.length; i += perVersion) {
    for (const update of trace.updates.slice(i, i + perVersion)) writer.sendUpdate(update)
    await settle(writer)
    const version = JSON.parse(Buffer.from(await call(server, 'POST', `/docs/${ROOM}/versions`, JSON.stringify({ label: `part ${ids.length + 1}` }))).toString())
    ids.push(version.id)
  }
  await writer.close()
  server = await restart('term')
  const documentBytes = trace.state.length
  const { bytes, rows } = storedBytes(server.dataDir)

  const middle = ids[Math.floor(ids.length / 2) - 1]
  const t0 = performance.now()
  const state = await call(server, 'GET', `/docs/${ROOM}/versions/${middle}`)
  const fetchMs = performance.now() - t0
  const versionDoc = new Y.Doc()
  Y.applyUpdate(versionDoc, state)
  const middleText = versionDoc.getText('t').toString()

  const watcher = new BenchClient(server, ROOM)
  await watcher.connect(60_000)
  const restoreTo = async (id, text) => {
    const start = performance.now()
    await call(server, 'POST', `/docs/${ROOM}/versions/${id}/restore`)
    const answeredMs = performance.now() - start
    if (!(await waitFor(() => watcher.text() === text, 60_000, 1))) throw new Error(`V: the client did not get version ${id}'s text`)
    return { answeredMs, seenMs: performance.now() - start }
  }
  const back = await restoreTo(middle, middleText)
  const forward = await restoreTo(ids.at(-1), trace.finalText)
  await watcher.close()
  return {
    versions: ids.length,
    storeRatio: bytes / documentBytes,
    storeKiB: bytes / 1024,
    storeRows: rows,
    fetchMs,
    restoreMs: back.answeredMs,
    restoreSeenMs: back.seenMs,
    restoreForwardMs: forward.answeredMs,
  }
}
