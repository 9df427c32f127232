/**
 * BenchClient over Tandem's HTTP transport (docs/sync-protocol.md, "The HTTP
 * transport"): the same client above the framing, with the socket replaced
 * by an event stream down (fetch, parsed with lib/httpStream.ts) and POSTs
 * up, one at a time, frames that waited meanwhile in the same body, as the
 * web app's HttpStreamSocket sends them.
 */
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { EventStreamParser, encodeFrames } from '../../lib/httpStream.ts'
import { BenchClient } from './client.mjs'

const MSG_SYNC = 0

export class HttpBenchClient extends BenchClient {
  constructor(server, docName, opts = {}) {
    super(server, docName, opts)
    this.outbox = []
    this.posting = false
    this.abort = new AbortController()
  }

  async connect(timeoutMs = 20_000) {
    const token = await this.server.token(this.docName)
    this.base = `http://127.0.0.1:${this.server.port}/docs/${this.docName}/stream`
    this.auth = { authorization: `Bearer ${token}` }
    const res = await fetch(`${this.base}?token=${token}`, { signal: this.abort.signal })
    if (res.status !== 200) throw new Error(`${this.docName}: stream refused with ${res.status}`)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.docName}: not synced within ${timeoutMs} ms`)), timeoutMs)
      this.resolveSynced = () => {
        clearTimeout(timer)
        resolve()
      }
      void this.read(res.body, reject)
    })
  }

  async read(body, reject) {
    const parser = new EventStreamParser()
    const decoder = new TextDecoder()
    try {
      for await (const chunk of body) {
        for (const { event, data } of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (event === 'session') {
            this.session = JSON.parse(data).session
            this.openedAt = performance.now()
            const enc = this.encoder(MSG_SYNC)
            syncProtocol.writeSyncStep1(enc, this.doc)
            this.send(enc)
          } else if (event === 'message') {
            this.handle(new Uint8Array(Buffer.from(data, 'base64')))
          } else if (event === 'close') {
            this.error ??= new Error(`${this.docName}: closed ${data}`)
          }
        }
      }
    } catch (error) {
      if (!this.closed) reject(error)
    }
    this.closed = true
  }

  send(enc) {
    if (this.closed || !this.session) return
    this.outbox.push(encoding.toUint8Array(enc))
    void this.flush()
  }

  async flush() {
    if (this.posting || this.outbox.length === 0) return
    this.posting = true
    const frames = this.outbox
    this.outbox = []
    try {
      const res = await fetch(`${this.base}/${this.session}`, { method: 'POST', headers: this.auth, body: encodeFrames(frames) })
      await res.arrayBuffer()
      if (res.status !== 204) this.error ??= new Error(`${this.docName}: POST answered ${res.status}`)
    } catch (error) {
      this.error ??= error
    }
    this.posting = false
    void this.flush()
  }

  async close() {
    if (this.session && !this.closed) {
      await fetch(`${this.base}/${this.session}`, { method: 'DELETE', headers: this.auth }).then((r) => r.arrayBuffer()).catch(() => {})
    }
    this.closed = true
    this.abort.abort()
  }
}
