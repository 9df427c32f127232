import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { MessageType } from '@/lib/protocol'

/**
 * Tandem's saved acknowledgements (docs/sync-protocol.md, "Saved acknowledgements"):
 * the client sends a bare type-100 message; the server answers at once and
 * after every write to its store with type 100 + the room's persisted state
 * vector. Our edits are saved once that vector covers the local state vector.
 */

/** The request: just the message type. */
export function encodeSavedRequest(): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Saved)
  return encoding.toUint8Array(encoder)
}

/** Reads the persisted state vector from an answer whose type byte was already read. */
export function readPersistedVector(decoder: decoding.Decoder): Map<number, number> {
  return Y.decodeStateVector(decoding.readVarUint8Array(decoder))
}

/**
 * Saved when the server has stored everything this document holds. Not only
 * this tab's clientID: a local copy also carries edits typed in earlier tabs
 * (other clientIDs) that may never have reached the server, and edits that
 * reached us from other people are stored by the server moments after it
 * relayed them (it acknowledges every write, SAVED-2), so they settle at once.
 */
export function isSaved(persisted: Map<number, number> | null, doc: Y.Doc): boolean {
  if (persisted === null) return false
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if ((persisted.get(client) ?? 0) < clock) return false
  }
  return true
}
