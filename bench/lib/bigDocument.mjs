/**
 * Scenario F's large document (issue 11): the automerge-paper trace's final
 * state, history included, sixteen times over in one Y.Doc, as the texts
 * `t0` … `t15`, about 3.6 MB encoded.
 *
 * Replaying the 259,778 edits sixteen times would take a minute, so the one
 * replay of lib/trace.mjs is re-labelled instead: its update is decoded into
 * structs, and for copy i every struct's client id (and those of its origins)
 * becomes FIRST_CLIENT + i and the root name `t` becomes `t<i>`; the structs
 * are written back with Yjs's own encoder (`Item.write`, the V1 update
 * format). Every copy is then checked by applying the whole document to a
 * fresh Y.Doc: all sixteen texts must equal the trace's final text.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { loadTrace } from './trace.mjs'

export const TEXTS = 16
const FIRST_CLIENT = 1000

let cached = null

/** One copy of the trace's state, re-labelled as text `t<i>` by client FIRST_CLIENT + i. */
function relabel(state, from, i) {
  const { structs, ds } = Y.decodeUpdate(state)
  const client = FIRST_CLIENT + i
  const remap = (id) => (id && id.client === from ? Y.createID(client, id.clock) : id)
  const encoder = new Y.UpdateEncoderV1()
  const rest = encoder.restEncoder
  // Every struct of the trace is by one client: one client block.
  encoding.writeVarUint(rest, 1)
  encoding.writeVarUint(rest, structs.length)
  encoder.writeClient(client)
  encoding.writeVarUint(rest, structs[0].id.clock)
  for (const struct of structs) {
    if (struct.id.client !== from) throw new Error('bigDocument: the trace state has more than one client')
    struct.id = Y.createID(client, struct.id.clock)
    if (struct instanceof Y.Item) {
      struct.origin = remap(struct.origin)
      struct.rightOrigin = remap(struct.rightOrigin)
      if (struct.parent === 't') struct.parent = `t${i}`
      else if (struct.parent instanceof Y.ID) struct.parent = remap(struct.parent)
    }
    struct.write(encoder, 0)
  }
  // The delete set, in the V1 format (DSEncoderV1: client, count, then clock/len pairs).
  const ranges = ds.clients.get(from) ?? []
  encoding.writeVarUint(rest, ranges.length ? 1 : 0)
  if (ranges.length) {
    encoding.writeVarUint(rest, client)
    encoding.writeVarUint(rest, ranges.length)
    for (const r of ranges) {
      encoding.writeVarUint(rest, r.clock)
      encoding.writeVarUint(rest, r.len)
    }
  }
  return encoder.toUint8Array()
}

/** { parts: Uint8Array[] (one update per text), stateVector, bytes (whole document encoded), finalText, names } */
export function loadBigDocument() {
  if (cached) return cached
  const trace = loadTrace()
  const parts = Array.from({ length: TEXTS }, (_, i) => relabel(trace.state, trace.clientID, i))
  const doc = new Y.Doc()
  for (const part of parts) Y.applyUpdate(doc, part)
  const names = parts.map((_, i) => `t${i}`)
  for (const name of names) {
    if (doc.getText(name).toString() !== trace.finalText) throw new Error(`bigDocument: text ${name} is not the trace's final text`)
  }
  const whole = Y.encodeStateAsUpdate(doc)
  cached = { parts, stateVector: Y.encodeStateVector(doc), bytes: whole.byteLength, finalText: trace.finalText, names }
  doc.destroy()
  return cached
}
