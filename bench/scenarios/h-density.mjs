/**
 * H. Room density (issue 11): 2,000 rooms, each holding a document of about
 * 5 KB encoded and one idle connection. Every client sends its room the same
 * document (60 separate inserts of 50 characters at scattered positions, so
 * the server holds real Yjs structure, not one long item) and waits for the
 * server's ack; then all sit idle. Server RSS (from /proc) and JS heap (after
 * a full GC) per room, against the server's own baseline before any
 * connection, twice: `settleMs` after the last ack (just edited), and after
 * `idleMs` of quiet (every server idles as long; Tandem's default
 * ROOM_COLD_AFTER_MS of 30 s has then passed, so its rooms hold their
 * documents as bytes, MEMORY-7). The target is judged on the idle figures:
 * an open document that nobody is editing is the common case. The relay holds
 * no documents, so it does not take part.
 */
import * as Y from 'yjs'
import { BenchClient, closeAll, sleep, waitFor } from '../lib/client.mjs'
import { rssBytes } from '../lib/proc.mjs'

export const config = { rooms: 2000, inserts: 60, insertChars: 50, concurrency: 50, settleMs: 1000, idleMs: 32_000 }
export const servers = ['tandem', 'hocuspocus', 'ywebsocket']

/** The one document every room gets, encoded once: about 5 KB. */
function roomDocument({ inserts, insertChars }) {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  let seed = 7
  // A fixed pseudo-random sequence: the same document on every server and run.
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647
  for (let i = 0; i < inserts; i++) {
    const words = Array.from({ length: insertChars / 5 }, (_, w) => `w${(i * 13 + w) % 97}`.padEnd(5, ' ')).join('')
    text.insert(Math.floor(next() * (text.length + 1)), words.slice(0, insertChars))
  }
  return { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) }
}

/** Connects, stores the document and waits until the server has answered after it (sync step 1 as an ack). */
async function seed(client, { update, stateVector }) {
  await client.connect(60_000)
  const before = client.step2Count
  client.sendUpdate(update)
  client.sendStep1(stateVector)
  if (!(await waitFor(() => client.step2Count > before, 60_000, 5))) throw new Error(`H: no ack from ${client.docName}`)
}

export async function run(server, opts = {}) {
  const params = { ...config, ...opts }
  const document = roomDocument(params)
  const base = await server.probe()
  const baseRss = rssBytes(server.pid)
  const clients = Array.from({ length: params.rooms }, (_, i) => new BenchClient(server, `dense-${i}`))
  try {
    let next = 0
    const worker = async () => {
      while (next < clients.length) await seed(clients[next++], document)
    }
    await Promise.all(Array.from({ length: params.concurrency }, worker))
    await sleep(params.settleMs)
    const edited = await server.probe()
    const editedRss = rssBytes(server.pid)
    await sleep(params.idleMs - params.settleMs)
    const idle = await server.probe()
    const idleRss = rssBytes(server.pid)
    const perRoomKiB = (bytes) => bytes / params.rooms / 1024
    return {
      docBytes: document.update.byteLength,
      rssPerRoomKiB: perRoomKiB(idleRss - baseRss),
      heapPerRoomKiB: perRoomKiB(idle.heapUsed - base.heapUsed),
      rssTotalMiB: idleRss / 2 ** 20,
      editedRssPerRoomKiB: perRoomKiB(editedRss - baseRss),
      editedHeapPerRoomKiB: perRoomKiB(edited.heapUsed - base.heapUsed),
    }
  } finally {
    await closeAll(clients)
  }
}
