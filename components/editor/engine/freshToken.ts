import * as encoding from 'lib0/encoding'
import { MessageType } from '@/lib/protocol'

/**
 * Tandem's type-101 message: a fresh access token for the live connection
 * (docs/sync-protocol.md, "Fresh tokens"). The sync server closes a connection
 * with 4401 once its token expires; one that sent a fresh token first lives
 * on to the new token's expiry, so an editor open for hours keeps its socket.
 */
export function encodeFreshToken(token: string): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.RefreshToken)
  encoding.writeVarString(encoder, token)
  return encoding.toUint8Array(encoder) as Uint8Array<ArrayBuffer>
}

/** Sends `token` on `socket` when it is open; a closed or closing socket is left alone (the reconnect fetches its own). */
export function sendFreshToken(socket: WebSocket | null, token: string): void {
  if (socket && socket.readyState === socket.OPEN) socket.send(encodeFreshToken(token))
}
