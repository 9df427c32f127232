/**
 * Message types of the y-websocket protocol, plus Tandem's opt-in "saved"
 * acknowledgement (docs/sync-protocol.md, "Wire protocol" and "Saved acknowledgements").
 * Every frame starts with one of these as a lib0 varUint.
 */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** Tandem extension: ask for, and receive, the room's persisted state vector. */
  Saved: 100,
} as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a Sync message (y-protocols/sync). */
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const

/** The only y-protocols auth sub-type: the connection's writes are refused. */
export const AUTH_PERMISSION_DENIED = 0
