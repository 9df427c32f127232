/**
 * Where an update goes once the room's document has accepted it: into the
 * next broadcast to the other peers, to the same room on other instances,
 * into the store's queue with its author, and towards the next automatic
 * version. Then, once a batch of the room's writes is stored: the log's
 * length for compaction, the saved acknowledgements, and the edit report
 * for the client whose edit it was.
 */
import type { PersistTarget } from '../PersistQueue'
import { authorOf } from './authorship'
import type { AutoVersions } from './AutoVersions'
import type { Broadcaster } from './Broadcaster'
import type { Compaction } from './Compaction'
import type { EditSink, PersistSink, RoomFanout, UpdateOrigin } from './deps'
import type { SavedAcks } from './SavedAcks'

/** What an accepted update and a stored write reach. */
export interface UpdateFlowParts {
  /** Stored updates are queued for this target (the room: PersistQueue asks it for its state vector). */
  target: PersistTarget
  broadcaster: Pick<Broadcaster, 'queueUpdate'>
  fanout: RoomFanout
  persistQueue: Pick<PersistSink, 'enqueue'>
  versions: Pick<AutoVersions, 'changed'> | null
  compaction: Pick<Compaction, 'written'>
  saved: Pick<SavedAcks, 'written'>
  /** Edit reports (EDIT_WEBHOOK_URL); none when unset. */
  edits: EditSink | undefined
}

/** What PersistQueue tells a target once its writes are stored. */
export interface StoredWrite {
  lastSeq: number
  count: number
  stateVector: Uint8Array | null
}

export class UpdateFlow {
  /** The user of the latest client update not yet reported as stored (EditSink). */
  private unreportedWriter: string | null = null

  constructor(
    private readonly docId: string,
    private readonly parts: UpdateFlowParts,
  ) {}

  /**
   * Sends on one update the document accepted. `claimed` and `mergeable`
   * decide whether the broadcaster may merge it with others (claimedClocks.ts).
   */
  accepted(update: Uint8Array, origin: UpdateOrigin, claimed: readonly number[], mergeable: boolean): void {
    const { broadcaster, fanout, persistQueue, versions } = this.parts
    broadcaster.queueUpdate(update, origin.source === 'client' ? origin.peer : null, claimed, mergeable)
    // Another instance stored and published it already.
    if (origin.source === 'fanout') return
    if (fanout.shared) fanout.publish(this.docId, { kind: 'update', update })
    persistQueue.enqueue(this.parts.target, update, authorOf(origin))
    versions?.changed()
    if (origin.source === 'client') this.unreportedWriter = origin.peer.sub
  }

  /** A batch of this room's writes is stored. Returns whether the log is due a fold (Compaction). */
  stored({ lastSeq, count, stateVector }: StoredWrite): boolean {
    const due = this.parts.compaction.written(lastSeq, count)
    this.parts.saved.written(stateVector)
    // The other instances' clients of this room are told too (SAVED-2: whoever made the write).
    if (stateVector && this.parts.fanout.shared) this.parts.fanout.publish(this.docId, { kind: 'stored', stateVector })
    // A client's edit is stored (or one written in the same batch): the web app's list may say so (EVENTS-1).
    if (this.unreportedWriter !== null) {
      this.parts.edits?.stored(this.docId, this.unreportedWriter)
      this.unreportedWriter = null
    }
    return due
  }
}
