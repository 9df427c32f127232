/**
 * Reading and writing y-websocket frames. Parsing is strict: a frame must hold
 * exactly one well-formed message, or it is a protocol error (1002). y-protocols
 * gives us the wire format; we parse by hand only where the server must look
 * inside a message before acting on it (to refuse a reader's update, to filter
 * awareness entries by owner).
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as authProtocol from 'y-protocols/auth'
import * as Y from 'yjs'
import { MessageType, SyncStep } from '../lib/protocol'
import { protocolError } from './SyncError'

export type IncomingMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array; step: 'step2' | 'update' }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'auth' }
  | { type: 'query-awareness' }
  | { type: 'saved' }
  | { type: 'refresh-token'; token: string }

/** The longest token a type 101 message may carry, in bytes. */
export const MAX_TOKEN_BYTES = 8192

/** Parses one frame. Throws a 1002 SyncError for anything malformed, truncated or unknown. */
export function readMessage(frame: Uint8Array): IncomingMessage {
  const decoder = decoding.createDecoder(frame)
  let message: IncomingMessage
  try {
    message = readMessageBody(decoder)
  } catch (error) {
    if ((error as { closeCode?: number }).closeCode) throw error
    throw protocolError('malformed message')
  }
  if (decoding.hasContent(decoder)) throw protocolError('trailing bytes after message')
  return message
}

function readMessageBody(decoder: decoding.Decoder): IncomingMessage {
  const messageType = decoding.readVarUint(decoder)
  switch (messageType) {
    case MessageType.Sync: {
      const step = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (step === SyncStep.Step1) return { type: 'sync-step1', stateVector: payload }
      if (step === SyncStep.Step2) return { type: 'sync-update', update: payload, step: 'step2' }
      if (step === SyncStep.Update) return { type: 'sync-update', update: payload, step: 'update' }
      throw protocolError('unknown sync step')
    }
    case MessageType.Awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.Auth:
      // Clients have nothing to say in auth messages; read and drop one.
      decoding.readVarUint(decoder)
      decoding.readVarString(decoder)
      return { type: 'auth' }
    case MessageType.QueryAwareness:
      return { type: 'query-awareness' }
    case MessageType.Saved:
      return { type: 'saved' }
    case MessageType.RefreshToken: {
      // A JWT is a few hundred bytes; anything longer is not one of ours.
      if (decoding.peekVarUint(decoder) > MAX_TOKEN_BYTES) throw protocolError('token too long')
      return { type: 'refresh-token', token: decoding.readVarString(decoder) }
    }
    default:
      throw protocolError('unknown message type')
  }
}

/**
 * Checks that `update` decodes in full as a Yjs update, structs and delete set
 * alike, before it may touch a room's document. Y.applyUpdate integrates the
 * structs before it reads the delete set, so a truncated update would leave the
 * document half-changed: decoding first is what keeps the room exactly as it
 * was when the update is bad.
 */
export function assertValidUpdate(update: Uint8Array): void {
  readValidUpdate(update)
}

/** One struct of a decoded update: what it claims, by client and clock. */
export type DecodedStruct = Y.Item | Y.GC | Y.Skip

/**
 * From this size on, an update is checked as a stream: Y.diffUpdate against an
 * empty state vector reads every struct and the delete set, as Y.decodeUpdate
 * does, but keeps none of the structs. Held in one array while the room applied
 * the update, the structs of a large one (a paste, an import, a whole document
 * sent by a client that reconnects) outlived V8's young generation and stayed in
 * the process's RSS: 40 MiB more for bench scenario F's 3.9 MB document, sent
 * as 16 updates of 240 KB. Typing is far below it.
 */
export const STREAMED_CHECK_BYTES = 64 * 1024

const EMPTY_STATE_VECTOR = Uint8Array.of(0)

/**
 * As {@link assertValidUpdate}, returning the decoded structs (the decode is
 * done anyway: a room uses them to see which parts it already holds), or null
 * for an update of STREAMED_CHECK_BYTES or more, checked without keeping them.
 */
export function readValidUpdate(update: Uint8Array): DecodedStruct[] | null {
  if (update.length === 0) throw protocolError('empty update')
  try {
    if (update.length < STREAMED_CHECK_BYTES) return Y.decodeUpdate(update).structs
    Y.diffUpdate(update, EMPTY_STATE_VECTOR)
    return null
  } catch {
    throw protocolError('update does not decode')
  }
}

/** Is this the smallest possible update: no structs and no deletions? */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0
}

export function decodeStateVectorStrict(stateVector: Uint8Array): Map<number, number> {
  try {
    return Y.decodeStateVector(stateVector)
  } catch {
    throw protocolError('state vector does not decode')
  }
}

/** One frame: the message type, then whatever `writeBody` adds (the y-protocols framing). */
function frame(type: MessageType, writeBody: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, type)
  writeBody(encoder)
  return encoding.toUint8Array(encoder)
}

export const encodeSyncStep1 = (doc: Y.Doc) => frame(MessageType.Sync, (e) => syncProtocol.writeSyncStep1(e, doc))

export const encodeSyncStep1FromStateVector = (stateVector: Uint8Array) =>
  frame(MessageType.Sync, (e) => {
    encoding.writeVarUint(e, SyncStep.Step1)
    encoding.writeVarUint8Array(e, stateVector)
  })

/** Sync step 2 carrying an update we already hold as bytes (no document needed). */
export const encodeSyncStep2FromUpdate = (update: Uint8Array) =>
  frame(MessageType.Sync, (e) => {
    encoding.writeVarUint(e, SyncStep.Step2)
    encoding.writeVarUint8Array(e, update)
  })

export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array) =>
  frame(MessageType.Sync, (e) => syncProtocol.writeSyncStep2(e, doc, stateVector))

export const encodeUpdateMessage = (update: Uint8Array) => frame(MessageType.Sync, (e) => syncProtocol.writeUpdate(e, update))

export const encodeAwarenessMessage = (awarenessUpdate: Uint8Array) =>
  frame(MessageType.Awareness, (e) => encoding.writeVarUint8Array(e, awarenessUpdate))

export const encodePermissionDenied = (reason: string) =>
  frame(MessageType.Auth, (e) => authProtocol.writePermissionDenied(e, reason))

export const encodeSavedMessage = (persistedStateVector: Uint8Array) =>
  frame(MessageType.Saved, (e) => encoding.writeVarUint8Array(e, persistedStateVector))
