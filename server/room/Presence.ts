/**
 * A room's presence (awareness): who owns which client ID, relayed to the
 * room's peers and, when shared, to the other instances. A peer can neither
 * erase nor impersonate another's presence (AwarenessStore), and a peer's
 * states are removed for everyone when it leaves.
 */
import type { Logger } from 'pino'
import { AwarenessStore, decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from '../AwarenessStore'
import type { Broadcaster } from './Broadcaster'
import type { RoomFanout } from './deps'
import type { Peer } from './Peer'

/** The owner standing for every client of other instances. */
const REMOTE = 'remote'

export class Presence {
  private readonly awareness = new AwarenessStore<Peer | typeof REMOTE>({ remoteOwner: REMOTE })

  constructor(
    private readonly docId: string,
    private readonly broadcaster: Broadcaster,
    private readonly fanout: RoomFanout,
    private readonly log: Logger,
  ) {}

  /** Every present state (for a joiner, or a query-awareness message). */
  presentStates(): AwarenessEntry[] {
    return this.awareness.presentStates()
  }

  /** Present states of this instance's own peers (to tell another instance that asks). */
  localStates(): AwarenessEntry[] {
    return this.awareness.localStates()
  }

  /** A peer's awareness message. Throws SyncError (1002) when malformed. */
  applyFromPeer(peer: Peer, update: Uint8Array): void {
    const accepted = this.awareness.apply(peer, decodeAwarenessUpdate(update))
    if (accepted.length > 0) this.relay(accepted, peer)
  }

  /** The peer left: its states are removed for everyone. */
  removePeer(peer: Peer): void {
    const removals = this.awareness.removeOwner(peer)
    if (removals.length > 0) this.relay(removals, null)
  }

  /** Presence another instance relayed: shown to our peers, never published again. */
  applyFromElsewhere(update: Uint8Array): void {
    let entries: AwarenessEntry[]
    try {
      entries = decodeAwarenessUpdate(update)
    } catch {
      this.log.error('dropping a malformed awareness update from another instance')
      return
    }
    const accepted = this.awareness.apply(REMOTE, entries)
    if (accepted.length > 0) this.broadcaster.queueAwareness(accepted, null)
  }

  private relay(entries: AwarenessEntry[], origin: Peer | null): void {
    this.broadcaster.queueAwareness(entries, origin)
    if (this.fanout.shared) this.fanout.publish(this.docId, { kind: 'awareness', update: encodeAwarenessUpdate(entries) })
  }
}
