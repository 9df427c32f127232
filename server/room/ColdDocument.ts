/**
 * A room's stored bytes, kept as bytes until something needs the live
 * document. Turning a large document into a Y.Doc costs tens of milliseconds
 * and several times its encoded size in memory; a fresh client opening it
 * needs only the bytes. So a cold room answers fresh clients from these and
 * builds the document only when a write or anything else needs it. Once
 * built, the bytes are dropped.
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { StoredDocument } from '../persistence/DocumentStore'

export class ColdDocument {
  /** The snapshot (if any) and the logged updates; null once the document is built. */
  private updates: Uint8Array[] | null
  /** Worked out on first need (a cold room's sync step 1, a saved-ack subscriber). */
  private stateVector: Uint8Array | null = null
  private readonly snapshotStateVector: Uint8Array | null
  /** Log entries among `updates` as loaded (the log cannot grow while the room is cold: writes build it first). */
  private readonly logLength: number

  constructor(stored: Pick<StoredDocument, 'updates' | 'snapshotStateVector' | 'logLength'>) {
    this.updates = stored.updates
    this.snapshotStateVector = stored.snapshotStateVector
    this.logLength = stored.logLength
  }

  /** True while the document has not been built: the stored bytes are all there is. */
  get isCold(): boolean {
    return this.updates !== null
  }

  /** The stored state is one update (a snapshot alone, or one row): it can be handed out as it is, no merge. */
  get isSingleUpdate(): boolean {
    return this.updates !== null && this.updates.length <= 1
  }

  /** Nothing was ever stored (a new document is built at once: there is nothing to save by waiting). */
  get isEmpty(): boolean {
    return this.updates !== null && this.updates.length === 0
  }

  /**
   * The stored state's vector without building the document: the snapshot's
   * own (saved with it) merged with each logged update's, or, lacking the
   * former, read off the merged bytes. Only while cold.
   */
  getStateVector(): Uint8Array {
    if (this.stateVector) return this.stateVector
    const stored = this.updates ?? []
    const snapshotVector = this.snapshotStateVector
    if (snapshotVector && stored.length === 1 + this.logLength) {
      const clocks = Y.decodeStateVector(snapshotVector)
      for (const update of stored.slice(1)) {
        for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update))) {
          if (clock > (clocks.get(client) ?? 0)) clocks.set(client, clock)
        }
      }
      this.stateVector = Y.encodeStateVector(clocks)
    } else {
      this.stateVector = Y.encodeStateVectorFromUpdate(this.asOneUpdate())
    }
    return this.stateVector
  }

  /** The stored state as one update, merged once and kept. Only while cold. */
  asOneUpdate(): Uint8Array {
    const stored = this.updates ?? []
    if (stored.length === 1) return stored[0]
    const merged = Y.mergeUpdates(stored)
    this.updates = [merged]
    return merged
  }

  /** Builds the live document from the stored bytes and lets go of them. */
  build(log: Logger): Y.Doc {
    const doc = buildDocument(this.updates ?? [], log)
    this.updates = null
    return doc
  }
}

/** A Y.Doc holding `updates`, applied in order in one transaction. */
export function buildDocument(updates: readonly Uint8Array[], log: Logger): Y.Doc {
  const doc = new Y.Doc()
  Y.transact(doc, () => {
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update)
      } catch (error) {
        // Never refuse the whole document for one bad row; keep the rest and say so loudly.
        log.error({ err: error }, 'skipping a stored update that does not apply')
      }
    }
  })
  return doc
}
