/**
 * A room's traffic with the same room on other instances (fanout/): their
 * updates and presence applied here, and "send me what I lack" requests,
 * asked after loading and after a relay outage and answered with the
 * difference. Whole-document operations (deletion, access changes) are not
 * room traffic: documents.ts owns them.
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { encodeAwarenessUpdate } from '../AwarenessStore'
import type { RoomTrafficMessage } from '../fanout/Fanout'
import { isEmptyUpdate } from '../protocol'
import type { RoomFanout, UpdateOrigin } from './deps'
import { encodeIntegrated, encodePending, hasPending } from './documentParts'
import type { Presence } from './Presence'
import type { SavedAcks } from './SavedAcks'

/** The room as cross-instance traffic needs it. */
export interface CrossInstanceRoom {
  readonly docId: string
  readonly doc: Y.Doc
  applyUpdate(update: Uint8Array, origin: UpdateOrigin): boolean
}

export class CrossInstance {
  constructor(
    private readonly room: CrossInstanceRoom,
    private readonly presence: Presence,
    private readonly saved: Pick<SavedAcks, 'storedElsewhere'>,
    private readonly fanout: RoomFanout,
    private readonly log: Logger,
  ) {}

  /** A message another instance published for this room. */
  handle(message: RoomTrafficMessage): void {
    switch (message.kind) {
      case 'update':
        this.applyFromElsewhere(message.update)
        return
      case 'awareness':
        this.presence.applyFromElsewhere(message.update)
        return
      case 'sync-request':
        this.answerSyncRequest(message.stateVector)
        return
      case 'stored':
        this.saved.storedElsewhere(message.stateVector)
        return
    }
  }

  /**
   * Asks the other instances for what this room lacks (sent after loading and
   * after a relay outage): an update published between our store read and our
   * subscription would otherwise never reach us.
   */
  requestSync(): void {
    if (this.fanout.shared) this.fanout.publish(this.room.docId, { kind: 'sync-request', stateVector: Y.encodeStateVector(this.room.doc) })
  }

  /** Applies stored or relayed content that was already stored and published elsewhere. */
  applyFromElsewhere(update: Uint8Array): void {
    try {
      this.room.applyUpdate(update, { source: 'fanout' })
    } catch (error) {
      this.log.error({ err: error }, 'dropping an undecodable update from another instance')
    }
  }

  private answerSyncRequest(theirStateVector: Uint8Array): void {
    let theirs: Map<number, number>
    try {
      theirs = Y.decodeStateVector(theirStateVector)
    } catch {
      return
    }
    const { docId, doc } = this.room
    const diff = encodeIntegrated(doc, theirStateVector)
    if (!isEmptyUpdate(diff)) this.fanout.publish(docId, { kind: 'update', update: diff })
    // Apart from the rest, as to a joiner (documentParts.ts).
    const pending = hasPending(doc) ? encodePending(doc, theirStateVector) : null
    if (pending) this.fanout.publish(docId, { kind: 'update', update: pending })
    const states = this.presence.localStates()
    if (states.length > 0) this.fanout.publish(docId, { kind: 'awareness', update: encodeAwarenessUpdate(states) })
    // They may hold what we lack (their clients edited while we were cut off): ask in turn.
    const ours = Y.encodeStateVector(doc)
    const ourClocks = Y.decodeStateVector(ours)
    for (const [client, clock] of theirs) {
      if (clock > (ourClocks.get(client) ?? 0)) {
        this.fanout.publish(docId, { kind: 'sync-request', stateVector: ours })
        return
      }
    }
  }
}
