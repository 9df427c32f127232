/**
 * A room's view of its stored log: how long it is and the last entry this
 * room knows was written, and folding it into one snapshot once it is long
 * (after `compactAfterUpdates` entries, and when the room unloads).
 *
 * The store folds what it holds, so entries other instances appended are
 * kept; entries appended later keep their place (DocumentStore.compact).
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { StoredDocument } from '../persistence/DocumentStore'
import { foldUpdates } from '../persistence/foldUpdates'
import type { CompactingStore } from './deps'
import { hasPending } from './documentParts'

export interface CompactionOptions {
  store: CompactingStore
  /** Other instances write to this document too (then the stored rows are folded, not our copy). */
  shared: boolean
  compactAfterUpdates: number
  log: Logger
}

export class Compaction {
  private lastSeq: number
  private logLength: number
  private running: Promise<void> | null = null

  constructor(
    private readonly docId: string,
    stored: StoredDocument,
    private readonly options: CompactionOptions,
  ) {
    this.lastSeq = stored.lastSeq
    this.logLength = stored.logLength
  }

  /** A write of `count` entries committed, the last with sequence number `lastSeq`. Returns whether the log is due a fold. */
  written(lastSeq: number, count: number): boolean {
    this.lastSeq = Math.max(this.lastSeq, lastSeq)
    this.logLength += count
    return this.logLength >= this.options.compactAfterUpdates
  }

  /** The fold in progress, if any. */
  get inProgress(): Promise<void> {
    return this.running ?? Promise.resolve()
  }

  /**
   * Folds the stored log into one snapshot, up to the last entry this room
   * knows was written. `liveDoc` gives the room's document when it is built
   * and sound, asked when the fold runs; null means "fold the stored rows".
   */
  run(liveDoc: () => Y.Doc | null): Promise<void> {
    if (this.running || this.logLength === 0) return this.inProgress
    const compactedEntries = this.logLength
    const { log, store } = this.options
    const foldRows = (updates: Uint8Array[]) => foldUpdates(updates, (error) => log.error({ err: error }, 'skipping a stored update that does not apply'))
    // Alone, this instance wrote every stored row from this very document, so the live document
    // already is their fold (no rebuild on the event loop). With other instances, fold the rows.
    const fold = this.options.shared
      ? foldRows
      : (updates: Uint8Array[]) => {
          const doc = liveDoc()
          if (!doc) return foldRows(updates)
          // Parts waiting for missing dependencies do not fold safely into one update (documentParts.ts): keep the rows.
          if (hasPending(doc)) return null
          return { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) }
        }
    this.running = store
      .compact(this.docId, this.lastSeq, fold)
      .then(() => {
        // Also when the fold declined (pending parts): the next try waits for as many new entries.
        this.logLength -= compactedEntries
      })
      .catch((error) => log.error({ err: error }, 'compaction failed; the log is kept'))
      .finally(() => {
        this.running = null
      })
    return this.running
  }
}
