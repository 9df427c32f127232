/**
 * Where a user's local copies live in this browser. Every name carries the
 * user id, so a second person signing in on the same browser opens, lists
 * and erases only their own (issue 12, "Privacy").
 */

const DB_PREFIX = 'tandem-doc'

/** The IndexedDB database holding `userId`'s copy of one document. */
export function localCopyDbName(userId: string, documentId: string): string {
  return `${DB_PREFIX}:${encodeURIComponent(userId)}:${documentId}`
}

/** The prefix of every database of `userId` (see {@link localCopyDbName}). */
export function localCopyDbPrefix(userId: string): string {
  return `${DB_PREFIX}:${encodeURIComponent(userId)}:`
}

/** The BroadcastChannel on which `userId`'s tabs of one document pass edits to each other. */
export function tabChannelName(userId: string, documentId: string): string {
  return `tandem-tabs:${encodeURIComponent(userId)}:${documentId}`
}

