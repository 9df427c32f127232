/**
 * The one load-generating client used against every server: a raw y-protocols
 * client on `ws`, lighter than a WebsocketProvider (no timers, no
 * BroadcastChannel, no awareness object) so that 2,000 of them fit in one
 * process. It speaks the y-websocket framing, or Hocuspocus's (document name
 * before each message, an auth message first) for Hocuspocus; everything
 * above the framing is the same code.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'

const MSG_SYNC = 0
const MSG_AWARENESS = 1
const MSG_AUTH = 2
const HOCUS_SYNC_REPLY = 4
const HOCUS_AUTH_TOKEN = 0
const HOCUS_AUTH_DENIED = 1

export class BenchClient {
  /**
   * @param server ServerHandle (lib/servers.mjs)
   * @param docName room
   * @param opts.onDocChange(client) after a remote update was applied
   * @param opts.onAwareness(client, payload, receivedAt) for each awareness message
   */
  constructor(server, docName, opts = {}) {
    this.server = server
    this.docName = docName
    this.framing = server.spec.framing
    this.handshake = server.spec.handshake
    this.doc = new Y.Doc()
    this.onDocChange = opts.onDocChange ?? null
    this.onAwareness = opts.onAwareness ?? null
    this.bytesIn = 0
    this.framesIn = 0
    // Timestamps (performance.now()) for breaking a load down: socket open, first message.
    this.openedAt = 0
    this.firstMessageAt = null
    this.step2Count = 0
    this.synced = false
    this.closed = false
    this.error = null
    // Like a provider: every local change goes to the server as one update
    // message, unless `hold` is an array (a scenario pre-encoding a burst).
    this.hold = null
    this.deferred = null
    this.doc.on('update', (update, origin) => {
      if (origin === this) return
      if (this.hold) this.hold.push(update)
      else this.sendUpdate(update)
    })
  }

  /** Opens the socket; resolves once synced with the server (or open, for a relay). */
  async connect(timeoutMs = 20_000) {
    const url = await this.server.url(this.docName)
    const ws = new WebSocket(url, { perMessageDeflate: false })
    this.ws = ws
    ws.binaryType = 'nodebuffer'
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${this.docName}: not synced within ${timeoutMs} ms`)), timeoutMs)
      const fail = (err) => {
        clearTimeout(timer)
        this.error ??= err
        reject(err)
      }
      this.resolveSynced = () => {
        clearTimeout(timer)
        resolve()
      }
      ws.on('open', () => {
        this.openedAt = performance.now()
        if (this.framing === 'hocus') {
          const enc = this.encoder(MSG_AUTH)
          encoding.writeVarUint(enc, HOCUS_AUTH_TOKEN)
          encoding.writeVarString(enc, '')
          this.send(enc)
        }
        if (this.handshake === 'none') {
          this.markSynced()
          return
        }
        const enc = this.encoder(MSG_SYNC)
        syncProtocol.writeSyncStep1(enc, this.doc)
        this.send(enc)
      })
      ws.on('message', (data) => {
        try {
          this.handle(new Uint8Array(data.buffer, data.byteOffset, data.length))
        } catch (err) {
          fail(err)
          ws.terminate()
        }
      })
      ws.on('error', (err) => fail(err))
      ws.on('close', (code, reason) => {
        this.closed = true
        if (!this.synced) fail(new Error(`${this.docName}: closed before sync (${code} ${reason})`))
      })
    })
  }

  markSynced() {
    if (this.synced) return
    this.synced = true
    this.resolveSynced?.()
  }

  encoder(type) {
    const enc = encoding.createEncoder()
    if (this.framing === 'hocus') encoding.writeVarString(enc, this.docName)
    encoding.writeVarUint(enc, type)
    return enc
  }

  send(enc) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encoding.toUint8Array(enc))
  }

  sendUpdate(update) {
    const enc = this.encoder(MSG_SYNC)
    syncProtocol.writeUpdate(enc, update)
    this.send(enc)
  }

  /**
   * Sync step 1 with a given state vector. The server answers with a step 2
   * only after every message we sent before it, which makes it an ack.
   */
  sendStep1(stateVector) {
    const enc = this.encoder(MSG_SYNC)
    encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep1)
    encoding.writeVarUint8Array(enc, stateVector)
    this.send(enc)
  }

  /** `update` is an encoded awareness update (y-protocols format). */
  sendAwareness(update) {
    const enc = this.encoder(MSG_AWARENESS)
    encoding.writeVarUint8Array(enc, update)
    this.send(enc)
  }

  handle(bytes) {
    this.firstMessageAt ??= performance.now()
    this.bytesIn += bytes.length
    this.framesIn++
    const dec = decoding.createDecoder(bytes)
    if (this.framing === 'hocus') decoding.readVarString(dec)
    const type = decoding.readVarUint(dec)
    switch (type) {
      case MSG_SYNC:
      case HOCUS_SYNC_REPLY: {
        if (this.deferred) {
          // Deferred mode: keep document updates (and step 2 answers) for later, note only their arrival.
          const pos = dec.pos
          const kind = decoding.readVarUint(dec)
          if (kind === syncProtocol.messageYjsUpdate || kind === syncProtocol.messageYjsSyncStep2) {
            const update = decoding.readVarUint8Array(dec)
            this.deferred.push({ update, at: performance.now() })
            this.onDeferredUpdate?.(this, update)
            if (kind === syncProtocol.messageYjsSyncStep2) {
              this.step2Count++
              this.markSynced()
            }
            return
          }
          dec.pos = pos
        }
        const reply = this.encoder(MSG_SYNC)
        const before = encoding.length(reply)
        const kind = syncProtocol.readSyncMessage(dec, reply, this.doc, this)
        // A relay would fan our step-2 answer out to the whole room: only servers get one.
        if (kind === syncProtocol.messageYjsSyncStep1 && this.handshake === 'server' && encoding.length(reply) > before) {
          this.send(reply)
        } else if (kind === syncProtocol.messageYjsSyncStep2) {
          this.step2Count++
          this.markSynced()
          this.onDocChange?.(this)
        } else if (kind === syncProtocol.messageYjsUpdate) {
          this.onDocChange?.(this)
        }
        return
      }
      case MSG_AWARENESS: {
        const payload = decoding.readVarUint8Array(dec)
        this.onAwareness?.(this, payload, performance.now())
        return
      }
      case MSG_AUTH: {
        if (this.framing === 'hocus' && decoding.readVarUint(dec) === HOCUS_AUTH_DENIED) {
          throw new Error(`${this.docName}: permission denied: ${decoding.readVarString(dec)}`)
        }
        return
      }
      default:
        // Hocuspocus's SyncStatus (8) acks and the like: nothing for us to do.
        return
    }
  }

  /**
   * Until applyDeferred(), received document updates and step 2 answers are
   * stored with their arrival time, not applied, and
   * `onDeferredUpdate(client, update)` is called: for timing delivery apart
   * from the receiver's own Yjs integration.
   */
  deferUpdates(onDeferredUpdate = null) {
    this.deferred = []
    this.onDeferredUpdate = onDeferredUpdate
  }

  /** Applies what was kept so far, in order; `after(entry)` runs after each. Stays deferred unless `stop`. */
  applyDeferred({ stop = true, after } = {}) {
    const entries = this.deferred ?? []
    this.deferred = stop ? null : []
    for (const entry of entries) {
      Y.applyUpdate(this.doc, entry.update, this)
      after?.(entry)
    }
  }

  text(name = 't') {
    return this.doc.getText(name).toString()
  }

  /** Closes and waits (bounded) for the close handshake. */
  async close(timeoutMs = 5000) {
    const ws = this.ws
    this.doc.destroy()
    if (!ws || ws.readyState === WebSocket.CLOSED) return
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate()
        resolve()
      }, timeoutMs)
      ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      ws.close()
    })
  }
}

/** Connects many clients with bounded concurrency (the accept backlog is finite). */
export async function connectAll(clients, concurrency = 50) {
  let next = 0
  const worker = async () => {
    while (next < clients.length) {
      const client = clients[next++]
      await client.connect()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker))
}

export async function closeAll(clients) {
  await Promise.all(clients.map((c) => c.close()))
}

/** Encodes one awareness update for one client, as y-protocols does. */
export function encodeAwareness(clientID, clock, state) {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, clientID)
  encoding.writeVarUint(enc, clock)
  encoding.writeVarString(enc, JSON.stringify(state))
  return encoding.toUint8Array(enc)
}

/** Decodes an awareness update into [clientID, clock, stateJSON] triples (no Awareness object). */
export function decodeAwareness(payload) {
  const dec = decoding.createDecoder(payload)
  const n = decoding.readVarUint(dec)
  const out = []
  for (let i = 0; i < n; i++) {
    const clientID = decoding.readVarUint(dec)
    const clock = decoding.readVarUint(dec)
    const json = decoding.readVarString(dec)
    out.push([clientID, clock, json])
  }
  return out
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Appends one character to `text` `edits` times at `pace` edits per second,
 * recording when each was sent in `sendTimes`. Whatever is due goes out every
 * millisecond or so, so the pace holds despite timer jitter; gives up 10 s
 * after the last edit was due. Resolves with how many were sent.
 */
export async function sendAtPace(text, { edits, pace, sendTimes }) {
  const t0 = performance.now()
  const deadline = t0 + (edits / pace) * 1000 + 10_000
  let sent = 0
  while (sent < edits && performance.now() < deadline) {
    const due = Math.min(edits, Math.floor(((performance.now() - t0) * pace) / 1000) + 1)
    while (sent < due) {
      sendTimes[sent] = performance.now()
      text.insert(text.length, 'a')
      sent++
    }
    await sleep(1)
  }
  return sent
}

/** Polls `predicate` until true or the deadline; returns whether it became true. */
export async function waitFor(predicate, timeoutMs, stepMs = 5) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (predicate()) return true
    await sleep(stepMs)
  }
  return predicate()
}
