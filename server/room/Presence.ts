/**
 * A room's presence (awareness): who owns which client ID, relayed to the
 * room's peers and, when shared, to the other instances. A peer can neither
 * erase nor impersonate another's presence (AwarenessStore, and every state
 * bound to its token: presenceIdentity.ts), its states are bounded in size
 * and number, and they are removed for everyone when it leaves.
 */
import type { Logger } from 'pino'
import {
  AwarenessStore,
  DEFAULT_MAX_AWARENESS_BYTES,
  DEFAULT_MAX_AWARENESS_CLIENTS,
  decodeAwarenessUpdate,
  decodeAwarenessWithStates,
  encodeAwarenessUpdate,
  type AwarenessEntry,
} from '../AwarenessStore'
import type { Broadcaster } from './Broadcaster'
import type { PresenceLimits, RoomFanout } from './deps'
import type { Peer } from './Peer'
import { bindToIdentity } from './presenceIdentity'

/** The owner standing for every client of other instances. */
const REMOTE = 'remote'

export class Presence {
  private readonly awareness: AwarenessStore<Peer | typeof REMOTE>

  constructor(
    private readonly docId: string,
    private readonly broadcaster: Broadcaster,
    private readonly fanout: RoomFanout,
    private readonly log: Logger,
    private readonly limits: PresenceLimits = { maxAwarenessBytes: DEFAULT_MAX_AWARENESS_BYTES, maxAwarenessClients: DEFAULT_MAX_AWARENESS_CLIENTS },
  ) {
    this.awareness = new AwarenessStore<Peer | typeof REMOTE>({ remoteOwner: REMOTE, maxClientsPerOwner: limits.maxAwarenessClients })
  }

  /** Every present state (for a joiner, or a query-awareness message). */
  presentStates(): AwarenessEntry[] {
    return this.awareness.presentStates()
  }

  /** Present states of this instance's own peers (to tell another instance that asks). */
  localStates(): AwarenessEntry[] {
    return this.awareness.localStates()
  }

  /**
   * A peer's awareness message. Throws SyncError: 1002 when malformed, 1009
   * for a state over the size limit, 1008 for one client ID too many.
   */
  applyFromPeer(peer: Peer, update: Uint8Array): void {
    const entries = decodeAwarenessWithStates(update, this.limits.maxAwarenessBytes)
    const accepted = this.awareness.apply(peer, entries, (entry) => bindToIdentity(entry, peer))
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
