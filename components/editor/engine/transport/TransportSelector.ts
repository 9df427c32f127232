import { HttpStreamSocket } from './HttpStreamSocket'

export const Transport = { WebSocket: 'websocket', Http: 'http' } as const
export type Transport = (typeof Transport)[keyof typeof Transport]

/**
 * A WebSocket that has not opened and brought its first message (the server
 * sends sync step 1 at once) this long counts as failed: a proxy that
 * swallows upgrades never answers, and one that accepts them and then cuts
 * the socket delivers nothing.
 */
export const OPEN_TIMEOUT_MS = 5_000
/** After this many failed WebSocket attempts in a row, the session goes over HTTP. */
export const FAILURES_BEFORE_HTTP = 2
/** While on HTTP, a WebSocket is tried again this often, and used as soon as one opens. */
export const WEBSOCKET_RETRY_MS = 60_000

export interface TransportSelectorOptions {
  /** The WebSocket class to use (the browser's, or `ws` in Node tests). */
  WebSocket: typeof WebSocket
  /** The provider's URL now (its token is refreshed between connections): what a WebSocket on the side is tried with. */
  currentUrl?: () => string
  /** Told whenever the transport of the next (or current) connection changes. */
  onChange?: (transport: Transport) => void
  openTimeoutMs?: number
  retryMs?: number
}

type SocketLike = WebSocket | HttpStreamSocket

/**
 * Chooses, for each connection y-websocket opens, the WebSocket or the sync
 * server's HTTP transport (docs/sync-protocol.md, "The HTTP transport").
 * `socketClass` goes to the provider as its `WebSocketPolyfill`: its
 * constructor returns whichever socket is due, so the provider, its Y.Doc
 * and awareness never know which carries them.
 *
 * The WebSocket comes first. After two failed attempts in a row (not open
 * within 5 s, or closed before opening, or before its first message) the
 * next connections go over HTTP,
 * and every 60 s a WebSocket is tried on the side; once one opens, the HTTP
 * socket is closed and the provider's reconnect takes the WebSocket. A
 * reconnect always syncs both ways (sync step 1 from each side), so no edit
 * is lost on a change of transport, and Yjs applies none twice.
 */
export class TransportSelector {
  readonly socketClass: typeof WebSocket
  private failures = 0
  private mode: Transport = Transport.WebSocket
  private lastUrl: string | null = null
  private current: SocketLike | null = null
  private retryTimer: ReturnType<typeof setInterval> | undefined
  private probe: WebSocket | null = null
  private destroyed = false
  private readonly openTimeoutMs: number
  private readonly retryMs: number

  constructor(private readonly options: TransportSelectorOptions) {
    this.openTimeoutMs = options.openTimeoutMs ?? OPEN_TIMEOUT_MS
    this.retryMs = options.retryMs ?? WEBSOCKET_RETRY_MS
    // A constructor that returns an object makes `new` give that object: y-websocket's
    // `new provider._WS(url)` gets a real WebSocket or an HttpStreamSocket.
    const create = (url: string, protocols?: string | string[]) => this.create(url, protocols)
    this.socketClass = function SelectedSocket(url: string, protocols?: string | string[]) {
      return create(url, protocols)
    } as unknown as typeof WebSocket
    Object.assign(this.socketClass, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })
  }

  /** The transport of the current connection (or of the next one, between connections). */
  get transport(): Transport {
    return this.current instanceof HttpStreamSocket ? Transport.Http : this.mode
  }

  destroy(): void {
    this.destroyed = true
    clearInterval(this.retryTimer)
    this.probe?.close()
    this.probe = null
  }

  private create(url: string, protocols?: string | string[]): SocketLike {
    this.lastUrl = url
    const socket = this.mode === Transport.Http ? new HttpStreamSocket(url) : this.watchedWebSocket(url, protocols)
    this.current = socket
    return socket
  }

  /** A WebSocket whose failure to open and bring its first message (in time, or at all) is counted. */
  private watchedWebSocket(url: string, protocols?: string | string[]): WebSocket {
    const ws = new this.options.WebSocket(url, protocols)
    let working = false
    let counted = false
    const failed = () => {
      if (working || counted) return
      counted = true
      clearTimeout(timer)
      this.failures += 1
      if (this.failures >= FAILURES_BEFORE_HTTP) this.switchTo(Transport.Http)
    }
    const timer = setTimeout(() => {
      if (working) return
      failed()
      ws.close()
    }, this.openTimeoutMs)
    ws.addEventListener('message', () => {
      if (working || counted) return
      working = true
      clearTimeout(timer)
      this.failures = 0
    })
    ws.addEventListener('close', failed)
    return ws
  }

  private switchTo(mode: Transport): void {
    if (this.mode === mode) return
    this.mode = mode
    this.failures = 0
    clearInterval(this.retryTimer)
    if (mode === Transport.Http) this.retryTimer = setInterval(() => this.tryWebSocket(), this.retryMs)
    this.options.onChange?.(mode)
  }

  /**
   * On HTTP: opens a WebSocket on the side with the newest URL. If it brings
   * a message, it is closed again (it was only a test), the next connection is a
   * WebSocket, and the HTTP socket is closed so that the provider reconnects.
   */
  private tryWebSocket(): void {
    const url = this.options.currentUrl?.() ?? this.lastUrl
    if (this.destroyed || this.probe || !url || this.mode !== Transport.Http) return
    const probe = new this.options.WebSocket(url)
    this.probe = probe
    const timer = setTimeout(() => probe.close(), this.openTimeoutMs)
    probe.addEventListener('message', () => {
      clearTimeout(timer)
      probe.close()
      if (this.destroyed || this.mode !== Transport.Http) return
      this.switchTo(Transport.WebSocket)
      if (this.current instanceof HttpStreamSocket) this.current.close()
    })
    // Its failure is expected and says only "not yet" (and Node's ws throws an error nobody listens to).
    probe.addEventListener('error', () => {})
    probe.addEventListener('close', () => {
      clearTimeout(timer)
      if (this.probe === probe) this.probe = null
    })
  }
}
