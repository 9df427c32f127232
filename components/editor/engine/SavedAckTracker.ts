import type * as decoding from 'lib0/decoding'
import type * as Y from 'yjs'
import { encodeSavedRequest, isSaved, readPersistedVector } from './savedAck'

/**
 * Whether the server has stored every edit this document holds (this tab's,
 * and those of earlier tabs kept in the local copy), from its saved
 * acknowledgements (docs/sync-protocol.md, "Saved acknowledgements").
 *
 * @example
 * const saved = new SavedAckTracker(doc)
 * socket.send(saved.request())            // on every new socket
 * saved.receive(decoder)                  // on every type-100 answer
 * saved.isSaved()                         // after any local edit or answer
 */
export class SavedAckTracker {
  /** The server's persisted state vector; null until this socket's first answer. */
  private persisted: Map<number, number> | null = null

  constructor(private readonly doc: Y.Doc) {}

  /**
   * A new socket: forget what the previous one was told (the server may have
   * restarted, or not stored what it had) and return the request to send.
   */
  request(): Uint8Array {
    this.persisted = null
    return encodeSavedRequest()
  }

  /** An answer arrived; its type byte was already read. */
  receive(decoder: decoding.Decoder): void {
    this.persisted = readPersistedVector(decoder)
  }

  /** The server's stored state vector from this socket's last answer, if any. */
  storedVector(): Map<number, number> | null {
    return this.persisted
  }

  isSaved(): boolean {
    return isSaved(this.persisted, this.doc)
  }
}
