/**
 * A room's document through its life: the stored bytes while it is cold
 * (ColdDocument), the live Y.Doc once something needs it, a rebuilt Y.Doc in
 * place of one an update broke (DocumentRebuild), and bytes again once it has
 * been quiet long enough (`cool`, Cooling.ts). It also applies
 * updates, since telling whether an update changed anything needs a
 * listener on whichever Y.Doc is current.
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { StoredDocument } from '../persistence/DocumentStore'
import { ColdDocument } from './ColdDocument'
import type { UpdateOrigin } from './deps'
import { encodeSyncStep2FromUpdate } from '../protocol'
import { encodeIntegrated, hasPending } from './documentParts'

/** Told when the live document is built from what is stored (SavedAcks: all of it is durable). */
export interface BuiltListener {
  documentBuilt(doc: Y.Doc): void
}

/**
 * What applying one update did:
 * - `unchanged`: nothing new (a duplicate), so it is neither stored nor relayed;
 * - `mergeable`: it changed the document and the document holds nothing back,
 *   so it may be merged with other updates (claimedClocks.ts);
 * - `apart`: it changed the document, or is held as pending: stored and
 *   relayed, never merged;
 * - `failed`: it threw inside Yjs, maybe after part of it was integrated:
 *   the document must be rebuilt without it.
 */
export type ApplyResult = 'unchanged' | 'mergeable' | 'apart' | 'failed'

export class LiveDocument {
  /** The stored bytes (or, after `cool`, the document's own); they answer while the room is cold. */
  private coldDocument: ColdDocument
  /** The live document; null while the room still holds only its stored bytes. */
  private liveDoc: Y.Doc | null = null
  /** Bumped by every transaction that changed the document (see `apply`). */
  private changeCount = 0
  /** The last fresh client's sync step 2, and what it was encoded from (see `freshClientStep2`). */
  private sharedStep2: { source: Y.Doc | null; changes: number; frame: WeakRef<Buffer> } | null = null

  constructor(
    stored: StoredDocument,
    private readonly log: Logger,
    private readonly built: BuiltListener,
  ) {
    this.coldDocument = new ColdDocument(stored)
  }

  /** The document as bytes: what answers while the room is cold. */
  get cold(): ColdDocument {
    return this.coldDocument
  }

  /** The live document, built from the stored bytes on first use. */
  get doc(): Y.Doc {
    return this.liveDoc ?? this.materialize()
  }

  /** The live document if it is built; null while cold (nothing is built for the asker). */
  get current(): Y.Doc | null {
    return this.liveDoc
  }

  /**
   * The whole document as one update: the stored bytes while cold, if they are
   * one update already. Parts that still wait for missing dependencies are not
   * in it: merged in, they could cut short what a reader gets (documentParts.ts).
   */
  encodeState(): Uint8Array {
    return this.cold.isCold && this.cold.isSingleUpdate ? this.cold.asOneUpdate() : encodeIntegrated(this.doc)
  }

  /**
   * Sync step 2 for a client that holds nothing: the whole integrated
   * document (the single stored update while cold), framed once per change
   * of the document and shared by every fresh joiner until the next change,
   * instead of encoded and copied per joiner (a join storm on a large
   * document, issue 11). Keyed on the document it was encoded from and
   * `changeCount`, which every transaction that changed the document bumps;
   * a cold room's bytes cannot change while cold (writes build it first).
   * What waits for missing dependencies is never in it (documentParts.ts).
   * Held weakly: sockets keep it while they write it, and once all have,
   * an idle room holds no second copy of its document.
   */
  freshClientStep2(): Buffer {
    const source = this.cold.isCold && this.cold.isSingleUpdate ? null : this.doc
    const shared = this.sharedStep2
    if (shared && shared.source === source && shared.changes === this.changeCount) {
      const frame = shared.frame.deref()
      if (frame) return frame
    }
    const encoded = encodeSyncStep2FromUpdate(source === null ? this.cold.asOneUpdate() : encodeIntegrated(source))
    const frame = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength)
    this.sharedStep2 = { source, changes: this.changeCount, frame: new WeakRef(frame) }
    return frame
  }

  /** The stored state vector while the room is cold, else null (SavedAcksSource). */
  coldStateVector(): Uint8Array | null {
    return this.cold.isCold ? this.cold.getStateVector() : null
  }

  /** Builds the live document from the stored bytes, unless it is built already. */
  materialize(): Y.Doc {
    if (this.liveDoc) return this.liveDoc
    const doc = this.adopt(this.coldDocument.build(this.log))
    this.built.documentBuilt(doc)
    return doc
  }

  /**
   * Applies one update that decoded (readValidUpdate) to the live document,
   * built first if need be. A throw inside Yjs is logged and answered with
   * `failed`; a failure to build the document is thrown as it is.
   */
  apply(update: Uint8Array, origin: UpdateOrigin): ApplyResult {
    const doc = this.doc
    const { pendingStructs, pendingDs } = doc.store
    const changesBefore = this.changeCount
    try {
      Y.applyUpdate(doc, update, origin)
    } catch (error) {
      this.log.warn({ err: error, source: origin.source }, 'an update failed inside Yjs: rebuilding the document without it')
      return 'failed'
    }
    // An update whose dependencies are missing is held as pending, changing nothing yet;
    // it must still be stored and relayed, or receivers could never apply what depends on it.
    const store = doc.store
    const changed = this.changeCount !== changesBefore || store.pendingStructs !== null || store.pendingDs !== null
    if (!changed) return 'unchanged'
    // Merged with others only into a document that holds nothing back: a merge is what applying the updates in
    // turn gives only when every one of them integrates whole (claimedClocks.ts). Typing always does.
    return pendingStructs === null && pendingDs === null && !hasPending(doc) ? 'mergeable' : 'apart'
  }

  /**
   * Drops the live document and keeps it as one encoded update instead, as
   * if just loaded. Only a document that holds nothing back (no update
   * waiting for missing parts: those are kept only in the Y.Doc) goes cold;
   * the caller makes sure everything in it is stored (so the bytes are
   * exactly what the store holds, as SavedAcks assumes of a cold room).
   * Returns whether it went cold.
   */
  cool(): boolean {
    const doc = this.liveDoc
    if (!doc || doc.store.pendingStructs !== null || doc.store.pendingDs !== null || hasPending(doc)) return false
    this.coldDocument = new ColdDocument({ updates: [encodeIntegrated(doc)], snapshotStateVector: null, logLength: 0 })
    this.liveDoc = null
    this.sharedStep2 = null
    doc.destroy()
    return true
  }

  /** The rebuilt document replaces the one an update broke; the broken one is dropped. */
  replace(rebuilt: Y.Doc): void {
    const broken = this.liveDoc
    // Its shared step 2 would keep the broken document reachable until the next fresh joiner.
    this.sharedStep2 = null
    this.adopt(rebuilt)
    broken?.destroy()
  }

  destroy(): void {
    this.sharedStep2 = null
    this.liveDoc?.destroy()
  }

  private adopt(doc: Y.Doc): Y.Doc {
    this.liveDoc = doc
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.deleteSet.clients.size > 0 || stateAdvanced(transaction)) this.changeCount++
    })
    return doc
  }
}

function stateAdvanced(transaction: Y.Transaction): boolean {
  const { beforeState, afterState } = transaction
  if (afterState.size !== beforeState.size) return true
  for (const [client, clock] of afterState) {
    if (beforeState.get(client) !== clock) return true
  }
  return false
}
