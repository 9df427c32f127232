/**
 * Hand-made y-websocket frames for the integration tests: what a stock client
 * would send, and the malformed things a hostile one might. Decoding is strict
 * so a test can tell exactly what the server sent.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType, SyncStep, AUTH_PERMISSION_DENIED } from '../../lib/protocol'

export interface AwarenessEntry {
  clientID: number
  clock: number
  /** `null` removes the entry. */
  state: unknown
}

export type Frame =
  | { type: 0; step: number; payload: Uint8Array; raw: Uint8Array }
  | { type: 1; entries: AwarenessEntry[]; raw: Uint8Array }
  | { type: 2; sub: number; reason: string; raw: Uint8Array }
  | { type: 100; stateVector: Map<number, number>; raw: Uint8Array }
  | { type: 'other'; messageType: number; raw: Uint8Array }
  | { type: 'undecodable'; raw: Uint8Array; error: string }

function frameOf(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

/** Sync step 1 carrying `doc`'s state vector (or an empty one). */
export function syncStep1Frame(doc?: Y.Doc): Uint8Array {
  const sv = doc ? Y.encodeStateVector(doc) : Y.encodeStateVector(new Y.Doc())
  return frameOf((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncStep.Step1)
    encoding.writeVarUint8Array(e, sv)
  })
}

export function syncStep2Frame(update: Uint8Array): Uint8Array {
  return frameOf((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncStep.Step2)
    encoding.writeVarUint8Array(e, update)
  })
}

export function updateFrame(update: Uint8Array): Uint8Array {
  return frameOf((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncStep.Update)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
  return frameOf((e) => {
    encoding.writeVarUint(e, entries.length)
    for (const entry of entries) {
      encoding.writeVarUint(e, entry.clientID)
      encoding.writeVarUint(e, entry.clock)
      encoding.writeVarString(e, JSON.stringify(entry.state))
    }
  })
}

export function awarenessFrame(entries: readonly AwarenessEntry[]): Uint8Array {
  return frameOf((e) => {
    encoding.writeVarUint(e, MessageType.Awareness)
    encoding.writeVarUint8Array(e, encodeAwareness(entries))
  })
}

export const QUERY_AWARENESS_FRAME = new Uint8Array([MessageType.QueryAwareness])
/** The opt-in "saved" request: type 100 with no payload (a varUint of 100 is two bytes). */
export const SAVED_REQUEST_FRAME = frameOf((e) => encoding.writeVarUint(e, MessageType.Saved))

/** Decodes one frame from the server, strictly (trailing bytes make it undecodable). */
export function decodeFrame(data: Uint8Array): Frame {
  const raw = data
  try {
    const d = decoding.createDecoder(data)
    const type = decoding.readVarUint(d)
    let frame: Frame
    if (type === MessageType.Sync) {
      const step = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      frame = { type: 0, step, payload, raw }
    } else if (type === MessageType.Awareness) {
      const update = decoding.readVarUint8Array(d)
      frame = { type: 1, entries: decodeAwareness(update), raw }
    } else if (type === MessageType.Auth) {
      const sub = decoding.readVarUint(d)
      const reason = sub === AUTH_PERMISSION_DENIED ? decoding.readVarString(d) : ''
      frame = { type: 2, sub, reason, raw }
    } else if (type === MessageType.Saved) {
      const sv = decoding.readVarUint8Array(d)
      frame = { type: 100, stateVector: Y.decodeStateVector(sv), raw }
    } else {
      return { type: 'other', messageType: type, raw }
    }
    if (decoding.hasContent(d)) throw new Error(`trailing bytes after a type ${type} message`)
    return frame
  } catch (error) {
    return { type: 'undecodable', raw, error: String(error) }
  }
}

export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update)
  const n = decoding.readVarUint(d)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < n; i++) {
    const clientID = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    const state = JSON.parse(decoding.readVarString(d)) as unknown
    entries.push({ clientID, clock, state })
  }
  return entries
}

/** The Yjs client IDs whose structs an update carries. */
export function updateClients(update: Uint8Array): Set<number> {
  const { structs } = Y.decodeUpdate(update)
  return new Set(structs.map((s) => s.id.client))
}

/** An update that inserts `text` at the start of `name` from a fresh client. */
export function insertUpdate(text: string, opts: { clientID?: number; name?: string } = {}): {
  update: Uint8Array
  doc: Y.Doc
} {
  const doc = new Y.Doc()
  if (opts.clientID !== undefined) doc.clientID = opts.clientID
  doc.getText(opts.name ?? 'text').insert(0, text)
  return { update: Y.encodeStateAsUpdate(doc), doc }
}

/**
 * A sync-update frame of exactly `size` bytes whose update is a valid Yjs update
 * (an insert of filler text), for testing MAX_MESSAGE_BYTES at its boundary.
 */
export function updateFrameOfSize(size: number, name = 'big'): { frame: Uint8Array; update: Uint8Array } {
  let fill = Math.max(0, size - 40)
  for (let attempt = 0; attempt < 64; attempt++) {
    const doc = new Y.Doc()
    doc.clientID = 4242
    doc.getText(name).insert(0, 'x'.repeat(fill))
    const update = Y.encodeStateAsUpdate(doc)
    const frame = updateFrame(update)
    if (frame.length === size) return { frame, update }
    fill += size - frame.length
    if (fill < 0) break
  }
  throw new Error(`could not build an update frame of exactly ${size} bytes`)
}

/** A Yjs update of exactly `size` bytes (for HTTP body limits). */
export function updateOfSize(size: number, name = 'big'): Uint8Array {
  let fill = Math.max(0, size - 30)
  for (let attempt = 0; attempt < 64; attempt++) {
    const doc = new Y.Doc()
    doc.clientID = 4343
    doc.getText(name).insert(0, 'y'.repeat(fill))
    const update = Y.encodeStateAsUpdate(doc)
    if (update.length === size) return update
    fill += size - update.length
    if (fill < 0) break
  }
  throw new Error(`could not build an update of exactly ${size} bytes`)
}

/**
 * An update whose structs decode and would integrate (an insert of `text`) but
 * whose delete set is cut off: Yjs integrates the structs before it reads the
 * delete set, so a server that applies without validating in full would keep
 * the text and only then throw.
 */
export function structsThenBrokenDeleteSet(text: string): Uint8Array {
  const { update } = insertUpdate(text, { clientID: 777_001 })
  // A fresh insert has an empty delete set: its last byte is the varUint 0
  // (number of clients). Claim 5 clients and stop there.
  if (update[update.length - 1] !== 0) throw new Error('unexpected update layout')
  const broken = update.slice()
  broken[broken.length - 1] = 5
  return broken
}

/** Mulberry32: a tiny seeded PRNG so fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * An update that Yjs decodes in full but that throws while it is integrated
 * (a TypeError in `findIndexSS`, from `Item.getMissing`), after some of it is
 * in the document: applied to any document, it leaves "He fuzzworld." in the
 * text and a title in `meta`. Found by fuzzing mutated frames of an editor
 * session (issue 10).
 */
export const INTEGRATION_FAILURE_UPDATE: Uint8Array = Uint8Array.from(
  Buffer.from(
    'AQmikMu3DgAEAQR0ZXh0AkhlgaKQy7cOAQOEopDLtw4EDSBmdXp6f3dvcmxkLiBGopDLtw4ABGJvbGQEdHJ1ZcaikMu3DgSikMu3DgUEYm9sZARudWxsKAEEbWV0YQV0aXRsZQF3B0EgdGl0bGUHAQdkZWZhdWx0AwlwYXJhZ3JhcGgHAKKQy7cOFQYEAKKQy7cOHglwYXJhIHRleHQBopDLtw4BAgM=',
    'base64',
  ),
)

/** A fresh token for the live connection (Tandem's type 101): the token as a lib0 varString. */
export function refreshTokenFrame(token: string): Uint8Array {
  return frameOf((e) => {
    encoding.writeVarUint(e, MessageType.RefreshToken)
    encoding.writeVarString(e, token)
  })
}
