/**
 * The room's answers to one peer (docs/sync-protocol.md, "Wire protocol"):
 * what a joiner is sent, and what each message a peer sends gets back. Sync
 * step 1 is answered from the stored bytes while the room is cold and the
 * client is fresh, else from the live document; updates go to the room,
 * which applies, stores and relays them.
 *
 * While the document is being rebuilt (DocumentRebuild) nothing is
 * answered: joins and frames wait, in order, until it is back.
 */
import { CloseCode } from '../../lib/closeCodes'
import { encodeAwarenessUpdate } from '../AwarenessStore'
import { decodeStateVectorStrict, encodeAwarenessMessage, encodePermissionDenied, readMessage } from '../protocol'
import { encodeSyncStep1, encodeSyncStep1FromStateVector, encodeSyncStep2FromUpdate, encodeUpdateMessage } from '../protocol'
import type { Broadcaster } from './Broadcaster'
import type { UpdateOrigin } from './deps'
import type { DocumentRebuild } from './DocumentRebuild'
import { encodeIntegrated, encodePending, hasPending } from './documentParts'
import type { LiveDocument } from './LiveDocument'
import { handlePeerFrame, type Peer, type PeerRoom } from './Peer'
import { READ_ONLY_REASON } from './peerAccess'
import type { Presence } from './Presence'
import type { SavedAcks } from './SavedAcks'

/** The room as a peer's messages need it: a held frame goes back through `handlePeerFrame`. */
export interface PeerMessagesRoom extends PeerRoom {
  /** Validates, applies, stores and relays one update (Room.applyUpdate). */
  applyUpdate(update: Uint8Array, origin: UpdateOrigin): boolean
}

/** The room's parts the answers read and write. */
export interface PeerMessageParts {
  /** The peers in the room: a late answer goes only to a peer still among them. */
  peers: ReadonlySet<Peer>
  rebuild: Pick<DocumentRebuild, 'active' | 'defer'>
  document: Pick<LiveDocument, 'cold' | 'doc' | 'freshClientStep2'>
  broadcaster: Pick<Broadcaster, 'sendTo'>
  presence: Pick<Presence, 'presentStates' | 'applyFromPeer'>
  saved: Pick<SavedAcks, 'subscribe'>
}

export class PeerMessages {
  constructor(
    private readonly room: PeerMessagesRoom,
    private readonly parts: PeerMessageParts,
  ) {}

  /** Greets a peer that joined: now, or once the document is back. */
  join(peer: Peer): void {
    const { rebuild, peers } = this.parts
    if (rebuild.active) {
      rebuild.defer(() => {
        if (peers.has(peer)) this.greet(peer)
      })
      return
    }
    this.greet(peer)
  }

  /** Answers one binary frame from `peer`. Throws SyncError for bad input; the transport closes `peer`. */
  handle(peer: Peer, frame: Uint8Array): void {
    const { rebuild, peers } = this.parts
    if (rebuild.active) {
      // Handled, in order, once the document is back (its own failure then closes the peer as usual).
      const held = rebuild.defer(() => {
        if (peers.has(peer)) handlePeerFrame(this.room, peer, frame)
      }, frame.length)
      if (!held) peer.close(CloseCode.TryAgainLater, 'document is being recovered')
      return
    }
    this.answer(peer, frame)
  }

  /** What a joiner is sent: sync step 1, everyone's presence, and for a reader the read-only notice. */
  private greet(peer: Peer): void {
    const { document, broadcaster, presence } = this.parts
    // A cold room states what it holds without building the document (ColdDocument.getStateVector).
    const step1 = document.cold.isCold ? encodeSyncStep1FromStateVector(document.cold.getStateVector()) : encodeSyncStep1(document.doc)
    broadcaster.sendTo(peer, step1)
    const states = presence.presentStates()
    if (states.length > 0) broadcaster.sendTo(peer, encodeAwarenessMessage(encodeAwarenessUpdate(states)))
    if (!peer.canWrite) broadcaster.sendTo(peer, encodePermissionDenied(READ_ONLY_REASON))
  }

  private answer(peer: Peer, frame: Uint8Array): void {
    const { broadcaster, presence, saved, peers } = this.parts
    const message = readMessage(frame)
    switch (message.type) {
      case 'sync-step1':
        this.answerSyncStep1(peer, message.stateVector)
        return
      case 'sync-update':
        // A read-only peer's document updates are never applied nor relayed (docs/sync-protocol.md, "Wire protocol").
        if (!peer.canWrite) return
        this.room.applyUpdate(message.update, { source: 'client', peer })
        return
      case 'awareness':
        presence.applyFromPeer(peer, message.update)
        return
      case 'query-awareness':
        broadcaster.sendTo(peer, encodeAwarenessMessage(encodeAwarenessUpdate(presence.presentStates())))
        return
      case 'saved':
        saved.subscribe(peer)
        return
      case 'refresh-token':
        void peer.renewToken(message.token).then((renewed) => {
          if (renewed?.couldWrite && !peer.canWrite && peers.has(peer)) {
            broadcaster.sendTo(peer, encodePermissionDenied(READ_ONLY_REASON))
          }
        })
        return
      case 'auth':
        return
    }
  }

  /** Sync step 2 for a client that holds `stateVector`: what it lacks, what waits for dependencies apart. */
  private answerSyncStep1(peer: Peer, stateVector: Uint8Array): void {
    const { document, broadcaster } = this.parts
    const theirs = decodeStateVectorStrict(stateVector)
    // Several stored rows would have to be merged, and a merge is not always what applying them in turn
    // gives (room/documentParts.ts): then the document is built and answers.
    if (document.cold.isCold && theirs.size === 0 && document.cold.isSingleUpdate) {
      // A fresh client on a cold room: the stored bytes are exactly what it lacks. The document is
      // not built for it: readers of a large document then never cost its Y.Doc (a join storm,
      // issue 11), and the first write builds it, as after the room went cold (Cooling.ts).
      broadcaster.sendTo(peer, document.freshClientStep2())
      return
    }
    const doc = document.doc
    // A fresh client gets the frame every fresh client gets until the document changes (LiveDocument.freshClientStep2).
    broadcaster.sendTo(peer, theirs.size === 0 ? document.freshClientStep2() : encodeSyncStep2FromUpdate(encodeIntegrated(doc, stateVector)))
    // What waits for missing dependencies goes apart, after the rest (documentParts.ts).
    const pending = hasPending(doc) ? encodePending(doc, stateVector) : null
    if (pending) broadcaster.sendTo(peer, encodeUpdateMessage(pending))
  }
}
