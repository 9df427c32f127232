/**
 * The real editing trace (testkit/data/automerge-paper.json.gz: 259,778 edits
 * from the writing of a paper) replayed through the server by a stock client; a
 * fresh client must read exactly `finalText`, before and after a restart.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { loadTrace, type EditingTrace as Trace } from '../../testkit/trace'
import { docId, eventually, sleep, spawnServer, startTestServer, syncedClient } from './harness'

/** Edits per Yjs transaction (one update message each): ~2,600 messages for the whole trace. */
const BATCH = 100

async function replay(text: Y.Text, trace: Trace): Promise<void> {
  const edits = trace.edits
  const doc = text.doc!
  for (let start = 0; start < edits.length; start += BATCH) {
    doc.transact(() => {
      for (let i = start; i < Math.min(start + BATCH, edits.length); i++) {
        const [pos, del, ins] = edits[i]
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    })
    // Let the socket drain now and then, as a real editor's event loop would.
    if ((start / BATCH) % 200 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('the automerge-paper editing trace', () => {
  // proves: SYNC-5, SYNC-6
  it(
    'replayed by a stock client in batches, a fresh client reads exactly finalText, and again after a restart',
    async () => {
      const trace = loadTrace()
      expect(trace.edits).toHaveLength(259_778)
      expect(trace.editCount).toBe(259_778)
      expect(trace.finalText).toHaveLength(trace.finalLength)

      const server = await startTestServer({ limits: { maxMessagesPerSecond: 1_000_000, maxBufferedBytes: 512 * 1024 * 1024 } })
      const room = docId('trace')
      const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'kleppmann' }))
      // A live collaborator watching the whole time receives it all through relay.
      const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher', access: 'read' }))
      await replay(writer.doc.getText('text'), trace)
      expect(writer.text()).toBe(trace.finalText)
      await eventually(() => expect(watcher.text().length).toBe(trace.finalText.length), { timeoutMs: 60_000, intervalMs: 200 })
      expect(watcher.text() === trace.finalText).toBe(true)

      // A second, fresh client gets the whole document from the server.
      await eventually(
        async () => {
          const reader = await syncedClient(server, room, await server.token({ doc: room, sub: 'reader', access: 'read' }))
          try {
            expect(reader.text().length).toBe(trace.finalText.length)
            expect(reader.text() === trace.finalText).toBe(true)
          } finally {
            reader.destroy()
          }
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      )
      writer.destroy()

      // And from the store after a restart.
      await server.restart()
      const afterRestart = await syncedClient(server, room, await server.token({ doc: room, sub: 'reader2', access: 'read' }))
      expect(afterRestart.text().length).toBe(trace.finalText.length)
      expect(afterRestart.text() === trace.finalText).toBe(true)
    },
    120_000,
  )

  // proves: DURABLE-1
  it(
    'replayed into a server process that is then killed with kill -9 a second after the last edit: the restarted server serves finalText',
    async () => {
      const trace = loadTrace()
      const server = await spawnServer({ env: { MAX_MESSAGES_PER_SECOND: '1000000' } })
      const room = docId('trace-kill')
      const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'kleppmann' }))
      const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher', access: 'read' }))
      await replay(writer.doc.getText('text'), trace)
      // The server has received it all once a watcher has it by relay; then the one-second promise runs.
      await eventually(() => expect(watcher.text().length).toBe(trace.finalText.length), { timeoutMs: 60_000, intervalMs: 100 })
      await sleep(1000)
      server.kill('SIGKILL')
      await server.exited
      writer.destroy()
      const again = await spawnServer({ env: { DATA_DIR: server.dataDir, AUTH_SECRET: server.secret } })
      const reader = await syncedClient(again, room, await again.token({ doc: room, sub: 'reader', access: 'read' }), {})
      expect(reader.text().length).toBe(trace.finalText.length)
      expect(reader.text() === trace.finalText).toBe(true)
    },
    120_000,
  )
})
