import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { MessageType } from '@/lib/protocol'

/**
 * Tandem's saved acknowledgements (docs/sync-protocol.md, "Saved acknowledgements"):
 * the client sends a bare type-100 message; the server answers at once and
 * after every write to its store with type 100 + the room's persisted state
 * vector. Our edits are saved once that vector's clock for our clientID has
 * reached our local clock.
 */

/** The request: just the message type. */
export function encodeSavedRequest(): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Saved)
  return encoding.toUint8Array(encoder)
}

/** Reads the persisted state vector from an answer whose type byte was already read. */
export function readPersistedClock(decoder: decoding.Decoder, clientId: number): number {
  const stateVector = decoding.readVarUint8Array(decoder)
  return Y.decodeStateVector(stateVector).get(clientId) ?? 0
}

/** How far our own edits go: the next clock our client would use. */
export function localClock(doc: Y.Doc): number {
  return Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0
}

/** Saved when the server has stored everything we wrote. */
export function isSaved(persistedClock: number | null, doc: Y.Doc): boolean {
  return persistedClock !== null && persistedClock >= localClock(doc)
}
