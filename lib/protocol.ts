/**
 * Message types of the y-websocket protocol, plus Tandem's extensions: the
 * opt-in "saved" acknowledgement and the fresh token a client sends before
 * its token expires (docs/sync-protocol.md, "Wire protocol", "Saved
 * acknowledgements" and "Fresh tokens").
 * Every frame starts with one of these as a lib0 varUint.
 */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** Tandem extension: ask for, and receive, the room's persisted state vector. */
  Saved: 100,
  /** Tandem extension, client to server: a fresh access token (lib0 varString) for the live connection. */
  RefreshToken: 101,
} as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a Sync message (y-protocols/sync). */
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const

/** The only y-protocols auth sub-type: the connection's writes are refused. */
export const AUTH_PERMISSION_DENIED = 0
