/**
 * The HTTP transport's sessions (docs/sync-protocol.md, "The HTTP
 * transport"): each one an `EventStreamSocket` driven by an ordinary
 * `Connection`, so a session joins, leaves, is rate-limited, closed and
 * counted exactly like a WebSocket. This registry makes sessions, finds them
 * for POSTs, keeps idle streams alive with a comment, and ends a session
 * whose stream has been gone for `idleMs`.
 *
 * HTTP itself (routes, tokens, bodies, statuses) is httpApi.ts's; this file
 * is handed requests that have already been authorised.
 */
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Connection, ConnectionIdentity } from '../Connection'
import type { Room } from '../room/Room'
import { EventStreamSocket } from './EventStreamSocket'

export interface StreamSessionDeps {
  /** Loads the room, held while the session joins (RoomRegistry.acquire). */
  acquire(docId: string): Promise<Room>
  release(room: Room): void
  /** Makes the session's Connection, counts it among the server's connections, and joins the room. */
  accept(socket: EventStreamSocket, room: Room, identity: ConnectionIdentity): Connection
  /** A session whose stream has been gone this long is ended (its presence removed). */
  idleMs: number
  /** An open stream gets a comment line this often, so that proxies do not close it as idle. */
  keepAliveMs: number
  log: Logger
}

/** What httpApi.ts may do with a session it found. */
export interface StreamSession {
  readonly docId: string
  readonly sub: string
  /** Hands in a POST's frames, in order, as WebSocket messages of this connection. */
  receive(frames: readonly Uint8Array[]): void
  /** Ends it as a WebSocket would be closed: a final `close` event with the code. */
  close(code: number, reason: string): void
  /** The client ended it (DELETE): gone at once, presence removed. */
  end(): void
}

/** Why a stream was not opened; httpApi turns it into a status. */
export type OpenRefusal = 'stopping' | 'deleted' | 'unknown-session'

interface Entry {
  docId: string
  socket: EventStreamSocket
  conn: Connection
  idleTimer: NodeJS.Timeout | null
}

/** Headers of a stream. `X-Accel-Buffering: no` asks nginx not to buffer it; `no-transform`, other proxies. */
export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const

export class StreamSessions {
  private readonly sessions = new Map<string, Entry>()
  private keepAliveTimer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(private readonly deps: StreamSessionDeps) {}

  get size(): number {
    return this.sessions.size
  }

  start(): void {
    this.keepAliveTimer = setInterval(() => {
      for (const { socket } of this.sessions.values()) socket.keepAlive()
    }, this.deps.keepAliveMs)
  }

  /** No new sessions; the connections themselves are closed by the server's shutdown like any other. */
  stop(): void {
    this.stopped = true
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer)
    for (const entry of this.sessions.values()) if (entry.idleTimer) clearTimeout(entry.idleTimer)
  }

  /**
   * Opens a stream for an authorised identity: a new session, or, with
   * `resume`, the stream of an existing session of the same user and
   * document (what waited for it is sent first). Resolves with a refusal
   * when there is nothing to open; `res` is untouched then.
   */
  async open(docId: string, identity: ConnectionIdentity, res: ServerResponse, resume: string | null): Promise<OpenRefusal | null> {
    if (this.stopped) return 'stopping'
    if (resume !== null) {
      const entry = this.sessions.get(resume)
      if (!entry || entry.docId !== docId || entry.conn.sub !== identity.sub) return 'unknown-session'
      this.startStream(res)
      if (entry.idleTimer) clearTimeout(entry.idleTimer)
      entry.idleTimer = null
      entry.socket.attach(res)
      return null
    }
    const room = await this.deps.acquire(docId)
    try {
      if (this.stopped) return 'stopping'
      if (room.deleted) return 'deleted'
      // The client may have gone while the room loaded.
      if (res.destroyed) return null
      const sessionId = randomBytes(16).toString('base64url')
      const socket = new EventStreamSocket(sessionId, (detached) => this.handleDetached(detached))
      this.startStream(res)
      // Attached before the join, so that `session` is the first event and sync step 1 follows it.
      socket.attach(res)
      const conn = this.deps.accept(socket, room, identity)
      const entry: Entry = { docId, socket, conn, idleTimer: null }
      this.sessions.set(sessionId, entry)
      socket.on('close', () => {
        if (entry.idleTimer) clearTimeout(entry.idleTimer)
        this.sessions.delete(sessionId)
      })
      return null
    } finally {
      this.deps.release(room)
    }
  }

  /** The session with that id on that document, if it is still going. */
  find(docId: string, sessionId: string): StreamSession | undefined {
    const entry = this.sessions.get(sessionId)
    if (!entry || entry.docId !== docId || entry.socket.readyState !== 1) return undefined
    const { socket, conn } = entry
    return {
      docId,
      sub: conn.sub,
      receive: (frames) => socket.receive(frames),
      close: (code, reason) => conn.close(code, reason),
      end: () => conn.terminate(),
    }
  }

  private startStream(res: ServerResponse): void {
    res.writeHead(200, STREAM_HEADERS)
    res.flushHeaders()
    // Nagle would hold small events back; they are the latency.
    res.socket?.setNoDelay(true)
  }

  private handleDetached(socket: EventStreamSocket): void {
    const entry = this.sessions.get(socket.sessionId)
    if (!entry || this.stopped) return
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null
      if (socket.hasStream) return
      this.deps.log.debug({ connId: entry.conn.id }, 'stream session without a stream for too long, ending it')
      entry.conn.terminate()
    }, this.deps.idleMs)
  }
}
