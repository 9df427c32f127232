/**
 * The seam between a room and a transport. A room sees each client only as a
 * `Peer`; a transport (today the WebSocket `Connection`; later an HTTP
 * session: events down, POSTed frames up) implements `Peer` and talks to the
 * room through `PeerRoom`. Nothing in `server/room/` knows about sockets.
 *
 * A transport's duties, so that each of its sessions is "a connection in
 * every respect":
 * 1. Authorise before it exists (authorize.ts), hold the room while joining
 *    (RoomRegistry.acquire/release), then `room.join(peer)`.
 * 2. Give every frame received to `handlePeerFrame` after its own checks
 *    (binary only, the rate bucket): a bad frame closes that peer only.
 * 3. Keep `send` bounded (drop a receiver that cannot keep up).
 * 4. Once it is gone, `room.leave(peer)`, exactly once.
 */
import type { Logger } from 'pino'
import type { AccessLevel, TokenAccess } from '../../lib/access'
import { CloseCode } from '../../lib/closeCodes'
import { SyncError } from '../SyncError'

/** One client of a room, as the room sees it. */
export interface Peer {
  /** For log lines only. */
  readonly id: number
  /** The token's user id: access changes are addressed to it, and presence is bound to it. */
  readonly sub: string
  /** The token's display name, if it has one (presence is bound to it). A fresh token may change it. */
  readonly name: string | undefined
  /** What the token grants. An access change can lower `access` below it, never raise it above. */
  readonly tokenAccess: TokenAccess
  /** The token's `iat` (seconds): access changes and deletions up to then cap it. */
  readonly tokenIssuedAt: number
  /** Effective access now; the room lowers it on an access change. */
  access: AccessLevel
  /** `access` allows writing (read on every update received: keep it cheap). */
  readonly canWrite: boolean
  /**
   * Queues one frame. Returns false when the peer is closed or was just
   * dropped for being too slow. `onWritten` runs once the frame has left the
   * process (the room builds a cold document only then).
   */
  send(frame: Buffer, onWritten?: () => void): boolean
  /** Closes this peer with a WebSocket close code (lib/closeCodes.ts); idempotent. */
  close(code: number, reason: string): void
  /**
   * The client sent a fresh token for this connection (message type 101).
   * The transport checks it, as it checked the first: then the peer's token,
   * expiry and access are the new one's, or it is closed with 4401. Resolves
   * with whether the peer could write before (the room then tells it if it
   * no longer can), or null when the token was refused.
   */
  renewToken(token: string): Promise<{ couldWrite: boolean } | null>
}

/** A room as a transport sees it. */
export interface PeerRoom {
  readonly docId: string
  readonly log: Logger
  /** Sends the peer what a joiner gets (sync step 1, presence, the read-only notice). */
  join(peer: Peer): void
  /** Handles one binary frame; throws SyncError for bad input (use `handlePeerFrame`). */
  handleMessage(peer: Peer, frame: Uint8Array): void
  /** The peer is gone: its presence is removed for everyone. */
  leave(peer: Peer): void
}

/**
 * Hands one frame to the room and turns a failure into that peer's close:
 * its SyncError's code for bad input (1002 and the like), 1011 for our own
 * fault. One bad frame never touches the room or any other peer
 * (docs/sync-protocol.md, "Bad input").
 */
export function handlePeerFrame(room: PeerRoom, peer: Peer, frame: Uint8Array): void {
  try {
    room.handleMessage(peer, frame)
  } catch (error) {
    if (error instanceof SyncError) {
      room.log.warn({ connId: peer.id, reason: error.message }, 'bad input, closing connection')
      peer.close(error.closeCode, error.message)
    } else {
      room.log.error({ err: error, connId: peer.id }, 'failed to handle a message')
      peer.close(CloseCode.InternalError, 'internal error')
    }
  }
}
