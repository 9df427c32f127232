import { CloseCode } from '../lib/closeCodes'

/**
 * A fault of one connection's input. Thrown anywhere below the connection's
 * message handler and caught once there, which closes that connection only
 * (STYLE.md, "Errors and close codes").
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
