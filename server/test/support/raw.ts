/**
 * A raw WebSocket client for hand-made frames: it records every frame the
 * server sends (decoded strictly by ../wire.ts), when it came, and how the
 * connection closed or why the upgrade was refused.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { decodeFrame, syncStep1Frame, type Frame } from '../wire'
import type { ServerAddress } from './clients'
import { defer } from './teardown'
import { eventually } from './wait'


export interface CloseInfo {
  code: number
  reason: string
}

export class RawClient {
  readonly ws: WebSocket
  readonly frames: Frame[] = []
  /** When each of `frames` arrived (Date.now()). */
  readonly frameTimes: number[] = []
  closeInfo: CloseInfo | null = null
  /** HTTP status when the upgrade was refused. */
  refusedStatus: number | null = null
  readonly opened: Promise<void>
  readonly closed: Promise<CloseInfo>
  /** `options` go to `ws` as they are (e.g. `autoPong: false` for a client that never answers pings). */
  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options)
    this.ws.binaryType = 'nodebuffer'
    // Listen before anything arrives: "on joining, a connection gets ..." is measured from here.
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
      this.frames.push(isBinary ? decodeFrame(bytes) : { type: 'undecodable', raw: bytes, error: 'text frame' })
      this.frameTimes.push(Date.now())
    })
    this.ws.on('error', () => {
      /* reported through close / unexpected-response */
    })
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('unexpected-response', (_req, res) => {
        this.refusedStatus = res.statusCode ?? null
        res.resume()
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`))
        this.ws.terminate()
      })
      this.ws.once('close', () => reject(new Error('closed before open')))
    })
    this.opened.catch(() => {})
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason: reason.toString('utf8') }
        resolve(this.closeInfo)
      })
    })
    defer(() => this.terminate())
  }
  /** The close code, waiting at most `timeoutMs` (a server that never closes fails fast, not at the test timeout). */
  async closeCode(timeoutMs = 10_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms (frames: ${this.frames.map((f) => f.type).join(',')})`)), timeoutMs)
    })
    try {
      return (await Promise.race([this.closed, timeout])).code
    } finally {
      clearTimeout(timer)
    }
  }
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }
  send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(bytes, { binary: true }, (err) => (err ? reject(err) : resolve())))
  }
  sendText(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(text, { binary: false }, (err) => (err ? reject(err) : resolve())))
  }
  framesOf<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<Frame, { type: T }> => f.type === type)
  }
  /** Polls until a frame matching `pred` has arrived (searching from `fromIndex`). */
  async waitFor(pred: (f: Frame) => boolean, { timeoutMs = 10_000, fromIndex = 0 } = {}): Promise<Frame> {
    return eventually(
      () => {
        const found = this.frames.slice(fromIndex).find(pred)
        if (!found) throw new Error(`expected frame not received; got ${this.frames.map((f) => f.type).join(',')}`)
        return found
      },
      { timeoutMs },
    )
  }
  /**
   * Sends sync step 1 and waits for the step 2 answer: proof that the connection
   * is open and that everything it sent before has been processed.
   */
  async roundTrip(timeoutMs = 10_000): Promise<void> {
    const from = this.frames.length
    await this.send(syncStep1Frame())
    await this.waitFor((f) => f.type === 0 && f.step === 1, { timeoutMs, fromIndex: from })
  }
  /** The document as the server's step 2 answers describe it (fresh round trip). */
  async serverDoc(): Promise<Y.Doc> {
    const from = this.frames.length
    await this.send(syncStep1Frame())
    const f = (await this.waitFor((fr) => fr.type === 0 && fr.step === 1, { fromIndex: from })) as Extract<Frame, { type: 0 }>
    const doc = new Y.Doc()
    Y.applyUpdate(doc, f.payload)
    return doc
  }
  terminate(): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate()
  }
  close(code?: number): void {
    this.ws.close(code)
  }
}

export async function rawClient(server: ServerAddress, room: string, token: string | null, options?: WebSocket.ClientOptions): Promise<RawClient> {
  const client = new RawClient(roomUrl(server, room, token), options)
  await client.opened
  return client
}

export function roomUrl(server: ServerAddress, room: string, token: string | null): string {
  return `${server.wsUrl}/${room}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`
}

/**
 * Attempts an upgrade and reports its outcome: the HTTP status of a refusal
 * (with the body), or 101 when the socket opened (it is closed again at once).
 */
export function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('error', (error) => reject(error))
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body })
        ws.terminate()
      })
    })
    ws.once('open', () => {
      resolve({ status: 101, body: '' })
      ws.terminate()
    })
  })
}
