/**
 * Where a version restore leaves its mark in a document's Y.Doc (see
 * docs/sync-protocol.md, HISTORY-30). A root map of its own, next to the
 * body (`default`) and the title (`meta`), so a restore never compares or
 * restores it like content; the server writes it in the restore's own
 * update and clients watch it to make the restore a checkpoint their undo
 * does not cross.
 */
export const RESTORE_MAP = 'restore'
/** The key holding the latest restore: `{ version, at }`. */
export const RESTORE_KEY = 'last'

export interface RestoreMark {
  /** The id of the version restored. */
  version: string
  /** When, in ISO 8601 (UTC). */
  at: string
}
