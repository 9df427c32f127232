/**
 * One client's socket in one room: who it is, what it may do, and the limits
 * that protect everyone else from it (rate, send buffer).
 */
import type { Logger } from 'pino'
import type { AccessLevel, TokenAccess } from '../lib/access'
import { canWrite } from '../lib/access'
import { CloseCode } from '../lib/closeCodes'

/** The part of a `ws` WebSocket the server uses; tests may pass anything shaped like it. */
export interface SocketLike {
  readonly readyState: number
  readonly bufferedAmount: number
  send(data: Uint8Array, onWritten?: (error?: Error) => void): void
  close(code?: number, reason?: string): void
  terminate(): void
  ping(): void
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
}

export interface ConnectionLimits {
  maxMessagesPerSecond: number
  maxBufferedBytes: number
}

let nextConnectionId = 1

export class Connection {
  readonly id = nextConnectionId++
  state: ConnState = ConnState.Live
  readonly sub: string
  readonly name: string | undefined
  readonly tokenAccess: TokenAccess
  access: AccessLevel
  /** Opted in to saved acknowledgements (message type 100). */
  wantsSavedAcks = false
  /** Heartbeat: cleared on each ping, set by a pong or any message. */
  isAlive = true

  // Token bucket (CONTRACT.md: a bucket of 5x the rate, refilled at the rate per second).
  private tokens: number
  private lastRefillMs: number
  private readonly bucketSize: number

  constructor(
    private readonly socket: SocketLike,
    identity: ConnectionIdentity,
    private readonly limits: ConnectionLimits,
    readonly log: Logger,
  ) {
    this.sub = identity.sub
    this.name = identity.name
    this.tokenAccess = identity.tokenAccess
    this.access = identity.access
    this.bucketSize = limits.maxMessagesPerSecond * 5
    this.tokens = this.bucketSize
    this.lastRefillMs = performance.now()
  }

  get canWrite(): boolean {
    return canWrite(this.access)
  }

  /** Takes one message from the bucket; false when the connection has flooded it. */
  takeMessageToken(): boolean {
    const now = performance.now()
    const refill = ((now - this.lastRefillMs) / 1000) * this.limits.maxMessagesPerSecond
    this.tokens = Math.min(this.bucketSize, this.tokens + refill)
    this.lastRefillMs = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /**
   * Sends one frame. A receiver that cannot keep up (its unsent bytes pass
   * maxBufferedBytes) is dropped rather than buffered without end; it resyncs on
   * reconnect. Returns whether the frame was queued. `onWritten` runs once the
   * frame has been handed to the operating system.
   */
  send(frame: Uint8Array, onWritten?: () => void): boolean {
    if (this.state !== ConnState.Live || this.socket.readyState !== OPEN) return false
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.log.warn({ connId: this.id, bufferedBytes: this.socket.bufferedAmount }, 'receiver too slow, dropping connection')
      this.state = ConnState.Closed
      this.socket.terminate()
      return false
    }
    if (onWritten) this.socket.send(frame, () => onWritten())
    else this.socket.send(frame)
    return true
  }

  close(code: number, reason: string): void {
    if (this.state === ConnState.Closed) return
    this.state = ConnState.Closed
    this.socket.close(code, reason)
  }

  /** Called on each heartbeat tick: terminate if the previous ping went unanswered. */
  heartbeat(): void {
    if (!this.isAlive) {
      this.log.debug({ connId: this.id }, 'missed pong, terminating')
      this.state = ConnState.Closed
      this.socket.terminate()
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
