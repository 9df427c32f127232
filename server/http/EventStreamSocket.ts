/**
 * One HTTP session as the `SocketLike` a `Connection` drives, so that a
 * session is a connection in every respect (rate bucket, size limits, fresh
 * tokens, access changes, presence, saved acks): everything above the socket
 * is the WebSocket transport's own code. Down, each frame is an SSE event
 * `message` with the frame in base64 on the session's open stream; up, the
 * frames of a POST are handed in by `receive`, as ws hands in messages.
 *
 * The stream may drop and be opened again (`attach`); while none is open the
 * frames wait here, counted in `bufferedAmount`, so the connection's bound
 * on a slow receiver (MEMORY-4) covers them too. The registry ends a session
 * that stays without a stream too long (StreamSessions.ts).
 */
import type { ServerResponse } from 'node:http'
import type { RawData } from 'ws'
import { StreamEvent } from '../../lib/httpStream'
import type { SocketLike } from '../Connection'

const OPEN = 1
const CLOSED = 3

type MessageListener = (data: RawData, isBinary: boolean) => void

export class EventStreamSocket implements SocketLike {
  private stream: ServerResponse | null = null
  /** Frames sent while no stream was open, with their write callbacks; written on the next `attach`. */
  private waiting: { text: string; onWritten?: (error?: Error) => void }[] = []
  private waitingBytes = 0
  private closed = false
  private readonly messageListeners: MessageListener[] = []
  private readonly pongListeners: (() => void)[] = []
  private readonly closeListeners: (() => void)[] = []
  /** When the last stream ended (performance.now()), or null while one is open. */
  detachedSince: number | null = null

  constructor(
    readonly sessionId: string,
    private readonly onDetached: (socket: EventStreamSocket) => void,
  ) {}

  get readyState(): number {
    return this.closed ? CLOSED : OPEN
  }

  get bufferedAmount(): number {
    return (this.stream?.writableLength ?? 0) + this.waitingBytes
  }

  get hasStream(): boolean {
    return this.stream !== null
  }

  /** Makes `res` (headers already sent) this session's stream: the `session` event, then what waited. */
  attach(res: ServerResponse): void {
    if (this.closed) {
      res.end()
      return
    }
    this.stream?.end()
    this.stream = res
    this.detachedSince = null
    res.on('close', () => {
      if (this.stream !== res) return
      this.stream = null
      if (this.closed) return
      this.detachedSince = performance.now()
      this.onDetached(this)
    })
    res.write(sseEvent(StreamEvent.Session, JSON.stringify({ session: this.sessionId })))
    const waiting = this.waiting
    this.waiting = []
    this.waitingBytes = 0
    for (const { text, onWritten } of waiting) write(res, text, onWritten)
  }

  /** The frames of one POST, in order, as ws would deliver messages. Stops once the connection closes it. */
  receive(frames: readonly Uint8Array[]): void {
    for (const frame of frames) {
      if (this.closed) return
      const buffer = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
      for (const listener of this.messageListeners) listener(buffer, true)
    }
  }

  /** A comment line, so that proxies see traffic on an idle stream. */
  keepAlive(): void {
    this.stream?.write(': keep-alive\n\n')
  }

  send(data: Uint8Array, onWritten?: (error?: Error) => void): void {
    if (this.closed) return
    const text = messageEvent(data)
    if (this.stream) write(this.stream, text, onWritten)
    else {
      this.waiting.push({ text, onWritten })
      this.waitingBytes += text.length
    }
  }

  /** The close a WebSocket would get, as a final `close` event; then the stream ends and the session is gone. */
  close(code?: number, reason?: string): void {
    if (this.closed) return
    this.stream?.write(sseEvent(StreamEvent.Close, JSON.stringify({ code, reason: reason ?? '' })))
    this.end()
  }

  /** Gone without a word (slow receiver, no stream for too long, shutdown grace over). */
  terminate(): void {
    if (this.closed) return
    this.end()
  }

  /** The connection's heartbeat: a session with an open stream is alive; one without is the registry's to time out. */
  ping(): void {
    if (this.stream) for (const listener of this.pongListeners) listener()
  }

  on(event: 'message', listener: MessageListener): unknown
  on(event: 'pong' | 'close', listener: () => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: string, listener: (...args: never[]) => void): unknown {
    if (event === 'message') this.messageListeners.push(listener as MessageListener)
    else if (event === 'pong') this.pongListeners.push(listener as () => void)
    else if (event === 'close') this.closeListeners.push(listener as () => void)
    // 'error': an HTTP response reports nothing the connection acts on.
    return this
  }

  private end(): void {
    this.closed = true
    const stream = this.stream
    this.stream = null
    this.waiting = []
    this.waitingBytes = 0
    stream?.end()
    // As ws does, the close is reported after the call that caused it has returned.
    setImmediate(() => {
      for (const listener of this.closeListeners) listener()
    })
  }
}

function write(res: ServerResponse, text: string, onWritten?: (error?: Error) => void): void {
  if (onWritten) res.write(text, (error) => onWritten(error ?? undefined))
  else res.write(text)
}

/**
 * A broadcast hands every receiver the same frame object (Broadcaster.ts
 * encodes once per room and turn): its event text is made once too, not
 * once per session.
 */
const eventTexts = new WeakMap<Uint8Array, string>()

function messageEvent(frame: Uint8Array): string {
  let text = eventTexts.get(frame)
  if (text === undefined) {
    text = sseEvent(StreamEvent.Message, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64'))
    eventTexts.set(frame, text)
  }
  return text
}

function sseEvent(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`
}
