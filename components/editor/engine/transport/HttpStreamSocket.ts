import { MessageType } from '@/lib/protocol'
import { EventStreamParser, StreamEvent, base64ToBytes, encodeFrames } from '@/lib/httpStream'

/** What the socket hands its `onclose`: the shape of a browser CloseEvent that y-websocket and the session read. */
export interface StreamCloseEvent {
  code: number
  reason: string
  wasClean: boolean
}

/** A close the server never got to say (stream cut, POST failed), as a browser reports a dropped socket. */
const ABNORMAL_CLOSURE = 1006

const CONNECTING = 0
const OPEN = 1
const CLOSING = 2
const CLOSED = 3

/**
 * The sync server's HTTP transport (docs/sync-protocol.md, "The HTTP
 * transport") behind the WebSocket interface y-websocket drives: built from
 * the same `ws(s)://…/<docId>?token=…` URL, it opens the event stream, turns
 * each `message` event into a binary `onmessage`, and POSTs what it is sent,
 * one request at a time, every frame that waited meanwhile in the same body.
 *
 * The POSTs carry the newest token the socket has seen: the one in its URL,
 * then each fresh token (type 101) it is asked to send, so that a session
 * outlives its first token exactly as a socket does.
 *
 * It never reopens a stream itself: a dropped stream is a closed socket, and
 * the provider reconnects (sync step 1 again, so nothing is missed). On
 * close it DELETEs its session so that its presence goes at once.
 */
export class HttpStreamSocket {
  static readonly CONNECTING = CONNECTING
  static readonly OPEN = OPEN
  static readonly CLOSING = CLOSING
  static readonly CLOSED = CLOSED
  readonly CONNECTING = CONNECTING
  readonly OPEN = OPEN
  readonly CLOSING = CLOSING
  readonly CLOSED = CLOSED

  binaryType: BinaryType = 'arraybuffer'
  readyState: number = CONNECTING
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null
  onclose: ((event: StreamCloseEvent) => void) | null = null
  onerror: ((event: unknown) => void) | null = null

  private readonly streamUrl: string
  private readonly postBase: string
  private token: string
  private session: string | null = null
  private readonly abort = new AbortController()
  private outbox: Uint8Array[] = []
  private posting = false
  private closeEvent: StreamCloseEvent | null = null

  constructor(readonly url: string) {
    const { streamUrl, postBase, token } = httpStreamUrls(url)
    this.streamUrl = streamUrl
    this.postBase = postBase
    this.token = token
    void this.read()
  }

  send(data: ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== OPEN) return
    const frame = data instanceof Uint8Array ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
    this.outbox.push(frame.slice())
    void this.flush()
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSED || this.readyState === CLOSING) return
    this.readyState = CLOSING
    const session = this.session
    this.abort.abort()
    // The server would otherwise keep our presence until STREAM_IDLE_MS has passed.
    if (session) void fetch(`${this.postBase}/${session}`, { method: 'DELETE', headers: this.authHeaders(), keepalive: true }).catch(() => {})
    this.finish({ code, reason, wasClean: true })
  }

  private async read(): Promise<void> {
    let res: Response
    try {
      res = await fetch(this.streamUrl, { signal: this.abort.signal, cache: 'no-store', headers: { accept: 'text/event-stream' } })
    } catch {
      return this.fail()
    }
    if (res.status !== 200 || !res.body) {
      // Refused as an upgrade is (400/401/403/410): the session reconnects with a fresh token, as after a refused socket.
      void res.body?.cancel().catch(() => {})
      return this.fail()
    }
    const parser = new EventStreamParser()
    const decoder = new TextDecoder()
    const reader = res.body.getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        for (const event of parser.push(decoder.decode(value, { stream: true }))) this.handle(event.event, event.data)
        if (this.readyState === CLOSED) return
      }
    } catch {
      // Aborted by close(), or the network dropped it.
    }
    this.finish(this.closeEvent ?? { code: ABNORMAL_CLOSURE, reason: 'stream ended', wasClean: false })
  }

  private handle(event: string, data: string): void {
    if (this.readyState === CLOSED || this.readyState === CLOSING) return
    if (event === StreamEvent.Session && this.readyState === CONNECTING) {
      this.session = (JSON.parse(data) as { session: string }).session
      this.readyState = OPEN
      this.onopen?.({ type: 'open' })
    } else if (event === StreamEvent.Message && this.readyState === OPEN) {
      const bytes = base64ToBytes(data)
      this.onmessage?.({ data: bytes.buffer })
    } else if (event === StreamEvent.Close) {
      const { code, reason } = JSON.parse(data) as { code: number; reason?: string }
      this.closeEvent = { code, reason: reason ?? '', wasClean: true }
    }
  }

  /** Sends what waits, in one body, one request at a time (their order is the frames' order). */
  private async flush(): Promise<void> {
    if (this.posting || this.outbox.length === 0 || !this.session) return
    this.posting = true
    const frames = this.outbox
    this.outbox = []
    const headers = this.authHeaders()
    // A fresh token among these frames authorises the POSTs after this one.
    for (const frame of frames) this.token = freshTokenIn(frame) ?? this.token
    try {
      const res = await fetch(`${this.postBase}/${this.session}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: encodeFrames(frames),
        signal: this.abort.signal,
      })
      // 400 and 413 end the session, whose `close` event is on its way down the stream; anything else lost the frames.
      if (res.status !== 204 && res.status !== 400 && res.status !== 413) this.fail()
    } catch {
      this.fail()
    }
    this.posting = false
    void this.flush()
  }

  private authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` }
  }

  private fail(): void {
    if (this.readyState === CLOSED) return
    this.abort.abort()
    this.onerror?.({ type: 'error' })
    this.finish({ code: ABNORMAL_CLOSURE, reason: '', wasClean: false })
  }

  private finish(event: StreamCloseEvent): void {
    if (this.readyState === CLOSED) return
    this.readyState = CLOSED
    this.outbox = []
    // Like a browser socket, the close is reported after the call that caused it has returned.
    setTimeout(() => this.onclose?.(event), 0)
  }
}

/** The HTTP transport's URLs for a WebSocket URL `ws(s)://host/<prefix>/<docId>?token=…`. */
export function httpStreamUrls(wsUrl: string): { streamUrl: string; postBase: string; token: string } {
  const url = new URL(wsUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:'
  const segments = url.pathname.split('/')
  const docId = segments.pop() ?? ''
  const prefix = segments.join('/')
  const token = url.searchParams.get('token') ?? ''
  const base = `${url.origin}${prefix}/docs/${docId}/stream`
  return { streamUrl: `${base}?${new URLSearchParams({ token }).toString()}`, postBase: base, token }
}

/** The token of a type-101 frame (written as lib0 writeVarString), or null for any other frame. */
function freshTokenIn(frame: Uint8Array): string | null {
  if (frame[0] !== MessageType.RefreshToken) return null
  let length = 0
  let shift = 0
  let at = 1
  for (;;) {
    if (at >= frame.length) return null
    const byte = frame[at++]
    length += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) break
  }
  return new TextDecoder().decode(frame.subarray(at, at + length))
}
