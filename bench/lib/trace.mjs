/**
 * The automerge-paper editing trace (testkit/data/, read and checked by
 * testkit/trace.ts), replayed once into a local Y.Doc with a fixed batching, so
 * that every server receives the very same update messages: BATCH consecutive
 * edits per transaction, one update message per transaction.
 */
import * as Y from 'yjs'
import { loadTrace as readEditingTrace } from '../../testkit/trace.ts'

export const BATCH = 100

let cached = null

/** { updates: Uint8Array[], finalText, editCount, state (whole doc as one update), clientID } */
export function loadTrace() {
  if (cached) return cached
  const trace = readEditingTrace()
  const doc = new Y.Doc()
  // A fixed clientID makes the updates identical from run to run.
  doc.clientID = 1
  const text = doc.getText('t')
  const updates = []
  doc.on('update', (u) => updates.push(u))
  const { edits } = trace
  for (let i = 0; i < edits.length; i += BATCH) {
    doc.transact(() => {
      for (let j = i; j < Math.min(i + BATCH, edits.length); j++) {
        const [pos, del, ins] = edits[j]
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    })
  }
  const finalText = text.toString()
  if (finalText !== trace.finalText) throw new Error('trace replay does not give finalText: the data file is not the expected one')
  cached = { updates, finalText, editCount: edits.length, state: Y.encodeStateAsUpdate(doc), clientID: doc.clientID }
  doc.destroy()
  return cached
}
