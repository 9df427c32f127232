/**
 * The WebSocket transport: one `ws` socket as a room's `Peer`. It owns the
 * socket's listeners, the heartbeat, the rate bucket, the bounded send buffer
 * and every close, and it alone writes its state; the room sees only the
 * `Peer` interface (room/Peer.ts).
 *
 * Life: `open()` wires the listeners and joins the room → frames go through
 * the checks below to the room → the socket closes (by either side, or
 * terminated for a missed pong or a full send buffer, or closed with 4401
 * once its token expires unless a fresh one came first) → the room is left,
 * once, and the server is told.
 */
import type { Logger } from 'pino'
import type { RawData } from 'ws'
import { canWrite, type AccessLevel, type TokenAccess } from '../lib/access'
import { CloseCode } from '../lib/closeCodes'
import { RateBucket } from './RateBucket'
import { handlePeerFrame, type Peer, type PeerRoom } from './room/Peer'

/** The part of a `ws` WebSocket the server uses; a unit test passes anything shaped like it. */
export interface SocketLike {
  readonly readyState: number
  readonly bufferedAmount: number
  send(data: Uint8Array, onWritten?: (error?: Error) => void): void
  close(code?: number, reason?: string): void
  terminate(): void
  ping(): void
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): unknown
  on(event: 'pong' | 'close', listener: () => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

const OPEN = 1

export const ConnState = { Live: 'live', Closed: 'closed' } as const
export type ConnState = (typeof ConnState)[keyof typeof ConnState]

export interface ConnectionIdentity {
  sub: string
  name?: string
  /** What the token grants. An access change can lower `access` below it, never raise it above. */
  tokenAccess: TokenAccess
  /** Effective access now. */
  access: AccessLevel
  /** The token's `iat` and `exp`, in seconds. */
  issuedAt: number
  expiresAt: number
}

/** A fresh token, judged as an upgrade judges one (authorize.ts): the identity it gives, or why not. */
export type RenewalResult = { ok: true; identity: ConnectionIdentity } | { ok: false; reason: string }

export interface ConnectionLimits {
  maxMessagesPerSecond: number
  maxBufferedBytes: number
}

/** What every connection of one server shares: made once per server, never per connection. */
export interface ConnectionContext {
  limits: ConnectionLimits
  metrics: { recordReceived(frameBytes: number): void }
  /** Checks a fresh token a client sent for `docId` (message type 101). */
  authorizeRenewal(docId: string, token: string): Promise<RenewalResult>
  /** The socket closed and the room was left. */
  onClosed(conn: Connection): void
}

let nextConnectionId = 1

export class Connection implements Peer {
  readonly id = nextConnectionId++
  readonly sub: string
  private tokenName: string | undefined
  private grantedAccess: TokenAccess
  private issuedAt: number
  /** When the token expires, in seconds: the server's sweep closes the connection then (`closeIfExpired`). */
  private expiresAt: number
  /** Bumped per fresh token received: only the latest one's verdict counts. */
  private renewals = 0
  /**
   * Frames that came after a fresh token, held until it is judged (in
   * order): what a client sends after its new token is judged under it.
   * Bounded by the rate bucket, and a check takes well under a millisecond.
   */
  private heldForRenewal: Buffer[] | null = null
  access: AccessLevel
  private connState: ConnState = ConnState.Live
  /** Heartbeat: cleared on each ping, set by a pong or any message. */
  private isAlive = true
  private readonly rate: RateBucket
  private readonly limits: ConnectionLimits
  /** The room's logger, not a child per connection: connections are many, and each child costs memory. */
  readonly log: Logger

  constructor(
    private readonly socket: SocketLike,
    identity: ConnectionIdentity,
    private readonly room: PeerRoom,
    private readonly context: ConnectionContext,
  ) {
    this.sub = identity.sub
    this.tokenName = identity.name
    this.grantedAccess = identity.tokenAccess
    this.access = identity.access
    this.issuedAt = identity.issuedAt
    this.expiresAt = identity.expiresAt
    this.limits = context.limits
    this.rate = new RateBucket(context.limits.maxMessagesPerSecond)
    this.log = room.log
  }

  get state(): ConnState {
    return this.connState
  }

  get canWrite(): boolean {
    return canWrite(this.access)
  }

  get name(): string | undefined {
    return this.tokenName
  }

  get tokenAccess(): TokenAccess {
    return this.grantedAccess
  }

  get tokenIssuedAt(): number {
    return this.issuedAt
  }

  /**
   * Checks a fresh token (message type 101). It must be valid for this
   * document and this user; then the connection lives until its `exp`, with
   * the access it grants (capped by any access change, as on an upgrade).
   * Any other token closes the connection with 4401. Resolves with whether
   * the connection could write before, once the token is in place; null
   * when it was refused or superseded.
   */
  renewToken(token: string): Promise<{ couldWrite: boolean } | null> {
    const attempt = ++this.renewals
    this.heldForRenewal ??= []
    const judged = this.context.authorizeRenewal(this.room.docId, token).then(
      (result) => {
        if (this.connState !== ConnState.Live || attempt !== this.renewals) return null
        if (!result.ok || result.identity.sub !== this.sub) {
          const reason = result.ok ? 'token is for another user' : result.reason
          this.log.warn({ connId: this.id, reason }, 'fresh token refused, closing')
          this.close(CloseCode.TokenExpired, 'fresh token refused')
          return null
        }
        const couldWrite = this.canWrite
        const { identity } = result
        this.tokenName = identity.name
        this.grantedAccess = identity.tokenAccess
        this.access = identity.access
        this.issuedAt = identity.issuedAt
        this.expiresAt = identity.expiresAt
        this.log.debug({ connId: this.id, access: this.access }, 'token renewed')
        return { couldWrite }
      },
      (error: unknown) => {
        this.log.error({ err: error, connId: this.id }, 'checking a fresh token failed')
        this.close(CloseCode.InternalError, 'internal error')
        return null
      },
    )
    // After the verdict is in place (and the room has had its say on it), the waiting frames go on.
    void judged.then(() => {
      if (attempt === this.renewals) setImmediate(() => this.releaseHeldFrames())
    })
    return judged
  }

  /** Called by the server's once-a-second sweep: a connection whose token has expired is closed with 4401. */
  closeIfExpired(nowSeconds: number): void {
    if (this.connState !== ConnState.Live || nowSeconds < this.expiresAt) return
    this.log.debug({ connId: this.id }, 'token expired, closing')
    this.close(CloseCode.TokenExpired, 'token expired')
  }

  /** Wires the socket's listeners and joins the room. */
  open(): void {
    const { socket, log } = this
    socket.on('message', this.handleMessage)
    socket.on('pong', () => {
      this.isAlive = true
    })
    // ws reports protocol faults (oversized frame: it closes with 1009 itself) as errors; the close follows.
    socket.on('error', (error) => log.warn({ err: error.message }, 'socket error'))
    socket.on('close', this.handleClose)
    this.room.join(this)
    log.debug({ connId: this.id, access: this.access }, 'connection joined')
  }

  private readonly handleMessage = (data: RawData, isBinary: boolean): void => {
    if (this.connState !== ConnState.Live) return
    this.isAlive = true
    // binaryType is ws's default, 'nodebuffer': every message is one Buffer.
    const frame = data as Buffer
    this.context.metrics.recordReceived(frame.length)
    if (!isBinary) return this.close(CloseCode.Unsupported, 'text frames are not supported')
    if (!this.rate.take()) {
      this.log.warn({ connId: this.id }, 'message flood, closing')
      return this.close(CloseCode.PolicyViolation, 'too many messages')
    }
    if (this.heldForRenewal) this.heldForRenewal.push(frame)
    else handlePeerFrame(this.room, this, frame)
  }

  /** The fresh token is judged: the frames that waited for it go to the room, in order. */
  private releaseHeldFrames(): void {
    const held = this.heldForRenewal
    this.heldForRenewal = null
    if (!held) return
    for (const [index, frame] of held.entries()) {
      if (this.connState !== ConnState.Live) return
      // A fresh token among them (handled just now) holds the rest again.
      const waiting = this.heldForRenewal as Buffer[] | null
      if (waiting) {
        waiting.push(...held.slice(index))
        return
      }
      handlePeerFrame(this.room, this, frame)
    }
  }

  private readonly handleClose = (): void => {
    this.connState = ConnState.Closed
    this.room.leave(this)
    this.context.onClosed(this)
    this.log.debug({ connId: this.id }, 'connection closed')
  }

  /**
   * Sends one frame. A receiver that cannot keep up (its unsent bytes pass
   * maxBufferedBytes) is dropped rather than buffered without end; it resyncs on
   * reconnect. Returns whether the frame was queued. `onWritten` runs once the
   * frame has been handed to the operating system.
   */
  send(frame: Uint8Array, onWritten?: () => void): boolean {
    if (this.connState !== ConnState.Live || this.socket.readyState !== OPEN) return false
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.log.warn({ connId: this.id, bufferedBytes: this.socket.bufferedAmount }, 'receiver too slow, dropping connection')
      this.terminate()
      return false
    }
    if (onWritten) this.socket.send(frame, () => onWritten())
    else this.socket.send(frame)
    return true
  }

  close(code: number, reason: string): void {
    if (this.connState === ConnState.Closed) return
    this.connState = ConnState.Closed
    this.socket.close(code, reason)
  }

  /** Cuts the socket off without a closing handshake (missed pong, full buffer, shutdown grace over). */
  terminate(): void {
    this.connState = ConnState.Closed
    this.socket.terminate()
  }

  /** Called on each heartbeat tick: terminate if the previous ping went unanswered. */
  heartbeat(): void {
    if (!this.isAlive) {
      this.log.debug({ connId: this.id }, 'missed pong, terminating')
      this.terminate()
      return
    }
    this.isAlive = false
    if (this.socket.readyState === OPEN) this.socket.ping()
  }

  /** Closes with 1001 for a server shutdown. */
  goAway(): void {
    this.close(CloseCode.GoingAway, 'server shutting down')
  }
}
