/**
 * Binary framing of fan-out messages on the wire between instances:
 * `instanceId, kind, payload`, with lib0 encoding like the client protocol.
 * The instance id lets each instance drop its own echoes.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { LIVE_ACCESS_LEVELS } from '../../lib/access'
import type { FanoutMessage } from './Fanout'

const Kind = { update: 0, awareness: 1, access: 2, deleted: 3, 'sync-request': 4, stored: 5 } as const
const ACCESS = LIVE_ACCESS_LEVELS

export function encodeFanoutMessage(instanceId: string, message: FanoutMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, instanceId)
  encoding.writeVarUint(encoder, Kind[message.kind])
  switch (message.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.update)
      break
    case 'access':
      encoding.writeVarString(encoder, message.sub)
      encoding.writeVarUint(encoder, ACCESS.indexOf(message.access))
      break
    case 'sync-request':
    case 'stored':
      encoding.writeVarUint8Array(encoder, message.stateVector)
      break
    case 'deleted':
      break
  }
  return encoding.toUint8Array(encoder)
}

/** Decodes a fan-out message; throws on anything malformed (the caller logs and drops it). */
export function decodeFanoutMessage(data: Uint8Array): { instanceId: string; message: FanoutMessage } {
  const decoder = decoding.createDecoder(data)
  const instanceId = decoding.readVarString(decoder)
  const kind = decoding.readVarUint(decoder)
  switch (kind) {
    case Kind.update:
      return { instanceId, message: { kind: 'update', update: decoding.readVarUint8Array(decoder) } }
    case Kind.awareness:
      return { instanceId, message: { kind: 'awareness', update: decoding.readVarUint8Array(decoder) } }
    case Kind.access: {
      const sub = decoding.readVarString(decoder)
      const access = ACCESS[decoding.readVarUint(decoder)]
      if (!access) throw new Error('unknown access level')
      return { instanceId, message: { kind: 'access', sub, access } }
    }
    case Kind.deleted:
      return { instanceId, message: { kind: 'deleted' } }
    case Kind['sync-request']:
      return { instanceId, message: { kind: 'sync-request', stateVector: decoding.readVarUint8Array(decoder) } }
    case Kind.stored:
      return { instanceId, message: { kind: 'stored', stateVector: decoding.readVarUint8Array(decoder) } }
    default:
      throw new Error(`unknown fan-out message kind ${kind}`)
  }
}
