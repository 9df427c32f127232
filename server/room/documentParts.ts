/**
 * A document as updates a receiver can apply safely: what is integrated, and
 * apart from it, what waits for missing dependencies ("pending").
 *
 * Y.encodeStateAsUpdate merges the pending structs into the one update it
 * returns. Applied to a fresh document, such an update can come out short:
 * when Yjs meets a struct whose dependency is missing, it sets aside every
 * remaining struct of the clients it was resolving at the time, valid ones
 * included. A crafted update held as pending (a struct pointing into real
 * content and at a client that never comes) would then truncate every
 * joiner's copy, every GET of the document, every snapshot. Sent as two
 * updates, integrated first, the receiver ends up exactly where the room is.
 */
import * as Y from 'yjs'

const EMPTY_STATE_VECTOR = Uint8Array.of(0)

/** Does the document hold structs or deletions that wait for missing dependencies? */
export function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null
}

/** What the document has integrated that `stateVector` lacks, without what is pending. */
export function encodeIntegrated(doc: Y.Doc, stateVector: Uint8Array = EMPTY_STATE_VECTOR): Uint8Array {
  const { store } = doc
  const { pendingStructs, pendingDs } = store
  if (pendingStructs === null && pendingDs === null) return Y.encodeStateAsUpdate(doc, stateVector)
  // Set aside for one synchronous encoding: nothing else runs in between.
  store.pendingStructs = null
  store.pendingDs = null
  try {
    return Y.encodeStateAsUpdate(doc, stateVector)
  } finally {
    store.pendingStructs = pendingStructs
    store.pendingDs = pendingDs
  }
}

/** What is pending and `stateVector` lacks, as one update (Yjs keeps it in the V2 format), or null. */
export function encodePending(doc: Y.Doc, stateVector: Uint8Array = EMPTY_STATE_VECTOR): Uint8Array | null {
  const { pendingStructs, pendingDs } = doc.store
  const parts: Uint8Array[] = []
  if (pendingDs) parts.push(pendingDs)
  if (pendingStructs) parts.push(Y.diffUpdateV2(pendingStructs.update, stateVector))
  if (parts.length === 0) return null
  return Y.convertUpdateFormatV2ToV1(parts.length === 1 ? parts[0] : Y.mergeUpdatesV2(parts))
}
