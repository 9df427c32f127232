/**
 * WebSocket close codes the sync server uses, as docs/sync-protocol.md lists them.
 * Clients (components/) read the same table to decide whether to reconnect.
 */
export const CloseCode = {
  /** Server shutting down (SIGTERM): reconnect later. */
  GoingAway: 1001,
  /** Malformed message, unknown type, or an update Yjs cannot decode. */
  ProtocolError: 1002,
  /** A text frame: the protocol is binary only. */
  Unsupported: 1003,
  /** Flood over MAX_MESSAGES_PER_SECOND, or more presence client IDs than MAX_AWARENESS_CLIENTS. */
  PolicyViolation: 1008,
  /** A frame over MAX_MESSAGE_BYTES, or one presence state over MAX_AWARENESS_BYTES. */
  TooBig: 1009,
  /** Our own fault; the client may retry. */
  InternalError: 1011,
  /** A receiver too slow to drain its send buffer; or a document being rebuilt whose backlog is full. */
  TryAgainLater: 1013,
  /**
   * The connection's token expired (or a fresh one it sent was refused). Not
   * final: fetch a new token, then reconnect. A client that sends a fresh
   * token (message type 101) before `exp` is never closed with it.
   */
  TokenExpired: 4401,
  /** Access was revoked (`POST /docs/<id>/access` with `none`): do not reconnect. */
  AccessRevoked: 4403,
  /** The document was deleted (`DELETE /docs/<id>`): do not reconnect. */
  DocumentDeleted: 4404,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/** Close codes after which a client should stop reconnecting and tell the user why. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.AccessRevoked, CloseCode.DocumentDeleted])
