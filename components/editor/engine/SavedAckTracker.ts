import type * as decoding from 'lib0/decoding'
import type * as Y from 'yjs'
import { encodeSavedRequest, isSaved, readPersistedClock } from './savedAck'

/**
 * Whether the server has stored every edit this tab made, from its saved
 * acknowledgements (docs/sync-protocol.md, "Saved acknowledgements").
 *
 * @example
 * const saved = new SavedAckTracker(doc)
 * socket.send(saved.request())            // on every new socket
 * saved.receive(decoder)                  // on every type-100 answer
 * saved.isSaved()                         // after any local edit or answer
 */
export class SavedAckTracker {
  /** Our clock in the server's persisted state vector; null until this socket's first answer. */
  private persistedClock: number | null = null

  constructor(private readonly doc: Y.Doc) {}

  /**
   * A new socket: forget what the previous one was told (the server may have
   * restarted, or not stored what it had) and return the request to send.
   */
  request(): Uint8Array {
    this.persistedClock = null
    return encodeSavedRequest()
  }

  /** An answer arrived; its type byte was already read. */
  receive(decoder: decoding.Decoder): void {
    this.persistedClock = readPersistedClock(decoder, this.doc.clientID)
  }

  isSaved(): boolean {
    return isSaved(this.persistedClock, this.doc)
  }
}
