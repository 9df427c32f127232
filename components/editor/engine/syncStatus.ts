/**
 * What the status badge shows, derived from the connection's facts. Pure so
 * the rules can be unit-tested and read in one place.
 */
export const SyncStatus = {
  /** First connection not yet made (or made, but the document not yet received). */
  Connecting: 'connecting',
  /** Live; some of our edits are not yet stored by the server (or we wait for its first answer). */
  Connected: 'connected',
  /** Live, and the server has stored every edit we made. */
  Saved: 'saved',
  /** Lost the connection after having had it: edits are kept locally and sent on reconnect. */
  Offline: 'offline',
  /** The server ended it for good (access removed, document deleted): no reconnecting. */
  Closed: 'closed',
} as const
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus]

export const ClosedReason = {
  AccessRevoked: 'access-revoked',
  Deleted: 'deleted',
  SignedOut: 'signed-out',
} as const
export type ClosedReason = (typeof ClosedReason)[keyof typeof ClosedReason]

/** How far this browser's local copy has the document (LocalCopy.ts); null without one. */
export type LocalCopyState = 'loading' | 'writing' | 'written'

export interface ConnectionFacts {
  /** The socket is open. */
  connected: boolean
  /** The first sync with the server completed on this socket. */
  synced: boolean
  /** We have been live at least once since the page opened. */
  everSynced: boolean
  /** All our edits are in the server's persisted state vector. */
  saved: boolean
  closedReason: ClosedReason | null
  /** The document is on screen from this browser's local copy. */
  shownFromLocalCopy?: boolean
  /** The last attempt to reach the server failed (we are retrying). */
  unreachable?: boolean
}

export function deriveSyncStatus(facts: ConnectionFacts): SyncStatus {
  if (facts.closedReason) return SyncStatus.Closed
  if (facts.connected && facts.synced) return facts.saved ? SyncStatus.Saved : SyncStatus.Connected
  if (facts.everSynced) return SyncStatus.Offline
  // Opened without reaching the server: with the local copy on screen, the user works offline.
  return facts.shownFromLocalCopy && facts.unreachable ? SyncStatus.Offline : SyncStatus.Connecting
}

/** How the connection is carried and what this device holds: refinements of the words. */
export interface StatusDetails {
  /** The HTTP transport carries the connection (WebSockets failed here). */
  viaHttp?: boolean
  /** This browser's local copy (null without one: the edits then live in this tab only). */
  localCopy?: LocalCopyState | null
}

/** The words next to the status dot. */
export function syncStatusLabel(status: SyncStatus, closedReason: ClosedReason | null, readOnly = false, details: StatusDetails = {}): string {
  const label = connectionLabel(status, closedReason, readOnly, details.localCopy ?? null)
  if (!details.viaHttp || (status !== SyncStatus.Connected && status !== SyncStatus.Saved)) return label
  return label.replace(/^Connected/, 'Connected · via HTTP')
}

function connectionLabel(status: SyncStatus, closedReason: ClosedReason | null, readOnly: boolean, localCopy: LocalCopyState | null): string {
  switch (status) {
    case SyncStatus.Connecting:
      return 'Connecting…'
    case SyncStatus.Connected:
      // A reader has nothing of theirs being saved (a downgraded editor's refused edits never will be).
      return readOnly ? 'Connected' : 'Connected · saving…'
    case SyncStatus.Saved:
      // Readers have nothing of theirs to save: say that they see the latest.
      return readOnly ? 'Connected · up to date' : 'Connected · all changes saved'
    case SyncStatus.Offline:
      if (readOnly) return 'Offline'
      // Without a local copy (no IndexedDB) the edits live in this tab only.
      if (localCopy === null) return 'Offline: your edits are kept and will sync'
      return localCopy === 'written' ? 'Offline · saved on this device' : 'Offline · saving on this device…'
    case SyncStatus.Closed:
      return closedReasonMessage(closedReason)
  }
}

export function closedReasonMessage(reason: ClosedReason | null): string {
  switch (reason) {
    case ClosedReason.Deleted:
      return 'This document was deleted'
    case ClosedReason.SignedOut:
      return 'You were signed out'
    default:
      return 'Your access to this document was removed'
  }
}
