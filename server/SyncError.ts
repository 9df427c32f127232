import { CloseCode } from '../lib/closeCodes'

/**
 * A fault of one connection's input. Thrown anywhere below the room's message
 * handler and caught once, in `handlePeerFrame` (room/Peer.ts), which closes
 * that connection only, with `closeCode` (docs/sync-protocol.md, "Bad input").
 */
export class SyncError extends Error {
  constructor(
    readonly closeCode: CloseCode,
    reason: string,
  ) {
    super(reason)
    this.name = 'SyncError'
  }
}

export const protocolError = (reason: string) => new SyncError(CloseCode.ProtocolError, reason)
