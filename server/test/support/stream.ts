/**
 * Clients of the HTTP transport for the integration tests, written against
 * the spec with nothing but `fetch` (docs/sync-protocol.md, "The HTTP
 * transport"): `StreamClient` records the raw events and frames of one
 * session and POSTs hand-made frames; `StreamDocClient` runs a Y.Doc and an
 * awareness over one, the way a y-websocket provider would.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType } from '../../../lib/protocol'
import { EventStreamParser, encodeFrames, type ServerSentEvent } from '../../../lib/httpStream'
import { decodeFrame, type Frame } from '../wire'
import type { HttpAddress } from './http'
import { defer } from './teardown'
import { eventually } from './wait'

export interface StreamCloseEvent {
  code: number
  reason: string
}

export class StreamClient {
  /** Every event, in order, as parsed. */
  readonly events: ServerSentEvent[] = []
  /** The `message` events' frames, decoded. */
  readonly frames: Frame[] = []
  /** The same frames as bytes. */
  readonly rawFrames: Uint8Array[] = []
  session = ''
  closeEvent: StreamCloseEvent | null = null
  /** The response body has ended (by the server, or by `abort`). */
  ended = false
  private frameListener: ((frame: Uint8Array) => void) | null = null

  private constructor(
    readonly server: HttpAddress,
    readonly room: string,
    public token: string,
    readonly status: number,
    readonly contentType: string | null,
    private readonly controller: AbortController,
  ) {}

  /** GET /docs/<room>/stream; resolves once the `session` event has come (or with the refusal's status). */
  static async open(server: HttpAddress, room: string, token: string, opts: { session?: string; path?: string } = {}): Promise<StreamClient> {
    const query = new URLSearchParams({ token })
    if (opts.session) query.set('session', opts.session)
    const url = `${server.httpUrl}${opts.path ?? `/docs/${room}/stream`}?${query.toString()}`
    const controller = new AbortController()
    const res = await fetch(url, { signal: controller.signal })
    const client = new StreamClient(server, room, token, res.status, res.headers.get('content-type'), controller)
    if (res.status !== 200 || !res.body) {
      await res.arrayBuffer().catch(() => {})
      client.ended = true
      return client
    }
    defer(() => client.abort())
    void client.read(res.body)
    await eventually(() => {
      if (!client.session && !client.ended) throw new Error('no session event yet')
    })
    return client
  }

  /** Handed every frame, those already here first (for StreamDocClient). */
  onFrame(listener: (frame: Uint8Array) => void): void {
    this.frameListener = listener
    for (const frame of this.rawFrames) listener(frame)
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = new EventStreamParser()
    const decoder = new TextDecoder()
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) this.handle(event)
      }
    } catch {
      // aborted
    }
    this.ended = true
  }

  private handle(event: ServerSentEvent): void {
    this.events.push(event)
    if (event.event === 'session') this.session = (JSON.parse(event.data) as { session: string }).session
    else if (event.event === 'close') this.closeEvent = JSON.parse(event.data) as StreamCloseEvent
    else if (event.event === 'message') {
      const bytes = new Uint8Array(Buffer.from(event.data, 'base64'))
      this.frames.push(decodeFrame(bytes))
      this.rawFrames.push(bytes)
      this.frameListener?.(bytes)
    }
  }

  /** POSTs `frames` as one body; the status. */
  async post(frames: readonly Uint8Array[], opts: { token?: string; session?: string } = {}): Promise<number> {
    return this.postBody(encodeFrames(frames), opts)
  }

  async postBody(body: Uint8Array, opts: { token?: string; session?: string } = {}): Promise<number> {
    const res = await fetch(`${this.server.httpUrl}/docs/${this.room}/stream/${opts.session ?? this.session}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token ?? this.token}`, 'content-type': 'application/octet-stream' },
      body: body as Uint8Array<ArrayBuffer>,
    })
    await res.arrayBuffer()
    return res.status
  }

  /** DELETE: the session ends now. */
  async end(): Promise<number> {
    const res = await fetch(`${this.server.httpUrl}/docs/${this.room}/stream/${this.session}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${this.token}` },
    })
    await res.arrayBuffer()
    return res.status
  }

  /** Drops the stream from this side, as a broken network would. */
  abort(): void {
    this.controller.abort()
  }

  waitEnded(timeoutMs = 10_000): Promise<void> {
    return eventually(
      () => {
        if (!this.ended) throw new Error('stream still open')
      },
      { timeoutMs },
    )
  }
}

/** A Y.Doc and its awareness over one HTTP session, as a stock provider would run them on a socket. */
export class StreamDocClient {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  synced = false
  /** POSTs in order, one at a time, as the transport wants them. */
  private sending: Promise<unknown> = Promise.resolve()

  private constructor(readonly stream: StreamClient, doc: Y.Doc) {
    this.doc = doc
    this.awareness = new awarenessProtocol.Awareness(doc)
    stream.onFrame((frame) => this.handleFrame(frame))
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return
      this.send(frameOf((e) => {
        encoding.writeVarUint(e, MessageType.Sync)
        syncProtocol.writeUpdate(e, update)
      }))
    })
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === this) return
      const changed = [...added, ...updated, ...removed]
      this.send(frameOf((e) => {
        encoding.writeVarUint(e, MessageType.Awareness)
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
      }))
    })
    defer(() => {
      this.awareness.destroy()
      doc.destroy()
    })
  }

  static async open(server: HttpAddress, room: string, token: string, opts: { doc?: Y.Doc; awareness?: Record<string, unknown> } = {}): Promise<StreamDocClient> {
    const stream = await StreamClient.open(server, room, token)
    if (stream.status !== 200) throw new Error(`stream refused with ${stream.status}`)
    const client = new StreamDocClient(stream, opts.doc ?? new Y.Doc())
    // What the stock provider sends when its socket opens: sync step 1, then its presence.
    client.send(frameOf((e) => {
      encoding.writeVarUint(e, MessageType.Sync)
      syncProtocol.writeSyncStep1(e, client.doc)
    }))
    if (opts.awareness) client.awareness.setLocalState(opts.awareness)
    return client
  }

  text(name = 'text'): string {
    return this.doc.getText(name).toString()
  }

  waitSynced(): Promise<void> {
    return eventually(() => {
      if (!this.synced) throw new Error('not synced')
    })
  }

  send(frame: Uint8Array): void {
    this.sending = this.sending.then(() => this.stream.post([frame])).catch(() => {})
  }

  private handleFrame(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.Sync) {
      const reply = encoding.createEncoder()
      encoding.writeVarUint(reply, MessageType.Sync)
      const step = syncProtocol.readSyncMessage(decoder, reply, this.doc, this)
      if (step === syncProtocol.messageYjsSyncStep2) this.synced = true
      if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply))
    } else if (type === MessageType.Awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this)
    }
  }
}

function frameOf(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}
